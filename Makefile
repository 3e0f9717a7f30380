# The README's two commands: `make run` and `make test`. Both set up .venv from nothing.
# `make check` is what every change passes first: formatter, linter, types, import contracts, fast tests.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Options for `luckydraw up`, e.g. make run ARGS="--port 8081"
ARGS ?=
# Test processes (pytest-xdist): most tests wait on servers, browsers and terminals, so more than
# the cores. TEST_WORKERS=0 runs everything in this one process.
TEST_WORKERS ?= 3

# Import contracts (pyproject.toml, [tool.importlinter]) that fail until issue 9's restructure lands.
# PENDING: enable a contract by deleting its id here.
IMPORT_CONTRACTS_PENDING :=
IMPORT_CONTRACTS := $(shell $(PYTHON) -c 'import tomllib; print(" ".join(c["id"] for c in tomllib.load(open("pyproject.toml", "rb"))["tool"]["importlinter"]["contracts"]))')

.PHONY: run test test-fast bench check check-static check-imports check-pending clean i18n-extract i18n-update i18n-compile

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/luckydraw up $(ARGS)

test: $(STAMP)
	$(PY) -m pytest -q -n $(TEST_WORKERS) $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(PY) -m pytest -q -n $(TEST_WORKERS) -m "not slow and not browser" $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) bench/run_all.py

check: check-static
	$(PY) -m pytest -q -n $(TEST_WORKERS) -m "not slow and not browser" $(PYTEST_ARGS)

# The static half of `make check` (CI runs it, then `make test`, which runs every test once).
check-static: $(STAMP)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(MAKE) --no-print-directory check-imports

check-imports: $(STAMP)
	$(VENV)/bin/lint-imports --no-logo $(addprefix --contract ,$(filter-out $(IMPORT_CONTRACTS_PENDING),$(IMPORT_CONTRACTS)))

# The contracts still pending, to see what breaks them (expected to fail until they are enabled).
check-pending: $(STAMP)
	$(VENV)/bin/lint-imports --no-logo $(addprefix --contract ,$(IMPORT_CONTRACTS_PENDING))

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache .import_linter_cache

# The buyer web's gettext catalogs (Babel): extract the marked messages of the Python modules,
# templates and app.js into the template catalog, merge it into every language's .po, compile .mo.
PYBABEL ?= $(VENV)/bin/pybabel
LOCALES := buyerweb/locale
I18N_POT ?= $(LOCALES)/messages.pot
I18N_KEYWORDS := -k _h -k _n:1,2 -k _nh:1,2 -k N_ -k Nn_:1,2 -k t -k tn:1,2

i18n-extract:
	$(PYBABEL) -q extract -F babel.cfg $(I18N_KEYWORDS) --no-wrap --sort-by-file --add-comments=TRANSLATORS: \
		--project=luckydraw --version=0.1.0 --copyright-holder="Lucky Draw" -o $(I18N_POT) .

i18n-update: i18n-extract
	$(PYBABEL) -q update -i $(I18N_POT) -d $(LOCALES) --no-wrap --ignore-obsolete

i18n-compile:
	$(PYBABEL) -q compile -d $(LOCALES) --statistics
