"""Network policies: the IP firewall (mandatory), the workspace's network settings
(advisory), the tenants it may link to (mandatory), and the stack policies on firewall rules
of a private workspace and its private endpoints."""

import pytest

from tests.policies.policy_resources import (
    DROP,
    GROUP_ID,
    WS,
    WS_ID,
    as_created,
    firewall_rule,
    of_policy,
    stack,
    workspace,
)

FIREWALL = "no-internet-wide-firewall"


def firewall(pack, *rules) -> list[dict[str, str]]:
    """What the firewall policy finds in a stack of these rules (it judges them together)."""
    return of_policy(pack.analyze_stack([stack(), *rules]), FIREWALL)


def test_allow_azure_services_rule_passes(pack):
    assert firewall(pack, firewall_rule("AllowAllWindowsAzureIps", "0.0.0.0", "0.0.0.0")) == []


def test_office_range_rule_passes(pack):
    assert firewall(pack, firewall_rule("office", "203.0.113.0", "203.0.113.255")) == []


def test_internet_wide_firewall_rule_is_rejected(pack):
    rule = firewall_rule("allowAll", "0.0.0.0", "255.255.255.255")
    rule["name"] = "allow-all"  # its Pulumi name: the message names the rule's ruleName
    assert firewall(pack, rule) == [
        {
            "policy": FIREWALL,
            "level": "mandatory",
            "urn": rule["urn"],
            "message": "Firewall rule 'allowAll' admits 4,294,967,296 addresses "
            "(0.0.0.0-255.255.255.255), more than a /8, which opens the workspace to the "
            "internet. Allow only your clients' address ranges (for Azure services, the rule "
            "'AllowAllWindowsAzureIps' with 0.0.0.0-0.0.0.0); to open it on purpose, set this "
            "policy to advisory in the policy pack config.",
        }
    ]


@pytest.mark.parametrize(
    ("start", "end", "rejected"),
    [
        ("0.0.0.0", "255.255.255.254", True),  # all but one address
        ("1.0.0.0", "2.0.0.0", True),  # a /8 and one more: 16,777,217
        ("10.0.0.0", "10.255.255.255", False),  # exactly a /8: 16,777,216
        ("203.0.113.0", "203.0.113.255", False),
    ],
)
def test_internet_wide_means_more_addresses_than_a_slash_8(pack, start, end, rejected):
    assert bool(firewall(pack, firewall_rule("wide", start, end))) is rejected


def test_sixteen_slash_8_rules_together_are_internet_wide(pack):
    # No rule is wider than a /8; together they admit 268,435,456 addresses.
    rules = [firewall_rule(f"r{i}", f"{i + 1}.0.0.0", f"{i + 1}.255.255.255") for i in range(16)]

    [found] = firewall(pack, *rules)

    names = ", ".join(f"'r{i}'" for i in range(16))
    assert found["urn"] == rules[-1]["urn"]
    assert found["message"].startswith(
        f"Firewall rules {names} of workspace '{WS}' together admit 268,435,456 addresses "
        "(each address counted once), more than a /8, which opens the workspace to the internet."
    )


@pytest.mark.parametrize(
    ("ranges", "rejected"),
    [
        # Overlaps and repeats count once: two copies of a /8 are a /8.
        ([("10.0.0.0", "10.255.255.255"), ("10.0.0.0", "10.255.255.255")], False),
        ([("10.0.0.0", "10.255.255.255"), ("10.128.0.0", "11.0.0.0")], True),  # one more
        # Adjacent halves of a /8 are the /8.
        ([("10.0.0.0", "10.127.255.255"), ("10.128.0.0", "10.255.255.255")], False),
        ([("10.0.0.0", "10.255.255.255"), ("203.0.113.7", "203.0.113.7")], True),
    ],
)
def test_the_rules_of_a_workspace_count_each_address_once(pack, ranges, rejected):
    rules = [firewall_rule(f"r{i}", start, end) for i, (start, end) in enumerate(ranges)]
    assert bool(firewall(pack, *rules)) is rejected


def test_rules_of_different_workspaces_are_not_added_together(pack):
    mine = firewall_rule("mine", "10.0.0.0", "10.255.255.255")
    theirs = firewall_rule("theirs", "11.0.0.0", "11.255.255.255")
    theirs["inputs"]["workspaceName"] = theirs["outputs"]["workspaceName"] = "synw-other"
    assert firewall(pack, mine, theirs) == []


