# The two commands: `make run` (set up, ingest the examples into a fresh archive, serve the UI) and `make test`
# (`make test-fast` while working, `make lint` for the rules).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_DB := .khabar/demo.db
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test test-fast lint format clean models bench

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

run: setup
	rm -rf $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm $(DEMO_DB)-search
	mkdir -p $(dir $(DEMO_DB))
	$(BIN)/khabar ingest examples --db $(DEMO_DB)
	$(BIN)/khabar serve --db $(DEMO_DB) --host $(HOST) --port $(PORT)

# Every test, on every core (pytest-xdist; each worker starts its own PostgreSQL server). CI runs this.
test: setup
	$(BIN)/python -m pytest -n auto

# Fast feedback while working: the same suite without the long system tests, the tests with a wall-clock ceiling
# (marked slow and timed in tests/conftest.py) and the browser test.
test-fast: setup
	$(BIN)/python -m pytest -n auto -m "not slow and not timed and not browser"

# The rules as tools (the same checks run by pre-commit): style, types ([tool.mypy]) and import contracts
# ([tool.importlinter]: the layers of docs/architecture.md).
lint: setup
	$(BIN)/ruff check khabar tests bench training
	$(BIN)/ruff format --check khabar tests bench training
	$(BIN)/mypy
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff format khabar tests bench training
	$(BIN)/ruff check --fix khabar tests bench training

# Rebuild the shipped models from ../shared/data (the development data; see training/ and the README).
models: setup
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[training]'
	$(BIN)/python training/zwnj.py --data ../shared/data --out khabar/lang/fa/data/zwnj_lexicon.tsv.gz
	$(BIN)/python training/places.py --data ../shared/data --out khabar/lang/fa/data/places.tsv.gz
	$(BIN)/python training/ner/train.py --data ../shared/data --out khabar/lang/fa/data/ner

# Benchmarks are run by hand and recorded in docs/benchmarks.md (see bench/README.md).
bench: setup
	$(BIN)/python bench/orthography.py

clean:
	rm -rf $(VENV) .khabar .pytest_cache .ruff_cache
