# Two commands on a fresh machine: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements/*.txt | sha1sum | cut -c1-12)
DJANGO := $(BIN)/python manage.py

.PHONY: run test setup venv keys migrate seed lint system-packages frontend lock \
        bench-encryption bench-audit bench-submit bench-queue bench-purge bench-export bench-load bench-requests fuzz fuzz-venv clean help

help:
	@echo "make run    set up everything and serve http://localhost:8000 (SQLite, tasks inline)"
	@echo "make test   set up everything and run ruff and the whole test suite"

$(STAMP): requirements/base.txt requirements/test.txt requirements/constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/test.txt -c requirements/constraints.txt
	$(BIN)/python -m pip check
	@rm -f $(VENV)/.installed-*
	@touch $@

venv: $(STAMP)

# Schemathesis in a virtualenv of its own (it would install beside the application's pins, but its pytest
# plugin would then load into every test run, and its dozen dependencies would join the application's).
# tests/referrals/test_api_schemathesis.py runs its CLI against a live server inside `make test`.
FUZZ_VENV := .venv-fuzz
FUZZ_STAMP := $(FUZZ_VENV)/.installed-$(shell cat requirements/fuzz.txt requirements/fuzz-constraints.txt | sha1sum | cut -c1-12)

$(FUZZ_STAMP): requirements/fuzz.txt requirements/fuzz-constraints.txt
	@test -x $(FUZZ_VENV)/bin/python || $(PYTHON) -m venv $(FUZZ_VENV)
	$(FUZZ_VENV)/bin/python -m pip install --quiet -r requirements/fuzz.txt -c requirements/fuzz-constraints.txt
	$(FUZZ_VENV)/bin/python -m pip check
	@rm -f $(FUZZ_VENV)/.installed-*
	@touch $@

fuzz-venv: $(FUZZ_STAMP)

keys: venv
	$(DJANGO) keys_init

migrate: keys
	$(DJANGO) migrate --noinput

seed: migrate
	$(DJANGO) seed_demo
	$(DJANGO) seed_demo_referrals
	$(DJANGO) seed_demo_mash
	$(DJANGO) seed_demo_channel
	$(DJANGO) seed_demo_closure
	$(DJANGO) seed_demo_benchmarking
	$(DJANGO) seed_demo_statistics

setup: seed

run: setup
	@echo "Serving on http://localhost:8000 (stop with Ctrl+C; passkeys need the name localhost, not 127.0.0.1)"
	$(DJANGO) runserver 127.0.0.1:8000

# Debian packages the tests use: Chromium for the browser tests (playwright cannot download
# browsers here) and docker-compose to validate docker-compose.yml.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
SYSTEM_PACKAGES := $(strip $(if $(shell command -v chromium),,chromium) $(if $(shell command -v docker-compose),,docker-compose))
system-packages:
ifneq ($(SYSTEM_PACKAGES),)
	@echo "Installing Debian packages: $(SYSTEM_PACKAGES)"
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null
endif

lint: venv
	$(BIN)/ruff check .

# The suite runs in one process per core (pytest-xdist; pytest-django gives each its own test database, and
# an integration test's Celery worker uses its process's). TEST_WORKERS=0 runs it in one process; PYTEST_ARGS
# are passed on (a later -n wins).
TEST_WORKERS ?= auto
test: setup system-packages lint fuzz-venv
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# Rebuild static/govuk from GOV.UK Frontend's source (needs node and npm).
frontend:
	bash frontend/build.sh

# Regenerate the full lock of transitive versions from a clean venv.
lock:
	rm -rf /tmp/prevent-lock && $(PYTHON) -m venv /tmp/prevent-lock
	/tmp/prevent-lock/bin/pip install --quiet -r requirements/test.txt -r requirements/bench.txt
	/tmp/prevent-lock/bin/pip freeze --exclude pip | grep -v '^-e' > requirements/constraints.txt

bench-encryption: setup
	$(BIN)/python -m pip install --quiet -r requirements/bench.txt -c requirements/constraints.txt
	$(BIN)/python benchmarks/encryption.py

bench-audit: setup
	$(BIN)/python benchmarks/audit.py

bench-submit: setup
	$(BIN)/python benchmarks/submit.py

bench-queue: setup
	$(BIN)/python benchmarks/queue.py

bench-purge: setup
	$(BIN)/python benchmarks/purge.py

# One council's year, 100,000 live cases and 100,000 tombstones, exported in each format (goal 2 s, no decryption).
# Needs PostgreSQL on 127.0.0.1:5432; BENCH_LIVE, BENCH_TOMBSTONES, BENCH_RUNS (default 5).
bench-export: setup
	$(BIN)/python benchmarks/export.py

# Each signed-in page's CPU time and statements in-process beside the bare page (benchmarks/requests.py).
bench-requests: setup
	$(BIN)/python benchmarks/requests.py

# The production shape under 50 simulated people, then the saturation runs (benchmarks/load.py; docs/performance.md).
# Needs PostgreSQL on 127.0.0.1:5432 and redis-server; BENCH_LOAD_SECONDS (default 120), BENCH_LOAD_WORKERS (3).
bench-load: venv
	$(BIN)/python -m pip install --quiet -r requirements/bench.txt -c requirements/constraints.txt
	$(BIN)/python benchmarks/load.py

# Schemathesis against a server already running (make run, with API_RATE_* raised for the run), in a
# virtualenv of its own so its dependencies never meet the application's: FUZZ_TOKEN from create_api_token.
FUZZ_URL ?= http://127.0.0.1:8000
FUZZ_EXAMPLES ?= 200
fuzz: fuzz-venv
	@test -n "$(FUZZ_TOKEN)" || { echo "Set FUZZ_TOKEN: python manage.py create_api_token referrer@example.org"; exit 2; }
	$(FUZZ_VENV)/bin/st run $(FUZZ_URL)/api/schema/ --url $(FUZZ_URL) -H "Authorization: Token $(FUZZ_TOKEN)" \
		--max-examples $(FUZZ_EXAMPLES) --checks all --seed 12

clean:
	rm -rf $(VENV) $(FUZZ_VENV) db.sqlite3 .pytest_cache .ruff_cache
