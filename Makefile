# casrec — every target sets up .venv from the lock file when it is missing or stale.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
STAMP := $(VENV)/.casrec-installed
KERNEL := $(VENV)/share/jupyter/kernels/casrec/kernel.json

.PHONY: help report test test-fast lint lab datapackage lock format clean-venv

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): requirements.lock requirements-overrides.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	UV_COMPILE_BYTECODE=1 $(BIN)/uv pip install --quiet --python $(BIN)/python \
	    -r requirements.lock --override requirements-overrides.txt
	UV_COMPILE_BYTECODE=1 $(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name casrec --display-name "Python (casrec)" >/dev/null
	touch $(STAMP)

# casrec's own bytecode, written before the runs: a shell with PYTHONDONTWRITEBYTECODE set (as
# this machine's) would otherwise compile the package anew in every kernel and subprocess.
BYTECODE := $(BIN)/python -m compileall -q src

report: $(STAMP)  ## render today's reports (the main job)
	$(BYTECODE)
	$(BIN)/casrec run

test: $(STAMP)  ## lint and run the whole test suite
	$(BIN)/ruff check src tests benchmarks
	$(BYTECODE)
	$(BIN)/python -m pytest -n auto --dist loadfile tests notebooks --nbval-lax --nbval-kernel-name casrec

test-fast: $(STAMP)  ## the unit tests only (no notebooks, no browser)
	$(BYTECODE)
	$(BIN)/python -m pytest -n auto --dist loadfile -m "not slow"

lint: $(STAMP)  ## ruff over the code
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

lab: $(STAMP)  ## open the notebooks in JupyterLab on the casrec kernel
	$(BIN)/casrec lab

datapackage: $(STAMP)  ## regenerate the descriptors derived from the contract (after a schema change)
	$(BIN)/casrec datapackage --write
	$(BIN)/casrec datapackage --reconciled --out src/casrec/schemas/reconciled.datapackage.json
	$(BIN)/python -c "from casrec.hxl import write_hxl_schema; write_hxl_schema()"

lock:  ## re-resolve requirements.lock from pyproject.toml
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 \
	    --python-platform x86_64-unknown-linux-gnu --override requirements-overrides.txt \
	    --no-header --quiet -o requirements.lock

clean-venv:  ## remove the environment
	rm -rf $(VENV)
