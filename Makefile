# The two commands: `make run` (set up, ingest the examples into a fresh archive, serve the UI) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_DB := .khabar/demo.db
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test lint format clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

run: setup
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	mkdir -p $(dir $(DEMO_DB))
	$(BIN)/khabar ingest examples --db $(DEMO_DB)
	$(BIN)/khabar serve --db $(DEMO_DB) --host $(HOST) --port $(PORT)

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check khabar tests bench
	$(BIN)/ruff format --check khabar tests bench

format: setup
	$(BIN)/ruff format khabar tests bench
	$(BIN)/ruff check --fix khabar tests bench

clean:
	rm -rf $(VENV) .khabar .pytest_cache .ruff_cache
