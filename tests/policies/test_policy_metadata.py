"""Every policy's metadata as the pack serves it in GetAnalyzerInfo (pulumi-policy 1.18):
severity, the compliance framework it implements, related checks, remediation and a URL."""

from __future__ import annotations

import pytest

from synapse_dl.engine.analyzer.client import PolicyPackSession

# Where a built-in Azure Policy definition checks the same thing (Azure/azure-policy,
# built-in-policies/policyDefinitions/, read at f4a50bac).
AZURE_POLICY = {
    "data-lake-hardening": "404c3081-a854-4457-ae30-26a93ef643f9",
    "workspace-managed-vnet": "2d9dbfa3-927b-4cf0-9d0f-08747f971650",
    "workspace-exfiltration-protection": "3484ce98-c0c5-4c83-994b-c5ac24785218",
    "workspace-public-network-disabled": "38d8df46-cf4e-4073-8e03-48c24b29de0d",
    "workspace-entra-only-auth": "2158ddbe-fefa-408e-b43f-d4faef8ff3b8",
    "workspace-customer-managed-key": "f7d52b2d-e161-4dfa-a82b-55e564167385",
    "workspace-linking-approved-tenants": "3a003702-13d2-4679-941b-937e58c443f0",
}
# Checkov's ids for the same checks (bridgecrewio/checkov, read at 03d5fdad).
CHECKOV = {
    "data-lake-hardening": {"CKV_AZURE_3", "CKV_AZURE_44", "CKV_AZURE_190"},
    "workspace-managed-vnet": {"CKV_AZURE_58"},
    "workspace-exfiltration-protection": {"CKV_AZURE_157"},
    "workspace-customer-managed-key": {"CKV_AZURE_240"},
}


def test_every_policy_says_how_severe_it_is_how_to_fix_it_and_where_to_read(
    pack: PolicyPackSession,
):
    for policy in pack.policies:
        assert policy.severity in {"low", "medium", "high", "critical"}, policy.name
        assert len(policy.remediation_steps) > 20, policy.name
        assert policy.url.startswith("https://learn.microsoft.com/azure/"), policy.name


def test_policies_name_the_azure_policy_definition_they_implement(pack: PolicyPackSession):
    frameworks = {p.name: p.framework for p in pack.policies if p.framework}

    assert frameworks == {name: ("Azure Policy", guid) for name, guid in AZURE_POLICY.items()}


def test_policies_tag_the_checkov_checks_that_match(pack: PolicyPackSession):
    checkov = {
        p.name: {t.removeprefix("checkov:") for t in p.tags if t.startswith("checkov:")}
        for p in pack.policies
    }

    assert {name: ids for name, ids in checkov.items() if ids} == CHECKOV


@pytest.mark.parametrize(
    "related",
    ["related:azure-policy:56fd377d-098c-4f02-8406-81eb055902b8", "related:checkov:CKV2_AZURE_19"],
)
def test_the_firewall_policy_names_the_stricter_checks_as_related_only(pack, related):
    # Those flag any firewall rule; this policy flags only one that opens the internet.
    firewall = next(p for p in pack.policies if p.name == "no-internet-wide-firewall")
    assert related in firewall.tags
    assert firewall.framework is None
