# Two entry points for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= capaian.duckdb

.PHONY: run test venv test-venv demo serve clean

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

venv: $(VENV)/.installed

test-venv: $(VENV)/.installed-test

demo: venv
	$(BIN)/capaian --db $(DB) demo build

run: demo
	$(BIN)/capaian --db $(DB) serve --host 127.0.0.1 --port 8000

test: test-venv
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) $(DB) $(DB).wal
