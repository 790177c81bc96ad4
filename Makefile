# diplocourse: `make run` serves the course on SQLite, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
PORT ?= 8000
WORKERS ?= 2
BIND ?= 127.0.0.1:$(PORT)
PIP_FLAGS := --quiet --disable-pip-version-check --build-constraint build-constraints.txt

.PHONY: run serve bench fault-run scale-run worker test install install-dev setup lint clean

$(VENV)/.pip-upgraded:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check "pip>=25.3"
	touch $@

$(VENV)/.installed: requirements.txt build-constraints.txt $(VENV)/.pip-upgraded
	$(PIP) install $(PIP_FLAGS) -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PIP) install $(PIP_FLAGS) -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

setup: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_course
	DEBUG=1 $(PY) manage.py seed_demo

run: setup
	@echo "Serving on http://127.0.0.1:$(PORT)/ (student / student-demo-pass; see README.md)"
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production: gunicorn with DEBUG off; SECRET_KEY, DATABASE_URL and REDIS_URL come from the environment (README, Settings).
serve: install
	@test -n "$$SECRET_KEY" || { echo "make serve: SECRET_KEY is required (see README.md, Settings)"; exit 1; }
	DEBUG=0 $(PY) manage.py migrate --noinput
	DEBUG=0 $(PY) manage.py collectstatic --noinput -v0
	DEBUG=0 $(VENV)/bin/gunicorn diplocourse.wsgi --bind $(BIND) --workers $(WORKERS) --access-logfile -

# A benchmark, not a test: its own stack on loopback (nginx, two gunicorns, PostgreSQL database `bench`,
# Redis db 14), a few minutes; writes docs/benchmarks.md. Needs wrk and nginx (apt-get install -y nginx wrk).
bench: install
	$(PY) scripts/bench.py $(BENCH_FLAGS)

# Kills an app server and restarts a throwaway PostgreSQL during quiz submissions; writes docs/benchmarks.md.
fault-run: install
	$(PY) scripts/fault_run.py $(BENCH_FLAGS)

# 10,000 students and 200,000 finished attempts (database `bench_scale`): times the gradebook and item analysis.
scale-run: install
	$(PY) scripts/scale_run.py $(BENCH_FLAGS)

# The background worker of queued tasks (class e-mails): django-tasks' database backend.
worker: setup
	DEBUG=1 $(PY) manage.py db_worker

test: install-dev
	$(PY) -m pytest

lint: install-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
