# Policy pack (policies/) targets. `preview` / `up` need the Pulumi CLI and a logged-in
# backend; `policy-test` runs the pack through the engine protocol without them.

.PHONY: policy-test policy-bench preview up

## policy-test: the policy pack's tests alone (starts the pack as the engine does)
policy-test: $(VENV)/.installed
	$(PY) -m pytest tests/policies

## policy-bench: pack start-up and Analyze latency over gRPC
policy-bench: $(VENV)/.installed
	$(PY) bench/policy_latency.py

_POLICY_FLAGS = --policy-pack policies $(if $(POLICY_CONFIG),--policy-pack-config $(POLICY_CONFIG))

## preview / up: the real Pulumi CLI with the policy pack (POLICY_CONFIG=file.json to configure it)
preview: $(VENV)/.installed
	pulumi preview -s $(STACK) $(_POLICY_FLAGS)

up: $(VENV)/.installed
	pulumi up -s $(STACK) $(_POLICY_FLAGS)
