# synapse-dl: `make plan` (offline plan of a stack) and `make test` (the test suite)
# work on a fresh clone; each sets up what it needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# The package's command line (synapse_dl.cli), installed into .venv with the package.
SYNAPSE_DL := $(VENV)/bin/synapse-dl
STACK ?= dev
PLAN_JSON ?=
POLICY_CONFIG ?=

JOB ?=

.PHONY: plan test test-infra lint venv clean bench run-job schema libraries packages config-table

$(VENV)/.installed: requirements.txt requirements-dev.txt policies/requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

## plan: the offline plan of Pulumi.$(STACK).yaml under Pulumi's mock runtime, with policy verdicts
## and cost; AGAINST=main (or a plan JSON, or a `pulumi stack export`) shows what it changes
plan: $(VENV)/.installed
	$(SYNAPSE_DL) plan --stack $(STACK) $(if $(PLAN_JSON),--json $(PLAN_JSON)) \
		$(if $(POLICY_CONFIG),--policy-config $(POLICY_CONFIG)) $(if $(AGAINST),--against $(AGAINST))

## libraries: each pool's libraries of Pulumi.$(STACK).yaml resolved with pip for its runtime
## (Python, platform, preinstalled packages), before anything is deployed
libraries: $(VENV)/.installed
	$(SYNAPSE_DL) libraries --stack $(STACK)

## packages: lock the wheels of each pool whose workspace blocks PyPI (workspace packages) in
## workspace_packages/$(STACK).lock.json; commit it
packages: $(VENV)/.installed
	$(SYNAPSE_DL) packages --stack $(STACK)

## schema: the package schema the component provider (provider/) serves, checked against
## Pulumi's package metaschema, written to out/schema.json
schema: $(VENV)/.installed
	$(SYNAPSE_DL) schema --out out/schema.json

## test: every test suite
test: test-infra

test-infra: $(VENV)/.installed
	$(PY) -m pytest tests --ignore=tests/training_jobs

## config-table: the README's stack config table, made again from the Args and their models
config-table: $(VENV)/.installed
	$(PY) -m tools.config_table

## lint: ruff, mypy, and the package's layers (import-linter, pyproject.toml [tool.importlinter])
lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(VENV)/bin/lint-imports

## run-job: run a deployed job definition on its pool (needs a deployed workspace and az login)
run-job: $(VENV)/.installed
	@test -n "$(JOB)" || { echo "usage: make run-job JOB=<folder under training_jobs/> [STACK=dev]"; exit 1; }
	$(SYNAPSE_DL) run-job --stack $(STACK) --job $(JOB)

bench: $(VENV)/.installed
	$(PY) bench/plan_scale.py
	$(PY) bench/deploy_jobs.py
	$(PY) bench/libraries.py --stack cpu

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

-include mk/*.mk
