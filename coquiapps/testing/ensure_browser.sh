#!/bin/sh
# Makes Debian's chromium available for the Playwright browser tests.
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing Debian's chromium for the browser tests (apt-get)"
    apt-get update -qq >/dev/null && \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null && exit 0
    echo "make: apt-get could not install chromium; browser tests will be skipped"
    exit 0
fi
echo "make: /usr/bin/chromium is missing and this is not root: run 'sudo apt-get install chromium' to enable the browser tests (they are skipped meanwhile)"
