"""Security policies: Entra-only sign-in and a customer-managed key (advisory), and the stack
policy on diagnostic settings (the audit trail)."""

import pytest

from tests.policies.policy_resources import (
    DROP,
    GROUP_ID,
    WS,
    as_created,
    cpu_pool,
    of_policy,
    stack,
    workspace,
)


@pytest.mark.parametrize(
    ("policy", "override", "message"),
    [
        (
            "workspace-entra-only-auth",
            {"azureADOnlyAuthentication": False},
            "SQL logins are allowed. Set azureADOnlyAuthentication to true.",
        ),
        (
            "workspace-entra-only-auth",
            {"azureADOnlyAuthentication": 1},
            "SQL logins are allowed. Set azureADOnlyAuthentication to true.",
        ),
    ],
)
def test_workspace_security_setting_off_is_reported_as_advisory(pack, policy, override, message):
    ws = workspace(**override)
    assert pack.analyze(ws) == [
        {
            "policy": policy,
            "level": "advisory",
            "urn": ws["urn"],
            "message": f"Workspace 'synw-dl-dev': {message}",
        }
    ]


# --- customer-managed key (advisory) ---

CMK = "workspace-customer-managed-key"


@pytest.mark.parametrize(
    "encryption",
    [
        DROP,
        {"cmk": DROP},
        {"cmk": {"key": {"keyVaultUrl": DROP}}},
        {"cmk": {"key": {"name": DROP}}},
    ],
)
def test_a_workspace_without_a_whole_customer_managed_key_is_advised_to_use_one(pack, encryption):
    bare = workspace(encryption=encryption)

    [violation] = of_policy(pack.analyze(bare), CMK)

    assert violation["level"] == "advisory"
    assert violation["message"] == (
        f"Workspace '{bare['inputs']['workspaceName']}': data at rest is encrypted with "
        "Microsoft-managed keys only. Give encryption.cmk.key (a Key Vault key's name and the "
        "vault's URL) when the workspace is created."
    )


# --- diagnostic settings on the workspace and each pool (advisory) ---

DIAGNOSTICS = "diagnostic-settings"
LA = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/log"


def _setting(target_id: str, name: str, **destination: str) -> dict:
    from tests.policies.policy_resources import resource

    arm_id = f"{target_id}/providers/Microsoft.Insights/diagnosticSettings/synapse-dl"
    outputs = {"id": arm_id, "name": "synapse-dl", "logs": [], **destination}
    return resource("azure-native:monitor:DiagnosticSetting", name, {}, outputs)


def _watched_stack(*settings: dict) -> list[dict]:
    ws_id, pool_id = f"{GROUP_ID}/{WS}", f"{GROUP_ID}/{WS}/bigDataPools/cpupool"
    return [
        stack(),
        as_created(workspace(), ws_id),
        as_created(cpu_pool(), pool_id),
        *(s(ws_id, pool_id) for s in settings),
    ]


def test_a_workspace_and_pool_each_with_a_diagnostic_setting_pass(pack):
    resources = _watched_stack(
        lambda ws, _: _setting(ws, "ws-diag", workspaceId=LA),
        lambda _, pool: _setting(pool.upper(), "pool-diag", workspaceId=LA),  # ids ignore case
    )
    assert of_policy(pack.analyze_stack(resources), DIAGNOSTICS) == []


def test_a_pool_without_a_diagnostic_setting_is_advised_to_get_one(pack):
    resources = _watched_stack(lambda ws, _: _setting(ws, "ws-diag", workspaceId=LA))

    [violation] = of_policy(pack.analyze_stack(resources), DIAGNOSTICS)

    assert violation["level"] == "advisory"
    assert violation["urn"] == resources[2]["urn"]
    assert violation["message"] == (
        "Spark pool 'cpupool' sends its logs nowhere: no diagnostic setting watches it, so "
        "there is no audit trail of who did what. Add one to a Log Analytics workspace "
        "(workspace.diagnostics in the stack file does it for the workspace and its pools)."
    )


def test_a_diagnostic_setting_with_no_destination_does_not_count(pack):
    resources = _watched_stack(
        lambda ws, _: _setting(ws, "ws-diag"),
        lambda _, pool: _setting(pool, "pool-diag", storageAccountId="/subscriptions/0/sa"),
    )
    found = of_policy(pack.analyze_stack(resources), DIAGNOSTICS)
    assert [v["urn"] for v in found] == [resources[1]["urn"]]


def test_resources_not_yet_created_are_not_judged(pack):
    # No id in the outputs yet (the stack policies' inputs-only test resources): nothing to
    # point a setting at, so nothing to report.
    assert of_policy(pack.analyze_stack([stack(), workspace(), cpu_pool()]), DIAGNOSTICS) == []


def test_a_workspace_not_yet_created_does_not_hide_a_created_pool(pack):
    pool = as_created(cpu_pool(), f"{GROUP_ID}/{WS}/bigDataPools/cpupool")

    [violation] = of_policy(pack.analyze_stack([stack(), workspace(), pool]), DIAGNOSTICS)

    assert violation["message"].startswith("Spark pool 'cpupool' sends its logs nowhere")
