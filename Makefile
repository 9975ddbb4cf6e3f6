# Jetu CMS — `make run` serves the site, `make test` runs every test. Both build what they need.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
export DJANGO_SETTINGS_MODULE ?= jetu_cms.settings.dev

.PHONY: run test setup install pdf-libs lint migrations-check messages bench bench-notices demo audit clean

# Beside the development server run what production schedules (docs/background-work.md): one
# task worker (e-mails appear in this terminal), the consent-log sequencer, and the periodic
# jobs once a minute. All stop with the server, on Ctrl-C as on any other exit. Links in
# e-mails and receipts point at this server, whatever PORT is.
run: export DJANGO_SITE_URL ?= http://127.0.0.1:$(PORT)
run: setup
	@$(PY) manage.py ensure_admin
	@echo "Serving on http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/)"
	@$(PY) manage.py db_worker --no-reload --verbosity 0 & worker=$$!; \
	$(PY) manage.py consent_log_seal --every 5 --verbosity 0 & sequencer=$$!; \
	while :; do \
		for job in publish_scheduled send_change_notices outbox_sweep; do \
			$(PY) manage.py $$job --verbosity 0 >/dev/null; \
		done; \
		sleep 60; \
	done & periodic=$$!; \
	trap 'kill $$worker $$sequencer $$periodic 2>/dev/null; wait 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# pytest-django prefers the environment over pytest.ini, so name the test settings here.
test: setup node_modules
	DJANGO_SETTINGS_MODULE=jetu_cms.settings.test $(PY) -m pytest $(PYTEST_ARGS)

# The virtualenv is rebuilt only when a requirements file changes.
install: $(VENV)/.installed
$(VENV)/.installed: requirements.txt requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	@touch $@

# axe-core for the browser journeys' accessibility checks (tests/e2e). Without Node.js those
# checks are skipped on a laptop (and fail in CI, which installs it).
node_modules: $(wildcard package.json package-lock.json)
	@if [ -f package.json ] && command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund && touch node_modules; \
	else \
		echo "npm not found (or no package.json): accessibility checks will be skipped."; \
	fi

# WeasyPrint's system libraries (Pango): installed from Debian when missing and run as root.
pdf-libs: install
	@bash tools/pdf-libs.sh $(PY)

setup: install pdf-libs
	@$(PY) manage.py compile_catalogues --verbosity 0
	@$(PY) manage.py migrate --noinput --verbosity 0
	@$(PY) manage.py createcachetable
	@$(PY) manage.py load_initial_data

messages: install
	$(PY) manage.py makemessages -l ru -l kk --ignore=.venv --ignore=node_modules --no-obsolete
	$(PY) manage.py compile_catalogues

# A clearly labelled demo version 2 of the policy, to see the archive and the comparison.
demo: setup
	$(PY) manage.py load_initial_data --demo-amendment

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

bench: setup
	bash bench/run.sh

# Change notices, 1 vs 4 task workers, kill -9 rounds (~30 minutes): bench/README.md
bench-notices: setup
	$(PY) bench/bench_notices.py

# Lighthouse (mobile) 100 in every category and 0 Nu Html Checker errors on the public pages,
# in both languages (tools/audit/audit.py). Needs java, node and Debian's chromium.
audit: setup
	cd tools/audit && npm install --no-audit --no-fund --silent
	$(PY) tools/audit/audit.py

# Mutation testing of the pure cores (mutmut 3, set up in setup.cfg; see docs/mutation.md).
# Results stay in mutants/, so a second run only retries what changed: rm -rf mutants for a
# clean run. Two workers: it takes a few minutes on an idle two-core machine.
.PHONY: mutants
mutants: install
	HYPOTHESIS_PROFILE=mutants DJANGO_SETTINGS_MODULE=jetu_cms.settings.test $(VENV)/bin/mutmut run --max-children 2
	$(PY) tools/mutation_scores.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache node_modules
