# The Kirov Edition. Two commands for a new user:
#   make edition   set up (.venv) and build the site into _build/html/
#   make test      set up and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: edition outputs test test-deps setup validate serve bench package clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $@

setup: $(STAMP)

edition: setup
	$(BIN)/edition build

validate: setup
	$(BIN)/edition validate

test-deps:
	bash tools/test-deps.sh

test: setup test-deps
	$(BIN)/python -m pytest -q -ra

outputs: setup
	$(BIN)/edition build all

package: outputs
	$(BIN)/edition package

bench: setup
	$(BIN)/python bench/run.py

serve: setup
	$(BIN)/edition serve

clean:
	rm -rf _build