def test_workspace_names_compare_without_regard_to_case(pack):
    # azure-native's outputs carry the rule's ARM id, whose workspace part may differ in case.
    one = firewall_rule("one", "10.0.0.0", "10.255.255.255")
    two = firewall_rule("two", "11.0.0.0", "11.255.255.255")
    del two["outputs"]["workspaceName"]
    two["outputs"]["id"] = f"{GROUP_ID}/{WS.upper()}/firewallRules/two"
    assert len(firewall(pack, one, two)) == 1


def test_the_policy_and_the_stack_config_draw_the_line_at_the_same_width(pack):
    from synapse_dl.facts import azure_rules

    for start, end in (("1.0.0.0", "2.0.0.0"), ("10.0.0.0", "10.255.255.255")):
        policy_rejects = bool(firewall(pack, firewall_rule("w", start, end)))
        assert policy_rejects is azure_rules.is_internet_wide(start, end)


@pytest.mark.parametrize(
    # Other services' rules, and the classic azure provider's, are outside this azure-native pack.
    "other_type",
    ["azure-native:sql:FirewallRule", "azure:synapse/firewallRule:FirewallRule"],
)
def test_only_synapse_firewall_rules_are_judged(pack, other_type):
    other = {**firewall_rule("allowAll", "0.0.0.0", "255.255.255.255"), "type": other_type}
    assert firewall(pack, other) == []


@pytest.mark.parametrize(
    # An address not known yet (a preview), or not IPv4 text at all, which ARM refuses itself.
    "end",
    [DROP, "not-an-address", "::1", 4294967295],
)
def test_a_rule_without_an_ipv4_range_is_left_to_arm(pack, end):
    rule = firewall_rule("allowAll", "0.0.0.0", "255.255.255.255")
    if end is DROP:
        del rule["inputs"]["endIpAddress"], rule["outputs"]["endIpAddress"]
    else:
        rule["inputs"]["endIpAddress"] = rule["outputs"]["endIpAddress"] = end
    assert firewall(pack, rule) == []


# --- the workspace's network settings (advisory); the tests that take every workspace policy
# at once, security's two (test_security.py) included, are here too ---


def test_hardened_workspace_passes_every_workspace_policy(pack):
    assert pack.analyze(workspace()) == []


@pytest.mark.parametrize(
    ("policy", "override", "message"),
    [
        (
            "workspace-managed-vnet",
            {"managedVirtualNetwork": DROP},
            'the managed virtual network is off. Set managedVirtualNetwork to "default" (only '
            "possible when the workspace is created).",
        ),
        (
            "workspace-exfiltration-protection",
            {"managedVirtualNetworkSettings": {"preventDataExfiltration": False}},
            "data-exfiltration protection is off. Set "
            "managedVirtualNetworkSettings.preventDataExfiltration to true.",
        ),
        (
            # A number is not a boolean setting, even one that equals true.
            "workspace-exfiltration-protection",
            {"managedVirtualNetworkSettings": {"preventDataExfiltration": 1.0}},
            "data-exfiltration protection is off. Set "
            "managedVirtualNetworkSettings.preventDataExfiltration to true.",
        ),
        (
            "workspace-public-network-disabled",
            {"publicNetworkAccess": "Enabled"},
            'public network access is on. Set publicNetworkAccess to "Disabled" and reach the '
            "workspace through private endpoints.",
        ),
    ],
)
def test_workspace_network_setting_off_is_reported_as_advisory(pack, policy, override, message):
    ws = workspace(**override)
    assert pack.analyze(ws) == [
        {
            "policy": policy,
            "level": "advisory",
            "urn": ws["urn"],
            "message": f"Workspace 'synw-dl-dev': {message}",
        }
    ]


def bare_workspace(**overrides) -> dict:
    """A workspace that leaves every setting a workspace policy judges to Azure's default."""
    defaults = {
        "managedVirtualNetwork": DROP,
        "managedVirtualNetworkSettings": DROP,
        "publicNetworkAccess": DROP,
        "azureADOnlyAuthentication": DROP,
        "encryption": DROP,
    }
    return workspace(**{**defaults, **overrides})


def test_workspace_with_defaults_only_is_reported_by_all_five_policies(pack):
    bare = bare_workspace()
    assert sorted(v["policy"] for v in pack.analyze(bare)) == [
        "workspace-customer-managed-key",
        "workspace-entra-only-auth",
        "workspace-exfiltration-protection",
        "workspace-managed-vnet",
        "workspace-public-network-disabled",
    ]


