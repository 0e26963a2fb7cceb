# Two commands: `make run` serves the portal with demo data, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 3

.PHONY: install system-packages run serve dev test lint

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

# The portal with the seed roadmaps and demo logins (DEBUG off, gunicorn, reminders on).
run: install
	$(PY) -m config.serve --demo --bind $(HOST):$(PORT) --workers $(WORKERS)

# The same server without demo data: what a department runs after `manage.py createsuperuser`.
serve: install
	$(PY) -m config.serve --bind $(HOST):$(PORT) --workers $(WORKERS)

# Development: DEBUG on, Django's server reloading on code changes, reminders on.
dev: install
	$(PY) -m config.serve --demo --dev --bind $(HOST):$(PORT)

# Chromium, LibreOffice and the Liberation fonts that the suite drives for real.
system-packages:
	scripts/system-packages.sh

test: install system-packages
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
