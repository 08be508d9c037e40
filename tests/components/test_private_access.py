"""Private access under the mock runtime: endpoints for Dev, Sql and SqlOnDemand (and the
private link hub's Web), each in the private DNS zone Microsoft's docs give it, in a subnet and
zones created and linked, or given."""

from __future__ import annotations

import pytest

from synapse_dl.config.errors import ConfigError
from synapse_dl.config.loading import parse_stack_config
from synapse_dl.engine.offline_runtime import Plan, plan_stack
from synapse_dl.facts.private_link import DNS_ZONES
from tests.conftest import ROOT

ENDPOINT = "azure-native:network:PrivateEndpoint"
ZONE_GROUP = "azure-native:network:PrivateDnsZoneGroup"
ZONE = "azure-native:privatedns:PrivateZone"
LINK = "azure-native:privatedns:VirtualNetworkLink"
NET = "/subscriptions/s/resourceGroups/rg-hub/providers/Microsoft.Network"
SUBNET = f"{NET}/virtualNetworks/vnet-hub/subnets/snet-pe"


@pytest.fixture(scope="module")
def cpu_plan() -> Plan:
    return plan_stack(ROOT / "Pulumi.cpu.yaml")


def _by_group(plan: Plan) -> dict[str, dict]:
    endpoints = {}
    for endpoint in plan.by_type(ENDPOINT):
        [connection] = endpoint.inputs["privateLinkServiceConnections"]
        [group] = connection["groupIds"]
        endpoints[group] = {"endpoint": endpoint, "target": connection["privateLinkServiceId"]}
    for zone_group in plan.by_type(ZONE_GROUP):
        endpoint_name = zone_group.inputs["privateEndpointName"]
        group = next(
            g for g, e in endpoints.items() if e["endpoint"].outputs["name"] == endpoint_name
        )
        [config] = zone_group.inputs["privateDnsZoneConfigs"]
        endpoints[group]["zone"] = config["privateDnsZoneId"]
        endpoints[group]["zone_config"] = config["name"]
    return endpoints


def test_the_cpu_workspace_gets_an_endpoint_per_sub_resource_in_its_zone(cpu_plan):
    workspace = cpu_plan.one("azure-native:synapse:Workspace", "synw-dl-cpu-001-workspace")
    hub = cpu_plan.one("azure-native:synapse:PrivateLinkHub", "synw-dl-cpu-001-hub")
    lake = cpu_plan.one("azure-native:storage:StorageAccount", "synw-dl-cpu-001-datalake")
    zones = {z.inputs["privateZoneName"]: z.outputs["id"] for z in cpu_plan.by_type(ZONE)}
    subnet = cpu_plan.one("azure-native:network:Subnet", "synw-dl-cpu-001-subnet")

    endpoints = _by_group(cpu_plan)

    # A hub's name takes letters and digits only.
    assert hub.inputs["privateLinkHubName"] == "plhsynwdlcpu001"
    assert {g: (e["target"], e["zone"]) for g, e in endpoints.items()} == {
        "Dev": (workspace.outputs["id"], zones["privatelink.dev.azuresynapse.net"]),
        "Sql": (workspace.outputs["id"], zones["privatelink.sql.azuresynapse.net"]),
        "SqlOnDemand": (workspace.outputs["id"], zones["privatelink.sql.azuresynapse.net"]),
        "Web": (hub.outputs["id"], zones["privatelink.azuresynapse.net"]),
        # The lake denies by default, as the workspace does: its way in for people.
        "blob": (lake.outputs["id"], zones["privatelink.blob.core.windows.net"]),
        "dfs": (lake.outputs["id"], zones["privatelink.dfs.core.windows.net"]),
    }
    assert {e["endpoint"].inputs["subnet"]["id"] for e in endpoints.values()} == {
        subnet.outputs["id"]
    }
    # Each zone group's one config, named after its sub-resource as endpoint names are.
    assert {g: e["zone_config"] for g, e in endpoints.items()} == {
        "Dev": "dev", "Sql": "sql", "SqlOnDemand": "sqlondemand", "Web": "web",
        "blob": "blob", "dfs": "dfs",
    }  # fmt: skip
    assert subnet.inputs["addressPrefix"] == "10.20.0.0/24"
    assert subnet.inputs["privateEndpointNetworkPolicies"] == "Disabled"


def test_created_zones_are_linked_to_the_endpoints_network_without_registration(cpu_plan):
    vnet = cpu_plan.one("azure-native:network:VirtualNetwork", "synw-dl-cpu-001-vnet")
    links = cpu_plan.by_type(LINK)

    assert sorted(link.inputs["privateZoneName"] for link in links) == sorted(DNS_ZONES.values())
    # Azure has private DNS zones, and their links, only in "global".
    assert {zone.inputs["location"] for zone in cpu_plan.by_type(ZONE)} == {"global"}
    for link in links:
        assert link.inputs["virtualNetwork"] == {"id": vnet.outputs["id"]}
        assert link.inputs["registrationEnabled"] is False
        assert link.inputs["location"] == "global"


