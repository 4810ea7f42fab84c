# flowsim: every install step lives here and in pyproject.toml.
#   make run    create .venv, install flowsim, open the app on the default template
#   make test   create .venv, install flowsim with test extras, run the whole suite headless
#   make bench  run the benchmarks in benchmarks/ (figures and ratios, never pass/fail)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
# Stamps make a second `make test` skip the install unless pyproject.toml changed.
RUN_STAMP  := $(VENV)/.flowsim-run
TEST_STAMP := $(VENV)/.flowsim-test

.PHONY: run test bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/flowsim gui --template lead-flow

# tests/test_layers.py runs the import-linter contracts too.
test: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

bench: $(TEST_STAMP)
	@for b in benchmarks/[a-z]*.py; do echo "== $$b"; QT_QPA_PLATFORM=offscreen $(BIN)/python $$b || exit 1; done

lint: $(TEST_STAMP)
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .import_linter_cache build dist
