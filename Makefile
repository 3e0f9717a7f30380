# The README's two commands: `make run` and `make test`. Both set up .venv from nothing.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-fast bench check clean i18n-extract i18n-update i18n-compile

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
