# The two commands of a fresh machine: `make run` and `make test`. Each sets up .venv first.
# `make run` with no token: the console here and the web on http://127.0.0.1:8080, on the same
# database (data/tintot.db) as `make console` and every `tintot` command.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench console clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Tin Tốt needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres]'
	@touch $@

run: $(STAMP)
	$(BIN)/tintot run

console: $(STAMP)
	$(BIN)/tintot console

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m tests.benchmarks

clean:
	rm -rf $(VENV) build *.egg-info
