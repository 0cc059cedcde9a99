# The two set-up commands of the README: `make run` and `make test`.
# Python comes from .python-version (3.12) through pyenv when it is there.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench load install browser fake-github

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 12), "decider needs Python 3.12, got " + sys.version'
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	DEBUG=true $(BIN)/python manage.py migrate --no-input
	DEBUG=true $(BIN)/python manage.py load_demo
	@echo ""
	@echo "  decider is at http://$(HOST):$(PORT)/  (log in as demo / demo)"
	@echo ""
	@# The background worker (GitHub syncs, alert checks, the monitor's warming) runs beside
	@# the web server and stops with it; both share one cache directory, so what the worker
	@# computes ahead answers the pages. runserver is not the shell's last command, so the
	@# shell stays to stop the worker. The cache starts empty: its keys name rows by id.
	rm -rf .cache/run && mkdir -p .cache/run
	DEBUG=true CACHE_DIR=$(CURDIR)/.cache/run $(BIN)/python manage.py sync_worker --no-reload & WORKER=$$!; \
	  trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	  DEBUG=true CACHE_DIR=$(CURDIR)/.cache/run $(BIN)/python manage.py runserver $(HOST):$(PORT); STATUS=$$?; \
	  kill $$WORKER 2>/dev/null; exit $$STATUS

# Browser tests drive Debian's Chromium; install it when we may (CI runs as root).
browser:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Browser tests need Debian's chromium: sudo apt-get install chromium"; exit 1; fi; }

test: $(STAMP) browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy decider
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/sync.py

# A fake GitHub API with a generated history, to try the sync without GitHub (README).
fake-github: $(STAMP)
	$(BIN)/python manage.py fake_github --port 8160

# 50 people editing, saving and exporting at once against gunicorn and PostgreSQL (README, Speed).
load: $(STAMP)
	$(BIN)/python bench/load.py
