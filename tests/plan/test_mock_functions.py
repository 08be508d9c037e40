"""Provider functions (invokes) under the offline plan: the deploying identity is answered as
the mock subscription's; any other function is refused by name, never answered with a guess."""

from __future__ import annotations

from pathlib import Path

import pytest

from synapse_dl.engine.offline_runtime import MOCK_SUBSCRIPTION_ID, MOCK_TENANT_ID, plan_stack

PROGRAM = """
import pulumi
from pulumi_azure_native import authorization, resources

config = authorization.get_client_config()
pulumi.export("subscription", config.subscription_id)
pulumi.export("tenant", config.tenant_id)
pulumi.export("client", config.client_id)
pulumi.export("object", config.object_id)
if pulumi.Config().get_bool("unknown"):
    resources.get_resource_group(resource_group_name="rg")
"""


def _program(tmp_path: Path, unknown: bool) -> Path:
    folder = tmp_path / "program"
    folder.mkdir(exist_ok=True)
    (folder / "Pulumi.yaml").write_text("name: functions\nruntime: python\n")
    (folder / "__main__.py").write_text(PROGRAM)
    stack = folder / "Pulumi.fn.yaml"
    stack.write_text(f"config:\n  functions:unknown: {str(unknown).lower()}\n")
    return stack


def test_the_deploying_identity_is_the_mock_subscriptions(tmp_path):
    stack = _program(tmp_path, unknown=False)

    plan = plan_stack(stack, program_dir=stack.parent)

    # Every field of azure-native's GetClientConfigResult is answered.
    assert plan.outputs == {
        "subscription": MOCK_SUBSCRIPTION_ID,
        "tenant": MOCK_TENANT_ID,
        "client": "22222222-2222-2222-2222-222222222222",
        "object": "33333333-3333-3333-3333-333333333333",
    }


def test_another_function_is_refused_by_name(tmp_path):
    stack = _program(tmp_path, unknown=True)

    with pytest.raises(
        Exception,
        match="no offline answer for the function azure-native:resources:getResourceGroup",
    ):
        plan_stack(stack, program_dir=stack.parent)