def test_a_given_subnet_and_zones_are_used_as_they_are(dev_config, write_stack):
    dev_config["workspace"]["privateAccess"] = {
        "subnetId": SUBNET,
        "dnsZoneIds": {
            "dev": f"{NET}/privateDnsZones/privatelink.dev.azuresynapse.net",
            "sql": f"{NET}/privateDnsZones/privatelink.sql.azuresynapse.net",
        },
    }

    plan = plan_stack(write_stack(dev_config))

    assert plan.by_type("azure-native:network:VirtualNetwork") == []
    assert plan.by_type(ZONE) == [] and plan.by_type(LINK) == []
    endpoints = _by_group(plan)
    assert sorted(endpoints) == ["Dev", "Sql", "SqlOnDemand"]  # no hub asked for
    assert {e["endpoint"].inputs["subnet"]["id"] for e in endpoints.values()} == {SUBNET}
    assert (
        endpoints["SqlOnDemand"]["zone"]
        == f"{NET}/privateDnsZones/privatelink.sql.azuresynapse.net"
    )


def test_a_lake_that_denies_gets_endpoints_in_the_hubs_zones_and_one_that_allows_none(
    dev_config, write_stack
):
    blob_zone = f"{NET}/privateDnsZones/privatelink.blob.core.windows.net"
    dfs_zone = f"{NET}/privateDnsZones/privatelink.dfs.core.windows.net"
    dev_config["workspace"]["privateAccess"] = {
        "subnetId": SUBNET,
        "dnsZoneIds": {"blob": blob_zone, "dfs": dfs_zone},
    }
    dev_config["workspace"]["dataLake"]["defaultAction"] = "Deny"

    endpoints = _by_group(plan_stack(write_stack(dev_config)))

    assert (endpoints["blob"]["zone"], endpoints["dfs"]["zone"]) == (blob_zone, dfs_zone)
    assert endpoints["dfs"]["target"].endswith("/storageAccounts/stsynapsedldev001")

    dev_config["workspace"]["dataLake"]["defaultAction"] = "Allow"
    assert sorted(_by_group(plan_stack(write_stack(dev_config)))) == ["Dev", "Sql", "SqlOnDemand"]


def test_zones_made_for_a_given_subnet_are_linked_to_its_network(dev_config, write_stack):
    dev_config["workspace"]["privateAccess"] = {"subnetId": SUBNET}

    plan = plan_stack(write_stack(dev_config))

    links = plan.by_type(LINK)
    assert len(links) == 2  # dev and sql
    assert {link.inputs["virtualNetwork"]["id"] for link in links} == {
        f"{NET}/virtualNetworks/vnet-hub"
    }


def test_the_dev_stack_has_no_private_endpoints():
    assert plan_stack(ROOT / "Pulumi.dev.yaml").by_type(ENDPOINT) == []


@pytest.mark.parametrize(
    ("access", "problem"),
    [
        ({"addressPrefix": "10.20.0.0/29"},
         "workspace.privateAccess.addressPrefix = '10.20.0.0/29': a /28 or larger"),
        ({"addressPrefix": "10.20.0.300/24"},
         "workspace.privateAccess.addressPrefix = '10.20.0.300/24': not an IPv4"),
        ({"subnetId": f"{NET}/virtualNetworks/vnet-hub"},
         "workspace.privateAccess.subnetId = "),
        ({"dnsZoneIds": {"dev": f"{NET}/privateDnsZones/privatelink.sql.azuresynapse.net"}},
         "workspace.privateAccess.dnsZoneIds.dev = '/subscriptions/s/resourceGroups/rg-hub/"
         "providers/Microsoft.Network/privateDnsZones/privatelink.sql.azuresynapse.net': must be "
         "the ARM id of a private DNS zone named privatelink.dev.azuresynapse.net"),
        ({"dnsZoneIds": {"queue": f"{NET}/privateDnsZones/privatelink.queue.core.windows.net"}},
         "workspace.privateAccess.dnsZoneIds.queue"),
        ({"dnsZoneIds": {"dfs": f"{NET}/privateDnsZones/privatelink.blob.core.windows.net"}},
         "workspace.privateAccess.dnsZoneIds.dfs = '/subscriptions/s/resourceGroups/rg-hub/"
         "providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net': must "
         "be the ARM id of a private DNS zone named privatelink.dfs.core.windows.net"),
    ],
)  # fmt: skip
def test_private_access_settings_are_checked(dev_config, access, problem):
    dev_config["workspace"]["privateAccess"] = access

    with pytest.raises(ConfigError) as caught:
        parse_stack_config(dev_config)

    [found] = caught.value.problems
    assert found.startswith(f"synapse-dl:{problem}"), found


def test_what_private_access_creates_is_the_workspaces_with_its_tags(cpu_plan):
    workspace = cpu_plan.one("azure-native:synapse:Workspace", "synw-dl-cpu-001-workspace")
    vnet = cpu_plan.one("azure-native:network:VirtualNetwork", "synw-dl-cpu-001-vnet")
    created = [vnet, cpu_plan.one("azure-native:network:Subnet", "synw-dl-cpu-001-subnet")]
    created += [r for t in (ZONE, LINK, ENDPOINT, ZONE_GROUP) for r in cpu_plan.by_type(t)]

    # Children of the workspace component, as the workspace itself is.
    assert {r.parent for r in created} == {workspace.parent}
    # Subnets and zone groups take no tags; everything else carries the workspace's.
    tagged = [r for r in created if r.type not in ("azure-native:network:Subnet", ZONE_GROUP)]
    assert {r.type for r in tagged} == {vnet.type, ZONE, LINK, ENDPOINT}
    assert all(r.inputs["tags"] == workspace.inputs["tags"] for r in tagged)
    assert vnet.inputs["virtualNetworkName"] == f"vnet-{workspace.inputs['workspaceName']}"
    # The subnet is a resource of its own: the network must not take it back on update.
    assert vnet.ignore_changes == ["subnets"]
