# Two commands for a newcomer: `make run` and `make test`. See README.md.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# Find a Python 3.12+ by asking each candidate its version, not trusting its name.
PYTHON_CANDIDATES := $(PYTHON) python3.13 python3.12 python3.14 python3 python \
	$(wildcard $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python3) \
	$(wildcard /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9])
FIND_PYTHON = for c in $(PYTHON_CANDIDATES); do \
	  p=$$(command -v $$c 2>/dev/null) || continue; \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; exit 0; }; \
	done; exit 1

.PHONY: run serve test test-sqlite test-postgres lint format install demo admin clean bench

$(VENV)/.installed: pyproject.toml
	@if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	  py=$$($(FIND_PYTHON)) || { echo "No Python 3.12 or newer found. Install one (e.g. 'pyenv install 3.13') or run 'make PYTHON=/path/to/python3.13'." >&2; exit 1; }; \
	  echo "Creating $(VENV) with $$py ($$($$py -V))"; \
	  rm -rf $(VENV); $$py -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	@touch $@

install: $(VENV)/.installed

# DEBUG is off unless asked for (a server started by hand shows no debug pages): the local
# targets ask for it.
LOCAL := DJANGO_DEBUG=1

demo: install
	$(LOCAL) $(PY) manage.py migrate --noinput
	$(LOCAL) $(PY) manage.py load_demo

admin: install
	$(LOCAL) $(PY) manage.py ensure_local_admin --url http://$(HOST):$(PORT)/admin/

# The web server and, beside it, the background worker that sends mail (alerts, press lists)
# and runs what is scheduled; on a laptop the mail lands in var/outbox/, read at /admin/outbox/.
run: demo admin
	@echo "Serving http://$(HOST):$(PORT)/ with a background worker; mail: http://$(HOST):$(PORT)/admin/outbox/"
	$(LOCAL) $(PY) manage.py db_worker --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(LOCAL) $(PY) manage.py runserver $(HOST):$(PORT)

# Production: DEBUG off, served by gunicorn (gunicorn.conf.py). Needs DJANGO_SECRET_KEY and
# DJANGO_ALLOWED_HOSTS (and DATABASE_URL for PostgreSQL); see README, "Production".
serve: install
	@test -n "$$DJANGO_SECRET_KEY" || { echo "Set DJANGO_SECRET_KEY (50+ random characters)." >&2; exit 1; }
	@test -n "$$DJANGO_ALLOWED_HOSTS" || { echo "Set DJANGO_ALLOWED_HOSTS (e.g. news.example.senate.gov)." >&2; exit 1; }
	DJANGO_DEBUG=0 $(PY) manage.py check --deploy --fail-level WARNING
	DJANGO_DEBUG=0 $(PY) manage.py collectstatic --noinput
	DJANGO_DEBUG=0 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=0 $(VENV)/bin/gunicorn --config gunicorn.conf.py

# The whole suite: models, views, admin, and the browser test (skipped locally when
# Chromium is missing; CI installs it and fails on any skip).
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/newsroom} $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles .pytest_cache

# The load benchmark (not part of CI; 100,000 releases take a while to generate the first
# time): production settings under gunicorn, wrk from Debian's packages, on SQLite and
# PostgreSQL. Writes docs/benchmarks/BENCHMARKS.md and .json. BENCH_ARGS="--releases 10000" etc.
bench: install
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq wrk; } || { echo "Install wrk (apt-get install wrk)." >&2; exit 1; }
	$(PY) scripts/bench.py $(BENCH_ARGS)
