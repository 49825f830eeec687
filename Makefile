# Two entry points for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= capaian.duckdb

LOCALE := src/capaian/present/locale
POT    := $(LOCALE)/capaian.pot

.PHONY: run test test-all test-slow venv test-venv demo serve clean i18n i18n-compile

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# pip runs again only when pyproject.toml changes (a no-op install still costs seconds)
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,spark]'
	touch $@ $(VENV)/.installed

# the .mo files are git-ignored: compiled after every install (cheap, and pybabel needs the venv)
venv: $(VENV)/.installed
	$(MAKE) --no-print-directory i18n-compile

test-venv: $(VENV)/.installed-test
	$(MAKE) --no-print-directory i18n-compile

demo: venv
	$(BIN)/capaian --db $(DB) demo build

run: demo
	$(BIN)/capaian --db $(DB) serve --host 127.0.0.1 --port 8000

# two workers (the machine has two cores); tests/conftest.py says how the work is shared.
# `slow` tests (Spark parity, the schemathesis runs) are left to `make test-all` / `make test-slow`.
PYTEST := $(BIN)/python -m pytest -q -n 2 --dist loadgroup

test: test-venv
	$(PYTEST) -m "not slow"

test-slow: test-venv
	$(PYTEST) -m slow

test-all: test-venv
	$(PYTEST)

# The vocabulary (docs/architecture.md, "Vocabulary"): extract every message, merge it into the id and en
# catalogues, give new English entries their msgid, compile. Then translate the new `id` entries.
i18n: $(BIN)/python
	$(BIN)/pybabel -q extract -F babel.cfg -k tr:2 -k ntr:2,3 --no-location --sort-output \
		--project capaian --copyright-holder capaian -o $(POT) .
	$(BIN)/pybabel -q update -i $(POT) -d $(LOCALE) -D capaian --no-fuzzy-matching --ignore-obsolete --no-wrap
	$(BIN)/python -m capaian.present.i18n fill-en
	$(MAKE) --no-print-directory i18n-compile

i18n-compile:
	$(BIN)/pybabel compile -d $(LOCALE) -D capaian --statistics

clean:
	rm -rf $(VENV) $(DB) $(DB).wal $(LOCALE)/*/LC_MESSAGES/*.mo
