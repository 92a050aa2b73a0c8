# Two commands a newcomer needs: `make run` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run production-local drills test test-fast lint bench clean assets

# The front door's GOV.UK Frontend (and axe-core for the accessibility tests): released npm packages, pinned,
# installed into the git-ignored build/npm (nothing committed). Skipped with a note when npm is missing.
GOVUK_FRONTEND := govuk-frontend@5.9.0
AXE_CORE := axe-core@4.10.3
ASSETS := build/npm/node_modules/govuk-frontend/package.json

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Posted letters are laid out by WeasyPrint, which needs Debian's Pango (and a font with Arial's metrics).
PANGO_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation

$(STAMP): pyproject.toml | $(BIN)/python
	@ldconfig -p 2>/dev/null | grep 'libpangoft2-1.0' >/dev/null || { \
		if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PANGO_PACKAGES) >/dev/null; \
		else echo "posted letters need Pango: apt-get install $(PANGO_PACKAGES)"; fi; }
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(ASSETS):
	@if command -v npm >/dev/null 2>&1; then \
		mkdir -p build/npm && npm install --no-save --no-audit --no-fund --silent --prefix build/npm $(GOVUK_FRONTEND) $(AXE_CORE); \
	else echo "npm not found: the front door runs unstyled (apt-get install npm, then make assets)"; fi

## assets: GOV.UK Frontend and axe-core from the npm registry into build/npm
assets: $(ASSETS)

## run: the embedded stack: local Prefect server (SQLite), records, demo caseload, review runs; Ctrl-C stops
run: $(STAMP) $(ASSETS)
	$(BIN)/python -m deployments.embedded

## production-local: the production profile on one machine (PostgreSQL, auth, a work pool of two workers); Ctrl-C stops
production-local: $(STAMP)
	$(BIN)/python -m deployments.production_local

## drills: fault drills on the production profile (loopback, bounded); exits non-zero on a duplicate, loss or stuck run
drills: $(STAMP)
	$(BIN)/python -m deployments.drills

## test: the whole test suite; the records tests also run on PostgreSQL when it answers on 127.0.0.1:5432.
## Test files are shared out over TEST_WORKERS processes (one per core by default; each file stays whole in one,
## so a file's server or browser starts once); TEST_WORKERS=0 runs them all in this process.
PG_TEST_URL := postgresql+psycopg://postgres@127.0.0.1:5432/postgres
TEST_WORKERS ?= auto
test: $(STAMP) $(ASSETS)
	@if [ -z "$$EHCP_TEST_POSTGRES_URL" ] && command -v pg_isready >/dev/null 2>&1 \
		&& pg_isready -q -h 127.0.0.1 -p 5432; then export EHCP_TEST_POSTGRES_URL='$(PG_TEST_URL)'; fi; \
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile

## test-fast: the tests that start no server (rules, records, notices, services, front door with a Prefect stand-in)
test-fast: $(STAMP)
	@if [ -z "$$EHCP_TEST_POSTGRES_URL" ] && command -v pg_isready >/dev/null 2>&1 \
		&& pg_isready -q -h 127.0.0.1 -p 5432; then export EHCP_TEST_POSTGRES_URL='$(PG_TEST_URL)'; fi; \
	$(BIN)/python -m pytest -q -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(STAMP)
	[ ! -f bench/deadlines.py ] || $(BIN)/python bench/deadlines.py
	$(BIN)/python bench/import.py
	$(BIN)/python bench/reviews.py
	$(BIN)/python bench/sen2.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
