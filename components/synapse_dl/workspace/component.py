"""SynapseWorkspace: a Synapse workspace, its ADLS Gen2 data lake, identity, role and firewall.

Its __init__ checks the Args, then takes the steps, a module each: data_lake, synapse_workspace,
network, identity, diagnostics. No `from __future__ import annotations` here: the component
provider reads the outputs' annotations as types, and their docstrings from this source, to
build the package schema.
"""

import pulumi
from pulumi_azure_native import authorization

from synapse_dl.component_base import (
    names_its_input,
    options_with_alias,
    register_annotated_outputs,
    type_token,
)
from synapse_dl.config.component_args import check_args_shape, workspace_settings
from synapse_dl.facts import azure_rules
from synapse_dl.workspace import data_lake, diagnostics, identity, network, synapse_workspace
from synapse_dl.workspace.args import SynapseWorkspaceArgs

PREVIOUS_TYPE = "synapse-dl:workspace:SynapseWorkspace"


def _after(value: pulumi.Output[str], resources: list[pulumi.Resource]) -> pulumi.Output[str]:
    """`value`, carrying a dependency on `resources`: what uses it waits for them."""
    ids = [r.urn for r in resources]
    return pulumi.Output.all(value, *ids).apply(lambda known: known[0])


class SynapseWorkspace(pulumi.ComponentResource):
    """A Synapse workspace with a system-assigned identity on a hardened ADLS Gen2 data lake."""

    name: pulumi.Output[str]
    """The workspace's name."""
    resource_group_name: pulumi.Output[str]
    """The resource group that holds the workspace and its lake."""
    location: pulumi.Output[str]
    """The workspace's Azure region."""
    workspace_id: pulumi.Output[str]
    """The workspace's ARM resource ID."""
    dev_endpoint: pulumi.Output[str]
    """The development endpoint (Spark jobs, Livy)."""
    sql_endpoint: pulumi.Output[str]
    """The serverless SQL endpoint."""
    principal_id: pulumi.Output[str]
    """The workspace's managed identity (its service principal's object ID)."""
    data_lake_account_name: pulumi.Output[str]
    """The data lake's storage account name."""
    filesystem: pulumi.Output[str]
    """The workspace's default filesystem on the lake."""
    data_lake_url: pulumi.Output[str]
    """The filesystem's root URL (abfss://<filesystem>@<account>.dfs.core.windows.net/)."""
    log_analytics_workspace_id: pulumi.Output[str]
    """Where the diagnostic settings send logs: give it to each SparkPool ("" without
    diagnostics)."""

    @names_its_input
    def __init__(
        self,
        name: str,
        args: SynapseWorkspaceArgs,
        opts: pulumi.ResourceOptions | None = None,
    ):
        # Checked before anything is registered.
        check_args_shape("SynapseWorkspace", name, args, SynapseWorkspaceArgs.__required_keys__)
        config = workspace_settings(name, args)
        super().__init__(
            type_token(SynapseWorkspace), name, None, options_with_alias(opts, PREVIOUS_TYPE)
        )
        location = args["location"]
        group = data_lake.resource_group(name, args, config.tags, parent=self)
        # Who deploys: their tenant, subscription and object id.
        client_config = authorization.get_client_config_output(
            opts=pulumi.InvokeOutputOptions(parent=self)
        )
        account, filesystem = data_lake.account_and_filesystem(
            name, config, group, location, client_config, parent=self
        )

        workspace = synapse_workspace.workspace(
            name, config, account, filesystem, group, location, parent=self
        )
        principal_id = synapse_workspace.principal_id(workspace)

        network.firewall_rules(name, config.network, workspace, group, parent=self)
        ways_in = network.private_access(
            name, config, workspace, account, group, location, parent=self
        )

        deployer = client_config.object_id
        deployer_access = identity.lake_roles(
            name, config, account, args["resource_group_name"], principal_id, deployer, parent=self
        )
        identity.sql_admin(
            name, config.admins, workspace, group, client_config.tenant_id, parent=self
        )
        identity.customer_managed_key(name, config, workspace, principal_id, group, parent=self)
        # Data-plane calls (job definitions, packages, roles) and uploads to the lake wait, by
        # these outputs, for the way in: the private endpoints, the deployer's lake role.
        self.name = _after(workspace.name, ways_in.get("Dev", []))
        self.data_lake_account_name = _after(
            account.name, [deployer_access, *ways_in.get("blob", [])]
        )
        identity.synapse_roles(name, config, self.name, deployer, parent=self)

        self.log_analytics_workspace_id = diagnostics.send_logs(
            name, config, workspace, group, location, parent=self
        )
        self.resource_group_name = group
        self.location = pulumi.Output.from_input(location)
        self.workspace_id = workspace.id
        self.principal_id = principal_id
        self.dev_endpoint = workspace.connectivity_endpoints.apply(lambda e: e["dev"])
        self.sql_endpoint = workspace.connectivity_endpoints.apply(lambda e: e["sql"])
        lake = config.data_lake
        self.filesystem = pulumi.Output.from_input(lake.filesystem)
        self.data_lake_url = account.name.apply(
            lambda account_name: azure_rules.data_lake_url(lake.filesystem, account_name)
        )
        register_annotated_outputs(self)
