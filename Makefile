# Ketenregie: `make run` for the embedded demo, `make test` for the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# The installed set is remembered per pyproject.toml content; an edit reinstalls.
STAMP_RUN := $(VENV)/.installed-run-$(shell (cat pyproject.toml 2>/dev/null || true) | cksum | cut -d' ' -f1)
STAMP_DEV := $(VENV)/.installed-dev-$(shell (cat pyproject.toml 2>/dev/null || true) | cksum | cut -d' ' -f1)
TEST_ENV := KETENREGIE_PROFILE=test
PYTEST_ARGS ?=
# make fuzz: examples per API operation, per kind of data (valid, invalid) and per role.
FUZZ_EXAMPLES ?= 500
FUZZ_REPORT ?= var/fuzz-report.json

.PHONY: help run test fuzz check lint format typecheck importcheck migrationcheck messages clean venv

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(STAMP_RUN): | $(PY)
	$(PIP) install --quiet -e .
	rm -f $(VENV)/.installed-run-*; touch $@

$(STAMP_DEV): | $(PY)
	$(PIP) install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-dev-* $(VENV)/.installed-run-*; touch $@ $(STAMP_RUN)

venv: $(STAMP_RUN)

run: $(STAMP_RUN) ## Embedded profile: migrate, seed the demo, serve web + worker + beat
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_demo --history
	$(PY) manage.py runembedded

test: $(STAMP_DEV) ## Run the whole test suite against PostgreSQL and Redis
	@PYTHON=$(PY) bin/ensure-test-services
	@bin/ensure-browser
	$(TEST_ENV) $(VENV)/bin/pytest $(PYTEST_ARGS)

fuzz: $(STAMP_DEV) ## Long API fuzz run: every operation, every role (FUZZ_EXAMPLES=500; hours)
	@PYTHON=$(PY) bin/ensure-test-services
	$(TEST_ENV) FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_REPORT=$(FUZZ_REPORT) \
		$(VENV)/bin/pytest -p no:cacheprovider tests/test_api_fuzz.py $(PYTEST_ARGS)

lint: $(STAMP_DEV) ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP_DEV) ## Apply ruff's formatting and safe fixes
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: $(STAMP_DEV) ## mypy with django-stubs
	$(TEST_ENV) $(VENV)/bin/mypy .

importcheck: $(STAMP_DEV) ## The one-way dependencies between apps (import-linter)
	$(VENV)/bin/lint-imports

migrationcheck: $(STAMP_DEV) ## Fail when a model change has no migration
	@PYTHON=$(PY) bin/ensure-test-services
	$(TEST_ENV) TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} \
		$(PY) manage.py makemigrations --check --dry-run

check: lint typecheck importcheck migrationcheck test ## Every check CI runs

messages: $(STAMP_DEV) ## Update and compile the Dutch translations (needs gettext)
	$(PY) manage.py makemessages -l nl --ignore=.venv --ignore=var --ignore=bench
	$(PY) manage.py compilemessages -l nl --ignore=.venv

clean: ## Remove the embedded profile's data (database, broker, keys!) under var/
	rm -rf var/
