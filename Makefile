# The README's two commands: `make run` and `make test`. Both set up .venv from nothing.
# `make check` is what every change passes first: formatter, linter, types, import contracts, fast tests.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Options for `luckydraw up`, e.g. make run ARGS="--port 8081"
ARGS ?=

# Import contracts (pyproject.toml, [tool.importlinter]) that fail until issue 9's restructure lands.
# PENDING: enable a contract by deleting its id here.
IMPORT_CONTRACTS_PENDING :=
IMPORT_CONTRACTS := $(shell $(PYTHON) -c 'import tomllib; print(" ".join(c["id"] for c in tomllib.load(open("pyproject.toml", "rb"))["tool"]["importlinter"]["contracts"]))')

.PHONY: run test test-fast bench check check-imports check-pending clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/luckydraw up $(ARGS)

test: $(STAMP)
	$(PY) -m pytest -q $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not slow and not browser" $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) bench/run_all.py

check: $(STAMP)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(MAKE) --no-print-directory check-imports
	$(PY) -m pytest -q -m "not slow and not browser" $(PYTEST_ARGS)

check-imports: $(STAMP)
	$(VENV)/bin/lint-imports --no-logo $(addprefix --contract ,$(filter-out $(IMPORT_CONTRACTS_PENDING),$(IMPORT_CONTRACTS)))

# The contracts still pending, to see what breaks them (expected to fail until they are enabled).
check-pending: $(STAMP)
	$(VENV)/bin/lint-imports --no-logo $(addprefix --contract ,$(IMPORT_CONTRACTS_PENDING))

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
