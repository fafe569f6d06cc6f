# The two commands a user needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
COQUIAPPS := $(VENV)/bin/coquiapps
STAMP := $(VENV)/.installed-stamp
DEMO_DB ?= demo
DEMO_PORT ?= 8069
DEMO_SANDBOX_PORT ?= 8111

.PHONY: install demo test browser lint clean

install: $(STAMP)

$(STAMP): pyproject.toml setup.py
	@command -v $(PYTHON) >/dev/null || { echo "make: $(PYTHON) is missing: install Python 3.11 or newer"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "make: Python 3.11 or newer is needed ($(PYTHON) is older)"; exit 1; }
	@echo "== creating $(VENV) and installing CoquiAPPs with its test extra"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# Debian's chromium for the browser tests; installed with apt-get when root.
browser:
	@sh coquiapps/testing/ensure_browser.sh

demo: install
	@$(COQUIAPPS) demo $(DEMO_DB) --http-port $(DEMO_PORT) --sandbox-port $(DEMO_SANDBOX_PORT)

# lint first: a broken layer fails in seconds, before the suite's minutes
test: lint browser
	$(PY) -m pytest

# ruff, then the declared layers (pyproject's [tool.importlinter], run by lint-imports)
lint: install
	$(VENV)/bin/ruff check .
	$(PY) -m coquiapps.testing.layers

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
