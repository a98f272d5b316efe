# Two commands do all the set-up on a fresh machine with Python 3.11:
#   make demo   runs the main job
#   make test   runs every test (what .ci/run calls)
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The PostgreSQL run: everything but the tests of the pure packages (the extraction engine, the
# office documents) and the CLI, which never touch a database.
PG_TESTS := --ignore=tests/extract --ignore=tests/office --ignore=tests/test_cli.py

.PHONY: demo test test-sqlite test-postgres lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# `make demo PORT=8080` serves on another port (so does DUBAN_PORT=8080 in the environment).
demo: $(STAMP)
	$(BIN)/duban demo $(if $(PORT),--port $(PORT))

# The whole suite on SQLite, then the database-backed tests again on a throwaway PostgreSQL
# cluster (.ci/postgres.sh); the extraction tests touch no database and run once. Missing system
# packages (postgresql, chromium) are installed first when we are root (.ci/system-deps.sh).
test: $(STAMP)
	bash .ci/system-deps.sh
	$(BIN)/ruff check src tests benchmarks docs
	$(BIN)/ruff format --check src tests benchmarks docs
	$(BIN)/lint-imports
	$(BIN)/mypy
	bash .ci/pytest.sh SQLite $(BIN)/python
	bash .ci/postgres.sh bash .ci/pytest.sh PostgreSQL $(BIN)/python $(PG_TESTS)

test-sqlite: $(STAMP)
	bash .ci/pytest.sh SQLite $(BIN)/python

test-postgres: $(STAMP)
	bash .ci/postgres.sh bash .ci/pytest.sh PostgreSQL $(BIN)/python $(PG_TESTS)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks docs
	$(BIN)/ruff format --check src tests benchmarks docs
	$(BIN)/lint-imports
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/extract_throughput.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
