# Mutation testing (mutation/): on demand, never in CI; hours on 2 cores.
#   make mutation                    both tools, the score and every survivor in out/mutation/report.md
#   make mutation MUTATION_ONLY=mutmut      (or cosmic-ray) one tool
#   make mutation MUTATION_ONLY=mutmut MUTATION_SELECT='synapse_dl.engine.analyzer.*'   part of mutmut's mutants
#   make mutation MUTATION_RESUME=1  goes on from the last run (see mutation/run.sh)
#   make mutation MUTATION_RESUME=1 MUTATION_RERUN_TIMEOUTS=1   and checks its timeouts again
#   make mutation MUTATION_RESUME=1 MUTATION_RERUN_ACCEPTED=1   and its accepted survivors
#   make mutation MUTATION_SAMPLE=200   200 random mutants (with MUTATION_RESUME=1: of those not run yet), not the pass
MUT_VENV := .venv-mutation
MUT_PY := $(MUT_VENV)/bin/python
# A copy of the working tree: both tools rewrite source files where they run.
MUTATION_WORK ?= .cache/mutation
MUTATION_OUT ?= out/mutation

.PHONY: mutation mutation-report

$(MUT_VENV)/.installed: requirements-mutation.txt requirements-dev.txt requirements.txt policies/requirements.txt pyproject.toml
	$(PYTHON) -m venv $(MUT_VENV)
	$(MUT_PY) -m pip install -q --upgrade pip
	$(MUT_PY) -m pip install -q -r requirements-mutation.txt
	touch $@

## mutation: mutate synapse_dl (components/synapse_dl/) with mutmut and policies/ with cosmic-ray
mutation: $(MUT_VENV)/.installed
	MUTATION_ONLY=$(MUTATION_ONLY) MUTATION_SELECT='$(MUTATION_SELECT)' MUTATION_RESUME=$(MUTATION_RESUME) \
		MUTATION_RERUN_TIMEOUTS=$(MUTATION_RERUN_TIMEOUTS) MUTATION_RERUN_ACCEPTED=$(MUTATION_RERUN_ACCEPTED) \
		MUTATION_SAMPLE=$(MUTATION_SAMPLE) MUTATION_SEED=$(MUTATION_SEED) bash mutation/run.sh $(MUT_PY) $(MUTATION_WORK) $(MUTATION_OUT)

## mutation-report: the score and survivors of the last run, again
mutation-report: $(VENV)/.installed
	$(PY) mutation/report.py --out $(MUTATION_OUT)
