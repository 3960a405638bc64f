# Everyday commands. `make run` and `make test` work on a fresh clone.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STORE ?= var/store
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install install-test ingest serve lint format bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

# Front-end packages from npm, pinned by package-lock.json (never committed).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.package-lock.json
install-test: $(VENV)/.installed-test node_modules/.package-lock.json

ingest: install
	$(BIN)/kg ingest data --store $(STORE)

run: ingest
	$(BIN)/kg serve --store $(STORE) --host $(HOST) --port $(PORT)

lint: install-test
	$(BIN)/ruff check kg tests benchmarks
	$(BIN)/ruff format --check kg tests benchmarks

test: install-test lint
	$(BIN)/pytest -q

format: install-test
	$(BIN)/ruff format kg tests benchmarks
	$(BIN)/ruff check --fix kg tests benchmarks

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@ $(VENV)/.installed $(VENV)/.installed-test

bench: $(VENV)/.installed-bench node_modules/.package-lock.json
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf var .pytest_cache
