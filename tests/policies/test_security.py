"""Security policies: Entra-only sign-in and a customer-managed key (advisory)."""

import pytest

from tests.policies.policy_resources import DROP, of_policy, workspace


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
