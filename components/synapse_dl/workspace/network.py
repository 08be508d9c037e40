"""How the workspace is reached: its firewall rules, and private access (private endpoints and
their DNS, private_access.py) when the config asks for it."""

import pulumi
from pulumi_azure_native import storage, synapse

from synapse_dl.config.models import NetworkConfig, WorkspaceSettings
from synapse_dl.facts import azure_rules
from synapse_dl.workspace.private_access import PrivateAccess

# Azure's own name and range for "allow Azure services" (0.0.0.0-0.0.0.0).
ALLOW_AZURE_SERVICES_RULE = azure_rules.AZURE_SERVICES_RULE


def firewall_rules(
    name: str,
    network: NetworkConfig,
    workspace: synapse.Workspace,
    resource_group_name: pulumi.Output[str],
    *,
    parent: pulumi.Resource,
) -> None:
    """The ranges the config lets in, and Azure's rule for its services if it asks for it."""
    rules = [(r.name, r.start_ip_address, r.end_ip_address) for r in network.firewall_rules]
    if network.allow_azure_services:
        rules.append((ALLOW_AZURE_SERVICES_RULE, "0.0.0.0", "0.0.0.0"))
    for rule_name, start, end in rules:
        synapse.IpFirewallRule(
            f"{name}-fw-{rule_name}",
            rule_name=rule_name,
            workspace_name=workspace.name,
            resource_group_name=resource_group_name,
            start_ip_address=start,
            end_ip_address=end,
            opts=pulumi.ResourceOptions(parent=parent),
        )


def private_access(
    name: str,
    config: WorkspaceSettings,
    workspace: synapse.Workspace,
    account: storage.StorageAccount,
    resource_group_name: pulumi.Output[str],
    location: pulumi.Input[str],
    *,
    parent: pulumi.Resource,
) -> dict[str, list[pulumi.Resource]]:
    """Each sub-resource's private endpoint and zone group, by its group id (Dev, Sql, blob...):
    what reaching it privately waits on; empty without private access."""
    if config.private_access is None:
        return {}
    return PrivateAccess(
        name,
        config.private_access,
        workspace_name=config.name,
        workspace_id=workspace.id,
        lake_id=account.id if config.lake_denies_by_default else None,
        resource_group_name=resource_group_name,
        location=location,
        tags=config.tags,
        parent=parent,
    ).ways_in
