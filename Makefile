# Jetu CMS — `make run` serves the site, `make test` runs every test. Both build what they need.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
export DJANGO_SETTINGS_MODULE ?= jetu_cms.settings.dev

.PHONY: run test setup install lint migrations-check messages bench clean

run: setup
	@$(PY) manage.py ensure_admin
	@echo "Serving on http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

# The virtualenv is rebuilt only when a requirements file changes.
install: $(VENV)/.installed
$(VENV)/.installed: requirements.txt requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	@touch $@

setup: install
	@$(PY) manage.py compile_catalogues --verbosity 0
	@$(PY) manage.py migrate --noinput --verbosity 0
	@$(PY) manage.py load_initial_data

messages: install
	$(PY) manage.py makemessages -l ru -l kk --ignore=.venv --ignore=node_modules --no-obsolete
	$(PY) manage.py compile_catalogues

lint: install
	$(VENV)/bin/ruff check .

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

bench: setup
	bash bench/run.sh

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
