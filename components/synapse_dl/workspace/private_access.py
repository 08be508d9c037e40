"""Private access to a workspace: private endpoints for its Dev, Sql and SqlOnDemand
sub-resources (and a private link hub for Synapse Studio), in a subnet given or created, each
with a zone group in the private DNS zone its names resolve in (given, as a hub network keeps
them, or created and linked to the endpoints' network); and for the data lake's blob and dfs
when its network rules deny by default. Part of SynapseWorkspace."""

import pulumi
from pulumi_azure_native import network, privatedns, synapse

from synapse_dl.config.models import PrivateAccessConfig
from synapse_dl.facts import private_link


class PrivateAccess:
    """What SynapseWorkspace registers, as its children, for `config`."""

    def __init__(
        self,
        name: str,
        config: PrivateAccessConfig,
        *,
        workspace_name: str,
        workspace_id: pulumi.Input[str],
        lake_id: pulumi.Input[str] | None,
        resource_group_name: pulumi.Input[str],
        location: pulumi.Input[str],
        tags: dict[str, str],
        parent: pulumi.Resource,
    ):
        self._name, self._workspace_name = name, workspace_name
        self._group, self._location, self._tags = resource_group_name, location, tags
        self._child = pulumi.ResourceOptions(parent=parent)
        # Each sub-resource's endpoint and zone group: what reaching it privately waits on.
        self.ways_in: dict[str, list[pulumi.Resource]] = {}
        subnet_id, network_id = self._subnet(config)
        given: dict[str, str] = {str(k): v for k, v in config.dns_zone_ids.items()}
        targets = [
            (group, workspace_id, zone) for group, zone in private_link.WORKSPACE_GROUPS.items()
        ]
        if lake_id is not None:
            # A lake that denies by default: people and deploying machines come in this way.
            targets += [(group, lake_id, zone) for group, zone in private_link.LAKE_GROUPS.items()]
        zones = {
            key: given.get(key) or self._zone(key, network_id)
            for key in sorted({zone for _, _, zone in targets})
        }
        for group, target_id, zone in targets:
            self._endpoint(group, target_id, subnet_id, zones[zone])
        if config.link_hub:
            hub = synapse.PrivateLinkHub(
                f"{name}-hub",
                private_link_hub_name=private_link.hub_name(workspace_name),
                resource_group_name=resource_group_name,
                location=location,
                tags=tags,
                opts=self._child,
            )
            group, zone = private_link.HUB_GROUP
            zone_id = given.get(zone) or self._zone(zone, network_id)
            self._endpoint(group, hub.id, subnet_id, zone_id)

    def _subnet(self, config: PrivateAccessConfig) -> tuple[pulumi.Input[str], pulumi.Input[str]]:
        """(the endpoints' subnet id, its virtual network's id)."""
        if config.subnet_id:
            return config.subnet_id, private_link.virtual_network_of(config.subnet_id)
        vnet = network.VirtualNetwork(
            f"{self._name}-vnet",
            virtual_network_name=f"vnet-{self._workspace_name}",
            resource_group_name=self._group,
            location=self._location,
            address_space={"address_prefixes": [config.address_prefix]},
            tags=self._tags,
            # The subnet is its own resource below: the network must not claim it back.
            opts=pulumi.ResourceOptions(parent=self._child.parent, ignore_changes=["subnets"]),
        )
        subnet = network.Subnet(
            f"{self._name}-subnet",
            subnet_name=private_link.SUBNET_NAME,
            virtual_network_name=vnet.name,
            resource_group_name=self._group,
            address_prefix=config.address_prefix,
            private_endpoint_network_policies="Disabled",
            opts=self._child,
        )
        return subnet.id, vnet.id

    def _zone(self, key: str, network_id: pulumi.Input[str]) -> pulumi.Output[str]:
        """A private DNS zone created and linked to the endpoints' network."""
        zone = privatedns.PrivateZone(
            f"{self._name}-dns-{key}",
            private_zone_name=private_link.DNS_ZONES[key],
            resource_group_name=self._group,
            location="global",
            tags=self._tags,
            opts=self._child,
        )
        privatedns.VirtualNetworkLink(
            f"{self._name}-dns-{key}-link",
            virtual_network_link_name=f"link-{self._workspace_name}",
            private_zone_name=zone.name,
            resource_group_name=self._group,
            location="global",
            virtual_network={"id": network_id},
            # Endpoints register through their zone groups, not by VM auto-registration.
            registration_enabled=False,
            tags=self._tags,
            opts=self._child,
        )
        return zone.id

    def _endpoint(
        self,
        group: str,
        target_id: pulumi.Input[str],
        subnet_id: pulumi.Input[str],
        zone_id: pulumi.Input[str],
    ) -> None:
        endpoint_name = f"pe-{self._workspace_name}-{group.lower()}"
        endpoint = network.PrivateEndpoint(
            f"{self._name}-pe-{group.lower()}",
            private_endpoint_name=endpoint_name,
            resource_group_name=self._group,
            location=self._location,
            subnet={"id": subnet_id},
            private_link_service_connections=[
                {"name": endpoint_name, "private_link_service_id": target_id, "group_ids": [group]}
            ],
            tags=self._tags,
            opts=self._child,
        )
        zone_group = network.PrivateDnsZoneGroup(
            f"{self._name}-pe-{group.lower()}-dns",
            private_dns_zone_group_name="default",
            private_endpoint_name=endpoint.name,
            resource_group_name=self._group,
            private_dns_zone_configs=[
                {"name": group.lower(), "private_dns_zone_id": zone_id},
            ],
            opts=self._child,
        )
        self.ways_in[group] = [endpoint, zone_group]
