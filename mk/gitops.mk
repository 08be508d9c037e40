# gitops: the pull-request plan check and the tools its tests need.
# Included by the root Makefile (-include mk/*.mk).

.PHONY: pr-check

GITOPS_OUT ?= out/plan-check

## pr-check: the offline plan + policy check of every Pulumi.*.yaml stack (what CI runs);
## BASE=main also plans each stack at that ref and shows what the change does to it
pr-check: $(VENV)/.installed
	$(SYNAPSE_DL) pr-check --out $(GITOPS_OUT) $(if $(BASE),--base $(BASE))
