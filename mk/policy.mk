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
# The CLI is a downloaded binary, not a Python package: say how to get it rather than fail
# with "command not found".
_NEED_PULUMI = @command -v pulumi >/dev/null 2>&1 || { \
	echo "make $@: the Pulumi CLI is not installed. Install the version the pinned SDK expects with"; \
	echo "  bash gitops/install_pulumi_cli.sh   (then add ~/.pulumi/bin to PATH)"; \
	echo "or see https://www.pulumi.com/docs/install/"; exit 1; }

preview: $(VENV)/.installed
	$(_NEED_PULUMI)
	pulumi preview -s $(STACK) $(_POLICY_FLAGS)

up: $(VENV)/.installed
	$(_NEED_PULUMI)
	pulumi up -s $(STACK) $(_POLICY_FLAGS)
