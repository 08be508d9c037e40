"""Private access to a Synapse workspace: the sub-resources a private endpoint connects to, and
the private DNS zone each one's names resolve in.

Group ids: "Connect to your Azure Synapse workspace using private links" (Sql, SqlOnDemand,
Dev on a workspace; Web on a private link hub for Synapse Studio), learn.microsoft.com/azure/
synapse-analytics/security/how-to-connect-to-workspace-with-private-links. Zones: "Azure
Private Endpoint private DNS zone values", learn.microsoft.com/azure/private-link/
private-endpoint-dns (Azure Synapse Analytics: Sql and SqlOnDemand in
privatelink.sql.azuresynapse.net, Dev in privatelink.dev.azuresynapse.net; private link hubs:
Web in privatelink.azuresynapse.net; Storage - Blob and Data Lake Storage Gen2: blob in
privatelink.blob.core.windows.net, dfs in privatelink.dfs.core.windows.net).
"""

from __future__ import annotations

# The zones, by the key the stack config names them with.
DNS_ZONES = {
    "dev": "privatelink.dev.azuresynapse.net",
    "sql": "privatelink.sql.azuresynapse.net",
    "web": "privatelink.azuresynapse.net",
    "blob": "privatelink.blob.core.windows.net",
    "dfs": "privatelink.dfs.core.windows.net",
}
# A workspace's sub-resources and the zone key of each.
WORKSPACE_GROUPS = {"Dev": "dev", "Sql": "sql", "SqlOnDemand": "sql"}
# The data lake's sub-resources (its storage account's), when its network rules deny.
LAKE_GROUPS = {"blob": "blob", "dfs": "dfs"}
# A private link hub's one sub-resource (Synapse Studio).
HUB_GROUP = ("Web", "web")

SUBNET_ID = (
    r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/"
    r"virtualNetworks/[^/]+/subnets/[^/]+$"
)
PRIVATE_DNS_ZONE_ID = (
    r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/"
    r"privateDnsZones/[^/]+$"
)
SUBNET_NAME = "snet-private-endpoints"


def virtual_network_of(subnet_id: str) -> str:
    return subnet_id.rsplit("/subnets/", 1)[0]


def hub_name(workspace_name: str) -> str:
    """A private link hub's name: letters and digits only."""
    return "plh" + "".join(c for c in workspace_name if c.isalnum())[:57]
