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

SOAK_SECONDS ?= 600

.PHONY: help run test fuzz faults soak check lint format typecheck importcheck migrationcheck messages clean venv bench

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

faults: $(STAMP_DEV) ## Only the fault tests: Redis down, PostgreSQL restart, worker SIGKILL (part of test)
	@PYTHON=$(PY) bin/ensure-test-services
	$(TEST_ENV) $(VENV)/bin/pytest -m fault $(PYTEST_ARGS)

soak: $(STAMP_DEV) ## Mixed traffic for SOAK_SECONDS (600) on gunicorn + Celery; slow, not in CI
	@PYTHON=$(PY) bin/ensure-test-services
	SOAK_SECONDS=$(SOAK_SECONDS) $(PY) -m tests.soak.run

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

SCALE ?= 100000
bench: $(STAMP_DEV) ## Benchmarks: generate SCALE cases (default 100000) if not there, run every scenario
	@PYTHON=$(PY) TEST_DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ketenregie_bench} \
		TEST_REDIS_URL=$${BENCH_REDIS_URL:-redis://127.0.0.1:6379/13} bin/ensure-test-services
	$(PY) -m bench.run --scale $(SCALE)

clean: ## Remove the embedded profile's data (database, broker, keys!) under var/
	rm -rf var/
