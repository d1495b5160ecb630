# Lavorete: `make run` serves the demo, `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/lavorete
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium

.PHONY: setup run test lint typecheck migrations-check test-sqlite test-postgres test-browser bench messages clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)
	@mkdir -p var/static
	$(PY) manage.py compilemessages --ignore '.venv' --verbosity 0

run: setup
	$(PY) manage.py migrate --verbosity 0
	$(PY) manage.py demo --if-empty
	$(PY) manage.py demo_logins
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: setup
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

typecheck: setup
	$(VENV)/bin/mypy lavorete config bench e2e

migrations-check: setup
	$(PY) manage.py makemigrations --check --dry-run

test-sqlite: setup
	@echo "== Test suite on SQLite"
	$(VENV)/bin/pytest -q -n 2 --dist loadfile

test-postgres: setup
	@echo "== Test suite on PostgreSQL ($(PG_URL))"
	@if $(PY) scripts/pg_available.py "$(PG_URL)"; then \
		DATABASE_URL="$(PG_URL)" $(VENV)/bin/pytest -q -n 2 --dist loadfile; \
	elif [ "$(REQUIRE_POSTGRES)" = "1" ]; then \
		echo "PostgreSQL is required (REQUIRE_POSTGRES=1) but not reachable at $(PG_URL)."; exit 1; \
	else \
		echo "SKIPPED: PostgreSQL not reachable at $(PG_URL); set PG_URL or start it (REQUIRE_POSTGRES=1 makes this fatal)."; \
	fi

test-browser: setup
	@echo "== Browser tests (Playwright + $(CHROMIUM))"
	@if [ -x "$(CHROMIUM)" ]; then \
		CHROMIUM="$(CHROMIUM)" $(VENV)/bin/pytest -q e2e; \
	elif [ "$(REQUIRE_BROWSER)" = "1" ]; then \
		echo "Chromium is required (REQUIRE_BROWSER=1) but $(CHROMIUM) is missing (apt-get install chromium)."; exit 1; \
	else \
		echo "SKIPPED: $(CHROMIUM) not found; install Debian's chromium (REQUIRE_BROWSER=1 makes this fatal)."; \
	fi

test: lint typecheck migrations-check test-sqlite test-postgres test-browser
	@echo "== All checks passed"

bench: setup
	@set -e; shopt -s nullglob; files=(bench/*.py); \
	if [ $${#files[@]} -eq 0 ]; then echo "No benchmarks yet."; fi; \
	for f in "$${files[@]}"; do $(PY) "$$f"; done

messages: setup
	$(PY) manage.py makemessages -l it -l en --ignore '.venv/*' --ignore 'var/*' --ignore 'e2e/*' --no-obsolete
	$(PY) manage.py makemessages -d djangojs -l it -l en --ignore '.venv/*' --ignore 'var/*' --ignore 'lavorete/core/static/vendor/*' --no-obsolete

clean:
	rm -rf $(VENV) var
