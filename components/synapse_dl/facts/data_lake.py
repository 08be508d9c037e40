"""Locking the workspace's data lake (its ADLS Gen2 account) down without cutting Synapse off.

- Spark (and pipelines) run in the managed virtual network and reach the lake through an
  approved managed private endpoint to its `dfs`: no firewall rule is needed for them. The
  workspace makes that endpoint when `defaultDataLakeStorage.createManagedPrivateEndpoint` is
  set; it starts Pending, and is approved by the lake's owner, or by Synapse itself when whoever
  creates a Spark pool may approve it ("Connect to a secure Azure storage account from your
  Synapse workspace", learn.microsoft.com/azure/synapse-analytics/security/
  connect-to-a-secure-storage-account).
- Serverless and dedicated SQL do not run in that network: they reach the lake's public
  endpoint, let in by a resource-instance rule for the workspace (a user's identity) or by the
  trusted-services bypass (the workspace's identity), so the lake keeps public network access
  Enabled with a Deny default rather than Disabled ("Control storage account access for
  serverless SQL pool", learn.microsoft.com/azure/synapse-analytics/sql/
  develop-storage-files-storage-access-control: the rule's resource id written with
  `resourcegroups` in lower case; "Trusted access for resources registered in your Microsoft
  Entra tenant", learn.microsoft.com/azure/storage/common/
  storage-network-security-trusted-azure-services).
- IP rules take IPv4 addresses and ranges, not the private ranges of RFC 1918; a /31 or /32
  range is written as its addresses ("Create an IP network rule for Azure Storage",
  learn.microsoft.com/azure/storage/common/storage-network-security-ip-address-range).
- People and deploying machines in the private network reach the lake through private
  endpoints for `blob` and `dfs` (facts/private_link.py).
"""

from __future__ import annotations

import ipaddress

# The private ranges (RFC 1918) an IP rule may not name: they reach the lake over a network.
PRIVATE_RANGES = tuple(
    ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
)
# Azure's name for letting trusted services past the lake's network rules.
TRUSTED_SERVICES_BYPASS = "AzureServices"


def workspace_rule_resource_id(subscription_id: str, resource_group: str, workspace: str) -> str:
    """The workspace as a resource-instance rule names it."""
    return (
        f"/subscriptions/{subscription_id}/resourcegroups/{resource_group}"
        f"/providers/Microsoft.Synapse/workspaces/{workspace}"
    )


def ip_rule_problem(value: str) -> str | None:
    """Why Azure Storage would refuse `value` as an IP rule; None when it takes it."""
    try:
        network = ipaddress.IPv4Network(value)
    except ValueError:
        return "not an IPv4 address or range in CIDR form (allowed: a.b.c.d or a.b.c.d/n)"
    if "/" in value and network.prefixlen > 30:
        return "a /31 or /32 range is not taken: write its addresses, each a rule of its own"
    if any(network.overlaps(private) for private in PRIVATE_RANGES):
        return "a private range (RFC 1918): IP rules let in public addresses only"
    return None