def test_workspace_policy_can_be_raised_to_mandatory(pack):
    pack.configure({"workspace-public-network-disabled": "mandatory"})
    [violation] = of_policy(
        pack.analyze(workspace(publicNetworkAccess="Enabled")), "workspace-public-network-disabled"
    )
    assert violation["level"] == "mandatory"


# --- the tenants a workspace may link to (mandatory) ---

TENANTS = "workspace-linking-approved-tenants"
TENANT_A = "11111111-1111-1111-1111-111111111111"
TENANT_B = "22222222-2222-2222-2222-222222222222"


def test_linking_to_no_other_tenant_passes(pack):
    assert of_policy(pack.analyze(workspace()), TENANTS) == []


def test_linking_to_a_tenant_outside_the_approved_list_is_rejected(pack):
    pack.configure({TENANTS: {"approvedTenantIds": [TENANT_A]}})
    linked = workspace(
        managedVirtualNetworkSettings={
            "allowedAadTenantIdsForLinking": [TENANT_A.upper(), TENANT_B]
        }
    )

    [violation] = of_policy(pack.analyze(linked), TENANTS)

    assert violation["level"] == "mandatory"
    assert violation["message"] == (
        f"Workspace '{linked['inputs']['workspaceName']}' may link to tenants outside the "
        f"approved list: {TENANT_B}. Remove them from "
        "managedVirtualNetworkSettings.allowedAadTenantIdsForLinking, or add them to "
        "approvedTenantIds in this policy's config."
    )


def test_with_no_approved_list_any_linked_tenant_is_rejected(pack):
    linked = workspace(managedVirtualNetworkSettings={"allowedAadTenantIdsForLinking": [TENANT_A]})

    assert len(of_policy(pack.analyze(linked), TENANTS)) == 1


@pytest.mark.parametrize(
    # Another provider's workspace, and Synapse resources that are not one (their types
    # sort before and after a workspace's).
    "other_type",
    [
        "azure:synapse/workspace:Workspace",
        "azure-native:synapse:SqlPool",
        "azure-native:synapse:WorkspaceAadAdmin",
    ],
)
def test_only_synapse_workspaces_are_judged_as_workspaces(pack, other_type):
    # Five workspace policies fail it, linking to an unapproved tenant included.
    failing = bare_workspace(
        managedVirtualNetworkSettings={"allowedAadTenantIdsForLinking": [TENANT_A]}
    )
    assert sorted(v["policy"] for v in pack.analyze(failing)) == [
        "workspace-customer-managed-key",
        "workspace-entra-only-auth",
        TENANTS,
        "workspace-managed-vnet",
        "workspace-public-network-disabled",
    ]

    assert pack.analyze({**failing, "type": other_type}) == []


def test_a_workspace_is_named_by_its_workspace_name_not_its_pulumi_name(pack):
    public = {**workspace(publicNetworkAccess="Enabled"), "name": "workspace"}

    [violation] = of_policy(pack.analyze(public), "workspace-public-network-disabled")

    assert violation["message"].startswith(f"Workspace '{WS}': ")


# --- IP firewall rules on a workspace that public access cannot reach (advisory) ---

PRIVATE_RULES = "no-firewall-rules-while-private"


def test_a_firewall_rule_on_a_private_workspace_is_advised_away(pack):
    rule = firewall_rule("office", "203.0.113.0", "203.0.113.255")
    rule["name"] = "office-rule"  # its Pulumi name: the message names the rule's ruleName

    [violation] = of_policy(pack.analyze_stack([stack(), workspace(), rule]), PRIVATE_RULES)

    assert violation["level"] == "advisory"
    assert violation["urn"] == rule["urn"]
    assert violation["message"] == (
        f"Firewall rule 'office' is on workspace '{WS}', whose public network access is "
        "disabled: the rule admits no one, and reads as if it did. Remove it, or enable public "
        "network access if clients must come that way."
    )


def test_a_firewall_rule_on_a_public_workspace_is_its_business(pack):
    rule = firewall_rule("office", "203.0.113.0", "203.0.113.255")
    public = workspace(publicNetworkAccess="Enabled")

    assert of_policy(pack.analyze_stack([stack(), public, rule]), PRIVATE_RULES) == []


def test_a_firewall_rule_on_a_workspace_without_a_public_access_setting_is_its_business(pack):
    rule = firewall_rule("office", "203.0.113.0", "203.0.113.255")
    unset = workspace(publicNetworkAccess=DROP)  # public: Azure's default

    assert of_policy(pack.analyze_stack([stack(), unset, rule]), PRIVATE_RULES) == []


