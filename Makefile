# League Atlas: `make run` and `make test` do all the set-up on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
DATA_DIR ?= $(or $(LEAGUE_ATLAS_DATA_DIR),data)
PORT ?= 8501

.PHONY: help install lock data run test test-fast test-unit test-app test-integration test-browser lint format bench load chromium axe clean frontend frontend-check

help:
	@echo "make run    - install into .venv, prepare the data if missing or stale, start the app"
	@echo "make test   - install (incl. Debian chromium), then run every test tier"
	@echo "make test-fast - unit and app tiers without the slow tests (the inner loop, under 2 minutes)"
	@echo "make bench  - benchmarks; writes bench/results.json"
	@echo "make load   - 20 concurrent sessions against one local server"
	@echo "make lock   - re-pin requirements.txt into requirements.lock (with hashes)"

# requirements.txt is the human-edited list; requirements.lock pins it and every indirect
# dependency with hashes (`make lock` regenerates it), and is what gets installed.
$(STAMP): requirements.lock pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# pip-tools lives in its own venv: the lock generator is not a runtime dependency.
lock: requirements.txt
	test -d .venv-lock || $(PY) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet pip-tools
	.venv-lock/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	  --no-emit-index-url --no-emit-find-links --output-file requirements.lock requirements.txt

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

# The live map's browser assets (src/league_atlas_ui/live_map/frontend): deck.gl and esbuild from
# the npm lock file. The built files are committed, so `make run` needs no Node; `make frontend`
# rebuilds them and `make frontend-check` (part of `make test`) proves they match their sources.
FRONTEND := src/league_atlas_ui/live_map/frontend
frontend:
	cd $(FRONTEND) && npm ci --silent --no-audit --no-fund && node build.mjs

frontend-check:
	cd $(FRONTEND) && npm ci --silent --no-audit --no-fund && rm -rf .check && node build.mjs --out .check \
	  && diff -r dist .check && rm -rf .check && node --test test/*.test.js >/dev/null

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
	$(BIN)/pytest -q -n 2 --hypothesis-profile=fast -m "not slow" tests/unit tests/app

test-unit: install
	$(BIN)/pytest -q tests/unit

test-app: install
	$(BIN)/pytest -q tests/app

test-integration: install
	$(BIN)/pytest -q tests/integration

test-browser: install chromium axe
	$(BIN)/pytest -q tests/browser

# Unit and app tiers in two workers (each test builds its own store); the real-data and
# browser tiers serially, as they share one built store and one Chromium.
test: install chromium axe lint frontend-check
	$(BIN)/pytest -q -n 2 tests/unit tests/app
	$(BIN)/pytest -q tests/integration tests/browser

bench: install chromium
	$(PYTHON) -m bench.run

load: install chromium
	$(PYTHON) -m bench.load

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
