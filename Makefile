# The README's two commands: `make run` and `make test`. Both set up .venv from nothing.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-fast bench check clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/luckydraw up

test: $(STAMP)
	$(PY) -m pytest -q $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not slow and not browser" $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) bench/run_all.py

check: $(STAMP)
	$(PY) -m compileall -q shared buyerweb console
	$(PY) -m pytest -q tests/test_import_hygiene.py tests/test_cli.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
