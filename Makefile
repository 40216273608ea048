# Werkplaats. `make run` sets everything up and serves the demo; `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# The task worker's fixed id: a restarted worker first takes back the tasks it was running when it died.
WORKER_ID ?= local-worker

.PHONY: run install db demo test test-fast worker lint format typecheck messages compilemessages vendor check-migrations bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found); set PYTHON=..."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	@ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0.so.0 || echo "Note: certificate PDFs need Pango: apt install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
	touch $@

install: $(VENV)/.installed

db: install
	$(PY) manage.py migrate --no-input

demo: db
	$(PY) manage.py load_demo

# The task worker (certificate PDFs and batches, imports, reminders, e-mail digests) runs alongside the server
# and stops with it; its log is var/worker.log.
run: demo
	@echo "Werkplaats runs on http://$(HOST):$(PORT)/ - demo accounts are listed in README.md"
	@mkdir -p var
	@$(PY) manage.py schedule_daily_work
	@$(PY) manage.py requeue_orphaned_tasks --worker-id $(WORKER_ID)
	@$(PY) manage.py db_worker --worker-id $(WORKER_ID) > var/worker.log 2>&1 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST):$(PORT)

worker: db
	$(PY) manage.py schedule_daily_work
	$(PY) manage.py requeue_orphaned_tasks --worker-id $(WORKER_ID)
	$(PY) manage.py db_worker --worker-id $(WORKER_ID)

# One test process per CPU (pytest-xdist; each has its own test database).
test: install
	$(VENV)/bin/pytest -n auto

test-fast: install
	$(VENV)/bin/pytest -m "not browser" -x -q

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: install
	$(VENV)/bin/mypy config werkplaats

check-migrations: install
	$(PY) manage.py makemigrations --check --dry-run

# Extract translatable strings into locale/nl (needs GNU gettext), then translate the new ones.
messages: install
	$(PY) manage.py makemessages -l nl --no-obsolete --no-location --no-wrap --ignore=node_modules --ignore=.venv --ignore=static/vendor --ignore=tests --ignore=staticfiles

compilemessages: install
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules

# Front-end files: from npm into static/vendor/ (committed), see scripts/vendor.sh.
vendor:
	npm ci --no-audit --no-fund
	bash scripts/vendor.sh

bench: install
	@for b in benchmarks/*.py; do [ -e "$$b" ] && $(PY) "$$b"; done; true

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .mypy_cache .ruff_cache
