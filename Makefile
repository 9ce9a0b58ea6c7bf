# Peta Cakupan. `make run` serves the map, `make test` runs every test; both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: setup js run test test-fast lint measure bench bench-draw bench-growth bench-timeline curate deploy-local

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

translations/en/LC_MESSAGES/messages.mo: translations/en/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d translations

# Idempotent: the boundary step skips itself when its source and settings are unchanged,
# and sample loading publishes nothing that is already live.
# Browser libraries and esbuild from npm (package-lock.json pins them); served by web/vendor.py from node_modules/.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --include=dev --no-audit --no-fund
	touch $@

# Our scripts are ES modules (static/js/); each page's bundle is built from its entry (static/js/entries/) by
# esbuild into static/build/ (git-ignored), which layers/assets.py serves and inlines.
static/build/meta.json: $(wildcard static/js/*.js static/js/entries/*.js) scripts/build-js.sh node_modules/.package-lock.json
	bash scripts/build-js.sh

js: static/build/meta.json

setup: $(VENV)/.installed translations/en/LC_MESSAGES/messages.mo node_modules/.package-lock.json static/build/meta.json
	$(BIN)/flask --app app boundaries prepare
	$(BIN)/flask --app app coverage load-samples

run: setup
	$(BIN)/flask --app wsgi run --host $(HOST) --port $(PORT)

test: setup
	bash scripts/system-deps.sh
	$(BIN)/pytest

# The inner loop: everything but the browser, PostgreSQL, gunicorn and LibreOffice tests (marked slow in tests/conftest.py),
# on every core (pytest-xdist; each process keeps its own databases and instance folder).
test-fast: setup
	$(BIN)/pytest -m "not slow" -n auto

lint: $(VENV)/.installed
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

measure: setup
	$(BIN)/python scripts/measure.py

# Peta Cakupan beside a plain folium.Choropleth page, both cached and warmed under gunicorn on loopback, folium's CDN
# files served from their packages (npm pack into ~/.cache/peta-cakupan-bench on the first run); about two minutes.
bench: setup
	$(BIN)/python scripts/bench.py

# The first draw of the full-area map in headless Chromium, ours beside the plain folium page, on loopback, with the
# CPU slowed ×4 and on a second visit (median of 5 each; scripts/bench_draw.py; about two minutes).
bench-draw: setup
	$(BIN)/python scripts/bench_draw.py

# What grows with the work: saved aliases (0 vs 20.000: cached map hit, a 5.000-row analysis; about a minute), then
# prepared districts (210 vs 442: preparation, the same maps' bytes, cold pages, PowerPoint; about five minutes).
# The 60 periods are make bench-timeline.
bench-growth: setup
	$(BIN)/python scripts/bench_growth.py
	$(BIN)/python scripts/bench_districts.py

# What presentation mode's time slider transfers: 2 and 60 periods, one periods.json against one values.json a period.
bench-timeline: setup
	$(BIN)/python scripts/bench_timeline.py

# Rebuild the bundled published figures (data/coverage/terbitan.csv, provinsi.csv) from ../shared/coverage.
curate: $(VENV)/.installed
	$(BIN)/python scripts/curate_published.py

# Two instances (gunicorn, two workers each) sharing one PostgreSQL and one Redis on loopback, as several machines
# run it (scripts/deploy_local.py says each step; tests/test_deploy.py checks them). Ctrl-C stops and removes it all.
deploy-local: setup
	bash scripts/system-deps.sh
	$(BIN)/python scripts/deploy_local.py
