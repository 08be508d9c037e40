"""A workspace encrypted with a customer-managed key: the key on the workspace, the
workspace identity's access to the vault, and the key's activation after it."""

from __future__ import annotations

import pytest

from synapse_dl.config.errors import ConfigError
from synapse_dl.config.loading import parse_stack_config
from synapse_dl.engine.offline_runtime import plan_stack
from synapse_dl.workspace import role_assignment_name

VAULT = "/subscriptions/s-1/resourceGroups/rg-keys/providers/Microsoft.KeyVault/vaults/kv-dl-keys"
KEY_URL = "https://kv-dl-keys.vault.azure.net/keys/synapse-cmk"
CRYPTO_USER = "e147488a-f6f5-4113-8e2d-b22465e65bf6"


@pytest.fixture
def cmk_plan(dev_config, write_stack):
    dev_config["workspace"]["customerManagedKey"] = {"keyVaultId": VAULT, "keyName": "synapse-cmk"}
    return plan_stack(write_stack(dev_config))


def test_the_workspace_is_created_with_the_key(cmk_plan):
    workspace = cmk_plan.one("azure-native:synapse:Workspace", "synw-dl-dev-001-workspace")

    assert workspace.inputs["encryption"] == {
        "cmk": {
            "key": {"name": "default", "keyVaultUrl": KEY_URL},
            "kekIdentity": {"useSystemAssignedIdentity": True},
        }
    }


def test_the_workspace_identity_may_use_the_key_and_then_it_is_activated(cmk_plan):
    workspace = cmk_plan.one("azure-native:synapse:Workspace", "synw-dl-dev-001-workspace")
    access = cmk_plan.one("azure-native:authorization:RoleAssignment", "synw-dl-dev-001-cmk-access")
    activation = cmk_plan.one("azure-native:synapse:Key", "synw-dl-dev-001-cmk-activation")

    assert access.inputs == {
        "scope": VAULT,
        "roleDefinitionId": (
            f"/subscriptions/s-1/providers/Microsoft.Authorization/roleDefinitions/{CRYPTO_USER}"
        ),
        "principalId": workspace.outputs["identity"]["principalId"],
        # Not left to ARM's lookup: a new identity may not have replicated yet.
        "principalType": "ServicePrincipal",
        # The same on every run of the stack: never a second assignment.
        "roleAssignmentName": role_assignment_name(VAULT, "synw-dl-dev-001", CRYPTO_USER),
    }
    # Children of the workspace component, as everything it makes.
    component = "synapse-dl:index:SynapseWorkspace::synw-dl-dev-001"
    assert access.parent.endswith(component) and activation.parent.endswith(component)
    assert activation.inputs == {
        "keyName": "default",
        "workspaceName": "synw-dl-dev-001",
        "resourceGroupName": "rg-synapse-dl-dev",
        "isActiveCMK": True,
        "keyVaultUrl": KEY_URL,
    }
    assert access.urn in activation.dependencies


def test_without_a_key_nothing_of_it_is_planned(dev_config, write_stack):
    plan = plan_stack(write_stack(dev_config))

    workspace = plan.one("azure-native:synapse:Workspace", "synw-dl-dev-001-workspace")
    assert "encryption" not in workspace.inputs
    assert plan.by_type("azure-native:synapse:Key") == []


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ({"keyVaultId": VAULT.replace("KeyVault/vaults", "Storage/storageAccounts"),
          "keyName": "k"}, "keyVaultId"),
        ({"keyVaultId": VAULT, "keyName": "no_underscores"}, "keyName"),
        ({"keyVaultId": VAULT}, "keyName"),
    ],
)  # fmt: skip
def test_a_key_setting_azure_would_refuse_is_named(dev_config, key, problem):
    dev_config["workspace"]["customerManagedKey"] = key

    with pytest.raises(ConfigError) as caught:
        parse_stack_config(dev_config)

    [found] = caught.value.problems
    assert found.startswith(f"synapse-dl:workspace.customerManagedKey.{problem}")
