# flowsim: every install step lives here and in pyproject.toml.
#   make run          create .venv, install flowsim from the lock, open the app on the default template
#   make test         create .venv, install flowsim with test extras from the lock, run the whole suite headless
#   make lock         re-resolve packaging/locks/*.txt to the newest versions pyproject.toml allows
#   make test-latest  run the suite in .venv-latest against the newest allowed versions (no lock)
#   make bench        run the benchmarks in benchmarks/ (figures and ratios, never pass/fail)
#   make package      build the desktop bundle dist/flowsim/ (PyInstaller, one folder) and its tarball
#   make package-test build it, then run the bundle's own commands and GUI (tests marked bundle)
#   make fuzz         the fuzzers of tests/fuzz at full length (>= 10,000 inputs each)
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

# The bundle is built in a venv of its own (run deps + PyInstaller + the test extras, from
# packaging/locks/package.txt), so PyInstaller never lands in the test venv.
PKG_VENV  := .venv-package
PKG_BIN   := $(PKG_VENV)/bin
PKG_STAMP := $(PKG_VENV)/.flowsim-package
VERSION   := $(shell sed -n 's/^__version__ = "\(.*\)"/\1/p' flowsim/__init__.py)
BUNDLE_TARBALL := dist/flowsim-$(VERSION)-linux-$(shell uname -m).tar.gz

.PHONY: run test test-latest lock bench lint clean package package-test fuzz

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
	$(UV_COMPILE) --extra package --extra test -o $(LOCKS)/package.txt

$(PKG_BIN)/python:
	$(PYTHON) -m venv $(PKG_VENV)

$(PKG_STAMP): pyproject.toml $(LOCKS)/package.txt | $(PKG_BIN)/python
	$(PKG_BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCKS)/package.txt
	$(PKG_BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# One folder, dist/flowsim/, with the `flowsim` executable inside; the tarball unpacks to it.
package: $(PKG_STAMP)
	$(PKG_BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller packaging/flowsim.spec
	tar -C dist -czf $(BUNDLE_TARBALL) flowsim
	@echo "built dist/flowsim/ and $(BUNDLE_TARBALL)"

package-test: package
	QT_QPA_PLATFORM=offscreen FLOWSIM_BUNDLE=dist/flowsim $(PKG_BIN)/python -m pytest -m bundle -p no:cacheprovider tests/test_bundle.py

# FLOWSIM_FUZZ picks the Hypothesis profile of tests/fuzz: `quick` inside `make test`,
# `full` (10,000 inputs per fuzzer) here; then atheris runs 10,000 inputs per target. The
# targets are the list in tests/fuzz/targets.py; failures land in tests/fuzz/corpus/.
# One fuzzer may outlast the suite's five-minute hang watch on a busy machine: raised here.
FUZZ_RUNS ?= 10000
fuzz: $(TEST_STAMP)
	FLOWSIM_FUZZ=full QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest tests/fuzz -q -p no:cacheprovider -o faulthandler_timeout=1800
	@mkdir -p build/fuzz
	@for t in $$($(BIN)/python -c "from tests.fuzz.targets import TARGETS; print(*(t.name for t in TARGETS))"); do \
	  echo "== atheris $$t ($(FUZZ_RUNS) runs, log in build/fuzz/$$t.log)"; \
	  QT_QPA_PLATFORM=offscreen $(BIN)/python tests/fuzz/atheris_fuzz.py $$t -runs=$(FUZZ_RUNS) > build/fuzz/$$t.log 2>&1 \
	    || { tail -n 30 build/fuzz/$$t.log; exit 1; }; \
	  grep -h "^Done" build/fuzz/$$t.log; \
	done

clean:
	rm -rf $(VENV) $(VENV)-latest $(LOCK_VENV) $(PKG_VENV) .pytest_cache .hypothesis .import_linter_cache build dist
