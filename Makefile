# diplocourse: `make run` serves the course on SQLite, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
PORT ?= 8000
PIP_FLAGS := --quiet --disable-pip-version-check --build-constraint build-constraints.txt

.PHONY: run worker test install install-dev setup lint clean

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
