# The commands README.md shows. Every target installs what it needs into .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# MkDocs 1.6 prints a banner about MkDocs 2 on every run; it says nothing about this site.
export NO_MKDOCS_2_WARNING := 1

.PHONY: install chromium serve build test test-fast check links bench clean distclean lock

install: $(STAMP)

# Reinstall only when the dependencies change, so repeated `make test` costs nothing extra.
$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "error: Python 3.11 or newer is needed (found $$($(PYTHON) --version 2>&1)); set PYTHON=python3.11 or newer" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	@touch $(STAMP)

# --livereload is spelled out: with click >= 8.2, MkDocs 1.6 otherwise starts with reload off.
# --dirty keeps the preview's folder between rebuilds, so only pages whose HTML changed are
# written; the garden decides which (MkDocs' own --dirty would go by file times: see site.py).
# The address is mkdocs.yml's `dev_addr` unless HOST or PORT says otherwise for this run:
# `make serve PORT=8001`, `make serve HOST=0.0.0.0` (to reach it from another device).
DEV_ADDR := $(or $(shell sed -n 's/^dev_addr:[[:space:]]*//p' mkdocs.yml 2>/dev/null | tr -d "\"'"),127.0.0.1:8000)
HOST ?= $(firstword $(subst :, ,$(DEV_ADDR)))
PORT ?= $(lastword $(subst :, ,$(DEV_ADDR)))
serve: install
	$(BIN)/mkdocs serve --livereload --dirty --dev-addr $(HOST):$(PORT)

# NO_CACHE=1 builds without the build cache (.cache/garden/), as `garden build --no-cache` does.
build: install
	GARDEN_NO_CACHE=$(NO_CACHE) $(BIN)/mkdocs build --strict

test: install chromium
	$(BIN)/python -m pytest

# The tests that need no build, server, browser or process (a few seconds): for the edit-test loop.
test-fast: install
	$(BIN)/python -m pytest -m "not slow"

# The browser tests (tests/site/test_browser.py) drive the system's Chromium, never a browser that
# Playwright downloads. If there is none, this installs Debian's (with sudo unless root); nothing
# runs when it is there. Elsewhere name a Chromium or Chrome: `make test CHROMIUM=/path/to/chrome`.
CHROMIUM ?= $(firstword $(wildcard /usr/bin/chromium /usr/bin/google-chrome) /usr/bin/chromium)
export GARDEN_CHROMIUM := $(CHROMIUM)
chromium:
	@test -x "$(CHROMIUM)" || { \
		command -v apt-get >/dev/null || { echo "error: the browser tests need Chromium: install it and run make test CHROMIUM=/path/to/chromium" >&2; exit 1; }; \
		sudo=$$(test "$$(id -u)" = 0 || echo sudo); \
		echo "Installing Chromium for the browser tests (apt-get install chromium)"; \
		$$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	}

# FORMAT=github turns the link checker's findings into pull-request annotations.
FORMAT ?= human
check: install
	$(BIN)/garden check
	$(BIN)/mkdocs build --strict
	$(BIN)/garden links --format $(FORMAT)

links: install
	$(BIN)/garden links --format $(FORMAT)

bench: install
	$(BIN)/python bench/build_time.py

clean:
	rm -rf site bench/.work .pytest_cache .cache
	find . -name __pycache__ -type d -prune -not -path './.venv/*' -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) hooks/*.egg-info

# Refresh constraints.txt from a throw-away venv after changing pyproject.toml's bounds.
lock:
	rm -rf /tmp/garden-lock && $(PYTHON) -m venv /tmp/garden-lock
	/tmp/garden-lock/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	/tmp/garden-lock/bin/python -m pip freeze --exclude-editable | grep -v '^-e' > constraints.txt
	rm -rf /tmp/garden-lock
