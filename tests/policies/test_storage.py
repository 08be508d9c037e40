"""Storage policies: every storage account of the stack is a hardened ADLS Gen2 data lake, and
(a stack policy) a private workspace's lake is locked down too."""

import pytest

from tests.policies.policy_resources import (
    DROP,
    WS,
    WS_ID,
    as_created,
    of_policy,
    stack,
    storage_account,
    workspace,
)


def test_hardened_data_lake_passes(pack):
    assert pack.analyze(storage_account()) == []


def test_tls_1_3_minimum_passes(pack):
    assert pack.analyze(storage_account(minimumTlsVersion="TLS1_3")) == []


def test_unhardened_storage_account_is_rejected_with_every_failing_setting(pack):
    account = storage_account(
        isHnsEnabled=False,
        enableHttpsTrafficOnly=DROP,
        minimumTlsVersion="TLS1_0",
        allowBlobPublicAccess=True,
    )
    assert pack.analyze(account) == [
        {
            "policy": "data-lake-hardening",
            "level": "mandatory",
            "urn": account["urn"],
            "message": "Storage account 'stdldev' is not a hardened data lake: isHnsEnabled "
            "must be true (is false); enableHttpsTrafficOnly must be true (is unset); "
            'minimumTlsVersion must be "TLS1_2" (is "TLS1_0"); allowBlobPublicAccess must be '
            "false (is true).",
        }
    ]


@pytest.mark.parametrize(
    ("setting", "required"), [("isHnsEnabled", "true"), ("minimumTlsVersion", '"TLS1_2"')]
)
def test_storage_account_without_a_hardening_setting_is_rejected(pack, setting, required):
    [violation] = pack.analyze(storage_account(**{setting: DROP}))
    assert violation["message"] == (
        f"Storage account 'stdldev' is not a hardened data lake: {setting} must be {required} "
        "(is unset)."
    )


def test_a_number_is_not_a_boolean_setting(pack):
    # Struct numbers are floats; 1.0 == True in Python, but ARM wants a boolean.
    [violation] = pack.analyze(storage_account(isHnsEnabled=1))
    assert "isHnsEnabled must be true (is 1.0)" in violation["message"]


def test_the_finding_names_the_account_or_else_the_resource(pack):
    [named] = pack.analyze(storage_account(accountName="stdlprod", isHnsEnabled=False))
    [unnamed] = pack.analyze(storage_account(accountName=DROP, isHnsEnabled=False))
    assert named["message"].startswith("Storage account 'stdlprod' is not")
    assert unnamed["message"].startswith("Storage account 'stdldev' is not")


# --- a private workspace's data lake is locked too (advisory) ---

LAKE_LOCKED = "data-lake-locked-with-workspace"
# The lake the test workspace names in its defaultDataLakeStorage.
LAKE_ID = workspace()["inputs"]["defaultDataLakeStorage"]["resourceId"]


def _lake(**overrides) -> dict:
    from tests.policies.policy_resources import storage_account

    return as_created(storage_account(**overrides), LAKE_ID)


def test_a_private_workspace_with_a_locked_lake_passes(pack):
    lake = _lake(networkRuleSet={"defaultAction": "Deny"}, allowSharedKeyAccess=False)
    resources = [stack(), as_created(workspace(), WS_ID), lake]

    assert of_policy(pack.analyze_stack(resources), LAKE_LOCKED) == []


def test_a_private_workspace_with_an_open_lake_is_advised_to_lock_it(pack):
    resources = [stack(), as_created(workspace(), WS_ID), _lake()]

    [violation] = of_policy(pack.analyze_stack(resources), LAKE_LOCKED)

    assert violation["level"] == "advisory"
    assert violation["urn"] == resources[2]["urn"]
    assert violation["message"] == (
        f"Workspace '{WS}' has public network access disabled, but its data lake does not: "
        "its network rules allow every address (defaultAction Allow); it takes account keys "
        "(allowSharedKeyAccess is not false). Set workspace.dataLake.defaultAction: Deny (the "
        "default when public access is off) and sharedKeyAccess: false."
    )


def test_a_lake_that_only_takes_keys_is_named_for_that_alone(pack):
    lake = _lake(networkRuleSet={"defaultAction": "Deny"}, allowSharedKeyAccess=True)

    [violation] = of_policy(
        pack.analyze_stack([stack(), as_created(workspace(), WS_ID), lake]), LAKE_LOCKED
    )

    assert "its network rules" not in violation["message"]
    assert "it takes account keys" in violation["message"]


def test_a_lake_takes_no_keys_only_when_shared_key_access_is_false_not_a_number(pack):
    lake = _lake(networkRuleSet={"defaultAction": "Deny"}, allowSharedKeyAccess=0)

    [violation] = of_policy(
        pack.analyze_stack([stack(), as_created(workspace(), WS_ID), lake]), LAKE_LOCKED
    )

    assert "it takes account keys" in violation["message"]


def test_a_public_workspace_and_another_workspaces_lake_are_not_judged(pack):
    public = as_created(workspace(publicNetworkAccess="Enabled"), WS_ID)
    assert of_policy(pack.analyze_stack([stack(), public, _lake()]), LAKE_LOCKED) == []

    elsewhere = as_created(workspace(), WS_ID)
    other_lake = as_created(storage_account_named("stother"), LAKE_ID.replace("stdldev", "stother"))
    assert of_policy(pack.analyze_stack([stack(), elsewhere, other_lake]), LAKE_LOCKED) == []


def storage_account_named(name: str) -> dict:
    from tests.policies.policy_resources import storage_account

    return storage_account(name)


def test_a_workspace_without_a_public_access_setting_is_public_and_not_judged(pack):
    # Azure's default is Enabled; the setting left out must not break the policy either.
    unset = as_created(workspace(publicNetworkAccess=DROP), WS_ID)
    assert of_policy(pack.analyze_stack([stack(), unset, _lake()]), LAKE_LOCKED) == []


def test_a_public_workspace_does_not_hide_a_private_one_after_it(pack):
    public = as_created(workspace("synw-public", publicNetworkAccess="Enabled"), WS_ID + "-public")
    private = as_created(workspace(), WS_ID)

    [violation] = of_policy(pack.analyze_stack([stack(), public, private, _lake()]), LAKE_LOCKED)

    assert violation["message"].startswith(f"Workspace '{WS}' has public network access disabled")


def test_a_private_workspace_whose_lake_is_elsewhere_does_not_hide_the_next_one(pack):
    elsewhere = as_created(
        workspace(
            "synw-other",
            defaultDataLakeStorage={"resourceId": LAKE_ID.replace("stdldev", "stelsewhere")},
        ),
        WS_ID + "-other",
    )
    resources = [stack(), elsewhere, as_created(workspace(), WS_ID), _lake()]

    [violation] = of_policy(pack.analyze_stack(resources), LAKE_LOCKED)

    assert violation["message"].startswith(f"Workspace '{WS}' has public network access disabled")
