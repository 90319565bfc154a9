# League Atlas: `make run` and `make test` do all the set-up on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
DATA_DIR ?= $(or $(LEAGUE_ATLAS_DATA_DIR),data)
PORT ?= 8501

.PHONY: help install data run test test-fast test-unit test-app test-integration test-browser lint format bench load chromium axe clean

help:
	@echo "make run    - install into .venv, prepare the data if missing or stale, start the app"
	@echo "make test   - install (incl. Debian chromium), then run every test tier"
	@echo "make test-fast - unit and app tiers without the slow tests (the inner loop, under 2 minutes)"
	@echo "make bench  - benchmarks; writes bench/results.json"
	@echo "make load   - 20 concurrent sessions against one local server"

$(STAMP): requirements.txt pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium for the browser tests (Playwright never downloads a browser here).
chromium:
	@command -v $(CHROMIUM) >/dev/null 2>&1 || { \
	  echo "installing Debian chromium for the browser tests"; \
	  SUDO=$$(command -v sudo >/dev/null 2>&1 && [ "$$(id -u)" != 0 ] && echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# axe-core for the accessibility checks, from the npm registry.
axe: tests/browser/node_modules/axe-core/axe.min.js
tests/browser/node_modules/axe-core/axe.min.js:
	cd tests/browser && npm install --silent --no-audit --no-fund axe-core@4 >/dev/null

data: install
	$(PYTHON) -m league_atlas build --if-stale --data-dir $(DATA_DIR)

# A failed data build does not stop the app: it opens on its Get started page, which says
# what is missing, where to fetch it and where to put it.
run: install
	@$(PYTHON) -m league_atlas build --if-stale --data-dir $(DATA_DIR) || \
	  echo "League Atlas: the data could not be prepared (see above); starting the app on its Get started page."
	LEAGUE_ATLAS_DATA_DIR=$(DATA_DIR) $(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test-fast: install
	$(BIN)/pytest -q -m "not slow" tests/unit tests/app

test-unit: install
	$(BIN)/pytest -q tests/unit

test-app: install
	$(BIN)/pytest -q tests/app

test-integration: install
	$(BIN)/pytest -q tests/integration

test-browser: install chromium axe
	$(BIN)/pytest -q tests/browser

test: install chromium axe lint
	$(BIN)/pytest -q tests/unit tests/app tests/integration tests/browser

bench: install chromium
	$(PYTHON) -m bench.run

load: install chromium
	$(PYTHON) -m bench.load

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
