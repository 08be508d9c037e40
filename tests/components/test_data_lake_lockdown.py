"""The data lake locked as the workspace is: network rules that deny by default but let the
workspace and trusted services in, Spark's managed private endpoint, no account keys, and the
config rules that keep such a lake reachable."""

from __future__ import annotations

import pytest

from synapse_dl.config.errors import ConfigError
from synapse_dl.config.loading import parse_stack_config
from synapse_dl.engine.offline_runtime import MOCK_SUBSCRIPTION_ID, MOCK_TENANT_ID, Plan, plan_stack
from tests.conftest import ROOT

ACCOUNT = "azure-native:storage:StorageAccount"
WORKSPACE = "azure-native:synapse:Workspace"
LAKE_FILE = "pulumi-python:dynamic/storage:LakeFile"


@pytest.fixture(scope="module")
def cpu_plan() -> Plan:
    return plan_stack(ROOT / "Pulumi.cpu.yaml")


def test_the_cpu_lake_denies_by_default_letting_the_workspace_and_trusted_services_in(cpu_plan):
    account = cpu_plan.one(ACCOUNT, "synw-dl-cpu-001-datalake").inputs

    assert account["networkRuleSet"] == {
        "defaultAction": "Deny",
        "bypass": "AzureServices",
        "ipRules": [],
        # The workspace as serverless SQL's docs write it: `resourcegroups` in lower case.
        "resourceAccessRules": [
            {
                "tenantId": MOCK_TENANT_ID,
                "resourceId": f"/subscriptions/{MOCK_SUBSCRIPTION_ID}/resourcegroups/"
                "rg-synapse-dl-cpu/providers/Microsoft.Synapse/workspaces/synw-dl-cpu-001",
            }
        ],
    }
    # Public network access stays on (not sent: Azure's default): SQL comes in over it.
    assert "publicNetworkAccess" not in account
    assert account["allowSharedKeyAccess"] is False


def test_spark_reaches_the_cpu_lake_through_a_managed_private_endpoint(cpu_plan):
    lake = cpu_plan.one(WORKSPACE, "synw-dl-cpu-001-workspace").inputs["defaultDataLakeStorage"]

    assert lake["createManagedPrivateEndpoint"] is True


def test_the_cpu_jobs_files_wait_for_the_lakes_blob_endpoint(cpu_plan):
    # They go up through it, from a machine in the private network.
    blob = cpu_plan.one("azure-native:network:PrivateEndpoint", "synw-dl-cpu-001-pe-blob").urn
    dev = cpu_plan.one("azure-native:network:PrivateEndpoint", "synw-dl-cpu-001-pe-dev").urn

    uploads = cpu_plan.by_type(LAKE_FILE)
    assert uploads
    for upload in uploads:
        assert blob in upload.dependencies
        assert dev not in upload.dependencies


def test_the_cpu_synapse_roles_wait_for_the_workspaces_private_endpoints(cpu_plan):
    dev = next(
        r.urn
        for r in cpu_plan.by_type("azure-native:network:PrivateEndpoint")
        if r.name.endswith("-pe-dev")
    )
    roles = cpu_plan.by_type("pulumi-python:dynamic/synapse:SynapseRoleAssignment")

    assert len(roles) == 3
    assert all(dev in role.dependencies for role in roles)


def test_a_public_workspace_keeps_an_open_lake_unless_told(dev_config, write_stack):
    plan = plan_stack(write_stack(dev_config))

    account = plan.one(ACCOUNT, "synw-dl-dev-001-datalake").inputs
    assert "networkRuleSet" not in account
    workspace = plan.one(WORKSPACE, "synw-dl-dev-001-workspace").inputs
    assert "createManagedPrivateEndpoint" not in workspace["defaultDataLakeStorage"]

    dev_config["workspace"]["dataLake"].update(
        defaultAction="Deny", allowedIpRanges=["198.51.100.7", "203.0.113.4/30"]
    )
    told = plan_stack(write_stack(dev_config)).one(ACCOUNT, "synw-dl-dev-001-datalake").inputs
    assert told["networkRuleSet"]["defaultAction"] == "Deny"
    # A /30 is the smallest range Azure takes as a range.
    assert told["networkRuleSet"]["ipRules"] == [
        {"iPAddressOrRange": "198.51.100.7", "action": "Allow"},
        {"iPAddressOrRange": "203.0.113.4/30", "action": "Allow"},
    ]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            {"dataLake": {"allowedIpRanges": ["198.51.100.7"]}},
            "synapse-dl:workspace.dataLake.allowedIpRanges = ['198.51.100.7']: only with "
            "synapse-dl:workspace.dataLake.defaultAction: Deny (a lake that allows by default "
            "lets every address in)",
        ),
        (
            {"dataLake": {"defaultAction": "Deny"}, "network": {"managedVirtualNetwork": False}},
            "synapse-dl:workspace.dataLake.defaultAction = 'Deny': Spark reaches such a lake "
            "only through a managed private endpoint, which needs "
            "synapse-dl:workspace.network.managedVirtualNetwork: true",
        ),
        (
            {"dataLake": {"defaultAction": "Deny", "allowedIpRanges": ["10.1.2.0/24"]}},
            "synapse-dl:workspace.dataLake.allowedIpRanges[0] = '10.1.2.0/24': a private range "
            "(RFC 1918): IP rules let in public addresses only",
        ),
        (
            {"dataLake": {"defaultAction": "Deny", "allowedIpRanges": ["198.51.100.6/31"]}},
            "synapse-dl:workspace.dataLake.allowedIpRanges[0] = '198.51.100.6/31': a /31 or /32 "
            "range is not taken: write its addresses, each a rule of its own",
        ),
        (
            {"dataLake": {"defaultAction": "Deny", "allowedIpRanges": ["my-laptop"]}},
            "synapse-dl:workspace.dataLake.allowedIpRanges[0] = 'my-laptop': not an IPv4 "
            "address or range in CIDR form (allowed: a.b.c.d or a.b.c.d/n)",
        ),
        (
            {"dataLake": {"defaultAction": "Block"}},
            "synapse-dl:workspace.dataLake.defaultAction = 'Block'",
        ),
    ],
)
def test_a_lake_setting_that_would_leave_it_unreachable_or_open_is_named(
    dev_config, change, problem
):
    workspace = dev_config["workspace"]
    for key, values in change.items():
        workspace.setdefault(key, {}).update(values)

    with pytest.raises(ConfigError) as caught:
        parse_stack_config(dev_config)

    [found] = caught.value.problems
    assert found.startswith(problem), found
