# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

run: install  ## demo data on the embedded store, local host on http://localhost:7071
	$(BIN)/python -m shared.localhost.demo

test: install  ## the whole suite
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .

bench: install  ## figures for docs/performance.md (BENCH=client_book to pick one)
	$(BIN)/python -m tests.bench $(BENCH)

clean:
	rm -rf .local .pytest_cache .ruff_cache
