"""Browser tests: Debian's chromium through Playwright, and the web application served on 127.0.0.1."""
from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator

import pytest

CHROMIUM = "/usr/bin/chromium"
# no background traffic: this machine's network is closed
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# bounds a hang only: on a busy machine chromium may take far longer than Playwright's 30 s default
TIMEOUT_MS = 120_000

#: module-level ``pytestmark`` of browser test files
MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing (apt-get install chromium)"),
]


@contextlib.contextmanager
def served_app(config=None) -> Iterator[str]:
    """The WSGI application served by a thread on a free 127.0.0.1 port; yields its URL.

    ``config``: the application's own config (as on another host), else the current one.
    """
    from werkzeug.serving import make_server

    from coquiapps.http import Application

    httpd = make_server("127.0.0.1", 0, Application(config), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@contextlib.contextmanager
def chromium():
    """A headless Debian chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, timeout=TIMEOUT_MS)
        _patient(browser)
        try:
            yield browser
        finally:
            browser.close()


def _patient(browser) -> None:
    """Contexts and pages of ``browser`` wait up to ``TIMEOUT_MS`` for actions and navigations."""
    new_context, new_page = browser.new_context, browser.new_page

    def patient(target):
        target.set_default_timeout(TIMEOUT_MS)
        target.set_default_navigation_timeout(TIMEOUT_MS)
        return target

    browser.new_context = lambda *args, **kwargs: patient(new_context(*args, **kwargs))
    browser.new_page = lambda *args, **kwargs: patient(new_page(*args, **kwargs))


def login(page, server: str, db: str, user: str = "admin", password: str = "admin") -> None:
    """Sign in to the web client of ``db`` through its login page."""
    page.goto(f"{server}/web/login?db={db}")
    page.fill("#login", user)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/web")
