"""Storage policy: every storage account of the stack is a hardened ADLS Gen2 data lake."""

import pytest

from tests.policies.policy_resources import DROP, storage_account


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
