# flowsim: every install step lives here and in pyproject.toml.
#   make run          create .venv, install flowsim from the lock, open the app on the default template
#   make test         create .venv, install flowsim with test extras from the lock, run the whole suite headless
#   make lock         re-resolve packaging/locks/*.txt to the newest versions pyproject.toml allows
#   make test-latest  run the suite in .venv-latest against the newest allowed versions (no lock)
#   make bench        run the benchmarks in benchmarks/ (figures and ratios, never pass/fail)
#
# What a fresh machine installs is pinned: packaging/locks/{run,test}.txt hold exact
# versions with hashes (made by uv, universal across platforms and Python >= 3.11), pip
# installs them with --require-hashes, and flowsim itself goes in editable on top with
# --no-deps --no-build-isolation, so even the build backend comes from the lock.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
LOCKS  := packaging/locks
# Stamps make a second `make test` skip the install unless pyproject.toml or a lock changed.
RUN_STAMP  := $(VENV)/.flowsim-run
TEST_STAMP := $(VENV)/.flowsim-test
PIP_LOCKED := $(BIN)/python -m pip install --quiet --require-hashes --no-deps
PIP_SELF   := $(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .

# The lock tool lives in a venv of its own so it never mixes with the app's packages.
UV_VERSION := 0.13.9
LOCK_VENV  := .venv-lock
UV         := $(LOCK_VENV)/bin/uv
# `make lock` moves every pin to the newest allowed version; `make lock LOCK_FLAGS=` only
# adds what pyproject.toml gained and keeps the other pins.
LOCK_FLAGS ?= --upgrade
UV_COMPILE  = $(UV) pip compile pyproject.toml $(LOCKS)/build.in --universal --python-version 3.11 \
              --generate-hashes --custom-compile-command "make lock" --quiet $(LOCK_FLAGS)

.PHONY: run test test-latest lock bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml $(LOCKS)/run.txt | $(BIN)/python
	$(PIP_LOCKED) -r $(LOCKS)/run.txt
	$(PIP_SELF)
	touch $@

$(TEST_STAMP): pyproject.toml $(LOCKS)/test.txt | $(BIN)/python
	$(PIP_LOCKED) -r $(LOCKS)/test.txt
	$(PIP_SELF)
	touch $@ $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/flowsim gui --template lead-flow

# tests/test_layers.py runs the import-linter contracts too.
test: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

# The newest versions pyproject.toml allows, unlocked: drift shows here before a fresh
# clone meets it. Its own venv, so `make test` keeps the locked one.
test-latest:
	rm -rf $(VENV)-latest
	$(PYTHON) -m venv $(VENV)-latest
	$(VENV)-latest/bin/python -m pip install --quiet --upgrade -e '.[test]'
	QT_QPA_PLATFORM=offscreen $(VENV)-latest/bin/python -m pytest -p no:cacheprovider

$(UV):
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet uv==$(UV_VERSION)

lock: | $(UV)
	$(UV_COMPILE) -o $(LOCKS)/run.txt
	$(UV_COMPILE) --extra test -o $(LOCKS)/test.txt

bench: $(TEST_STAMP)
	@for b in benchmarks/[a-z]*.py; do echo "== $$b"; QT_QPA_PLATFORM=offscreen $(BIN)/python $$b || exit 1; done

lint: $(TEST_STAMP)
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) $(VENV)-latest $(LOCK_VENV) .pytest_cache .hypothesis .import_linter_cache build dist