def test_the_rules_workspace_is_read_from_its_arm_id_in_real_outputs(pack):
    # azure-native outputs carry the rule's id and name, not the workspaceName path parameter.
    rule = firewall_rule("office", "203.0.113.0", "203.0.113.255")
    rule["name"] = "office-rule"  # its Pulumi name; the ARM name is in the outputs
    rule["outputs"] = {
        "id": f"/subscriptions/0/resourceGroups/rg/providers/Microsoft.Synapse/workspaces/{WS}"
        "/firewallRules/office",
        "name": "office",
        "startIpAddress": "203.0.113.0",
        "endIpAddress": "203.0.113.255",
    }

    [violation] = of_policy(pack.analyze_stack([stack(), workspace(), rule]), PRIVATE_RULES)

    assert violation["message"].startswith(f"Firewall rule 'office' is on workspace '{WS}'")


# --- a workspace without public access has private endpoints for Dev and Sql (mandatory) ---

ENDPOINTS = "workspace-private-endpoints"


def _endpoint(name: str, target_id: str, *groups: str) -> dict:
    from tests.policies.policy_resources import resource

    connections = [
        {"name": name, "privateLinkServiceId": target_id, "groupIds": [group]} for group in groups
    ]
    inputs = {"privateEndpointName": name, "privateLinkServiceConnections": connections}
    return resource("azure-native:network:PrivateEndpoint", name, inputs)


def test_a_private_workspace_with_dev_and_sql_endpoints_passes(pack):
    resources = [
        stack(),
        as_created(workspace(), WS_ID),
        _endpoint("pe-dev", WS_ID.upper(), "Dev"),  # ARM ids compare without case
        _endpoint("pe-sql", WS_ID, "Sql"),
    ]
    assert of_policy(pack.analyze_stack(resources), ENDPOINTS) == []


def test_a_private_workspace_missing_an_endpoint_is_rejected_naming_it(pack):
    resources = [stack(), as_created(workspace(), WS_ID), _endpoint("pe-dev", WS_ID, "Dev")]

    [violation] = of_policy(pack.analyze_stack(resources), ENDPOINTS)

    assert violation["level"] == "mandatory"
    assert violation["urn"] == resources[1]["urn"]
    assert violation["message"] == (
        f"Workspace '{WS}' has public network access disabled and no private endpoint for Sql, "
        "so no one can reach its Studio API or SQL. Add private endpoints for Dev and Sql "
        "(workspace.privateAccess in the stack file), or enable public network access."
    )


def test_endpoints_to_another_resource_do_not_count(pack):
    other = f"{GROUP_ID}/other"
    resources = [
        stack(),
        as_created(workspace(), WS_ID),
        _endpoint("pe-dev", other, "Dev"),
        _endpoint("pe-sql", other, "Sql"),
    ]
    [violation] = of_policy(pack.analyze_stack(resources), ENDPOINTS)
    assert "no private endpoint for Dev or Sql" in violation["message"]


def test_a_workspace_with_public_access_needs_no_endpoint(pack):
    public = as_created(workspace(publicNetworkAccess="Enabled"), WS_ID)
    assert of_policy(pack.analyze_stack([stack(), public]), ENDPOINTS) == []


def test_a_public_workspace_does_not_hide_a_private_one_without_endpoints(pack):
    public = as_created(workspace("synw-public", publicNetworkAccess="Enabled"), WS_ID + "-public")
    private = as_created(workspace(), WS_ID)

    [violation] = of_policy(pack.analyze_stack([stack(), public, private]), ENDPOINTS)

    assert violation["urn"] == private["urn"]


def test_a_workspace_without_a_public_access_setting_needs_no_endpoint(pack):
    unset = as_created(workspace(publicNetworkAccess=DROP), WS_ID)
    assert of_policy(pack.analyze_stack([stack(), unset]), ENDPOINTS) == []


def test_a_created_workspace_is_named_by_the_name_in_its_outputs(pack):
    # azure-native's outputs carry the ARM name, not the workspaceName path parameter.
    created = as_created(workspace(), WS_ID)
    created["name"] = "workspace"
    del created["outputs"]["workspaceName"]
    created["outputs"]["name"] = WS

    [violation] = of_policy(pack.analyze_stack([stack(), created]), ENDPOINTS)

    assert violation["message"].startswith(f"Workspace '{WS}' has public network access disabled")
