# Two commands matter: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes: one per core (pytest-xdist); TEST_WORKERS=0 runs in a single process.
TEST_WORKERS ?= auto

.PHONY: run test install lock lint format migrations-check browsers worker bench clean

$(STAMP): pyproject.toml constraints.txt package.json
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)."; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	@# constraints.txt pins every package to the versions the suite last passed with (`make lock`).
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error
	touch $(STAMP)

install: $(STAMP)

# Move every dependency to its newest release that pyproject.toml allows, and pin that set.
# Run the suite (`make test`) before committing the new constraints.txt.
lock:
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --upgrade --upgrade-strategy eager -e ".[dev]"
	$(BIN)/pip freeze --exclude-editable > constraints.txt
	touch $(STAMP)

run: install
	$(BIN)/mhr migrate --noinput
	$(BIN)/mhr demo --if-empty
	@echo "Serving http://$(HOST):$(PORT)  (demo accounts are listed in README.md)"
	@trap 'kill 0' EXIT; \
	$(BIN)/mhr db_worker --queue-name default & \
	$(BIN)/mhr scheduler & \
	$(BIN)/mhr runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# bandit warns about every line of a multi-line statement carrying a reviewed "# nosec"; hide that noise.
	$(BIN)/bandit -q -c pyproject.toml -r mhr 2>&1 | grep -v "nosec encountered"; exit $${PIPESTATUS[0]}
	$(BIN)/python scripts/dependency_audit.py

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: install
	DJANGO_SETTINGS_MODULE=mhr.settings_test $(BIN)/mhr makemigrations --check --dry-run

test: install lint migrations-check
	$(BIN)/pytest -q -n $(TEST_WORKERS) $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/search_bench.py --db sqlite --n 50000
	$(BIN)/python bench/roster_import_bench.py
	$(BIN)/python bench/campaign_public_bench.py
	$(BIN)/python bench/compliance_bench.py

clean:
	rm -rf $(VENV) node_modules staticfiles var
