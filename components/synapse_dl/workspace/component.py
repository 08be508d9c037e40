"""SynapseWorkspace: a Synapse workspace, its ADLS Gen2 data lake, identity, role and firewall.

No `from __future__ import annotations` here: the component provider reads the outputs'
annotations as types, and their docstrings from this source, to build the package schema.
"""

import uuid

import pulumi
from pulumi_azure_native import (
    authorization,
    operationalinsights,
    storage,
    synapse,
)

from synapse_dl.component_base import (
    options_with_alias,
    register_annotated_outputs,
    type_token,
)
from synapse_dl.config.component_args import workspace_settings
from synapse_dl.config.stack import CustomerManagedKeyConfig, WorkspaceSettings
from synapse_dl.diagnostic_setting import diagnostic_setting
from synapse_dl.facts import azure_rules, diagnostics, synapse_rbac
from synapse_dl.providers.synapse_role_assignment import SynapseRoleAssignment
from synapse_dl.workspace import data_lake, network, synapse_workspace
from synapse_dl.workspace.args import SynapseWorkspaceArgs

# Built-in role "Storage Blob Data Contributor": the workspace identity needs it on the lake to
# launch Spark pools (docs "how-to-grant-workspace-managed-identity-permissions").
STORAGE_BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
# Fixed namespace so a role assignment's name is the same on every run of the same stack.
_ROLE_ASSIGNMENT_NAMESPACE = uuid.UUID("5f0b8f5e-3c56-4d52-9a52-6a2f3e4c8d21")
PREVIOUS_TYPE = "synapse-dl:workspace:SynapseWorkspace"


def _after(value: pulumi.Output[str], resources: list[pulumi.Resource]) -> pulumi.Output[str]:
    """`value`, carrying a dependency on `resources`: what uses it waits for them."""
    ids = [r.urn for r in resources]
    return pulumi.Output.all(value, *ids).apply(lambda known: known[0])


def role_assignment_name(scope_key: str, principal_key: str, role_id: str) -> str:
    """Deterministic GUID: re-running the stack targets the same assignment, never a duplicate."""
    return str(uuid.uuid5(_ROLE_ASSIGNMENT_NAMESPACE, f"{scope_key}|{principal_key}|{role_id}"))


def role_definition_id(resource_id: str, role_id: str) -> str:
    """A built-in role's ID in the subscription that holds `resource_id`."""
    subscription = azure_rules.subscription_of(resource_id)
    return (
        f"/subscriptions/{subscription}/providers/Microsoft.Authorization/roleDefinitions/{role_id}"
    )


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

    def __init__(
        self,
        name: str,
        args: SynapseWorkspaceArgs,
        opts: pulumi.ResourceOptions | None = None,
    ):
        # Checked before anything is registered.
        config = workspace_settings(name, args)
        super().__init__(
            type_token(SynapseWorkspace), name, None, options_with_alias(opts, PREVIOUS_TYPE)
        )
        child = pulumi.ResourceOptions(parent=self)
        tags = config.tags
        location = args["location"]
        self.resource_group_name = data_lake.resource_group(
            name,
            args["resource_group_name"],
            args.get("create_resource_group", True),
            location,
            tags,
            parent=self,
        )
        client_config = authorization.get_client_config_output(
            opts=pulumi.InvokeOutputOptions(parent=self)
        )
        lake = config.data_lake
        account, filesystem = data_lake.account_and_filesystem(
            name, config, self.resource_group_name, location, client_config, parent=self
        )

        workspace = synapse_workspace.workspace(
            name, config, account, filesystem, self.resource_group_name, location, parent=self
        )
        self.principal_id = synapse_workspace.principal_id(workspace)
        network.firewall_rules(
            name, config.network, workspace, self.resource_group_name, parent=self
        )

        # The role assignments' names start from the group and the lake they are in.
        lake_key = pulumi.Output.from_input(args["resource_group_name"]).apply(
            lambda group: f"{group}/{lake.account_name}"
        )
        # The workspace identity launches Spark pools on the lake.
        self._lake_contributor(
            f"{name}-datalake-blob-contributor",
            account,
            lake_key,
            principal_key=config.name,
            principal_id=self.principal_id,
            principal_type="ServicePrincipal",
        )
        # The deploying identity writes the jobs' files with its Entra token (LakeFile):
        # keys may be off, and a management role gives no data access.
        deployer_access = self._lake_contributor(
            f"{name}-datalake-deployer",
            account,
            lake_key,
            principal_key=client_config.object_id,
            principal_id=client_config.object_id,
            # A person (User) or a pipeline (ServicePrincipal): not known here, so not sent,
            # and ARM looks it up. A plain None would get the SDK's default, 'User', which ARM
            # refuses for a service principal (UnmatchedPrincipalType).
            principal_type=pulumi.Output.from_input(None),
        )

        if config.admins is not None:
            synapse.WorkspaceAadAdmin(
                f"{name}-sql-admin",
                workspace_name=workspace.name,
                resource_group_name=self.resource_group_name,
                administrator_type="ActiveDirectory",
                login=config.admins.group_name,
                sid=config.admins.group_object_id,
                # The group is in the tenant the deployment signs in to.
                tenant_id=client_config.tenant_id,
                opts=child,
            )
        if config.customer_managed_key is not None:
            self._activate_key(name, config.name, config.customer_managed_key, workspace, child)
        ways_in = network.private_access(
            name, config, workspace, account, self.resource_group_name, location, parent=self
        )
        # Data-plane calls (job definitions, packages, roles) and uploads to the lake wait, by
        # these outputs, for the way in: the private endpoints, the deployer's lake role.
        self.name = _after(workspace.name, ways_in.get("Dev", []))
        self._synapse_roles(name, config, client_config.object_id, child)
        self.log_analytics_workspace_id = self._diagnostics(name, config, workspace, location, tags)
        self.workspace_id = workspace.id
        self.location = pulumi.Output.from_input(location)
        self.dev_endpoint = workspace.connectivity_endpoints.apply(lambda e: e["dev"])
        self.sql_endpoint = workspace.connectivity_endpoints.apply(lambda e: e["sql"])
        self.data_lake_account_name = _after(
            account.name, [deployer_access, *ways_in.get("blob", [])]
        )
        self.filesystem = pulumi.Output.from_input(lake.filesystem)
        self.data_lake_url = account.name.apply(
            lambda account_name: azure_rules.data_lake_url(lake.filesystem, account_name)
        )
        register_annotated_outputs(self)

    def _lake_contributor(
        self,
        resource_name: str,
        account: storage.StorageAccount,
        lake_key: pulumi.Output[str],
        *,
        principal_key: pulumi.Input[str],
        principal_id: pulumi.Input[str],
        principal_type: pulumi.Input[str | None],
    ) -> authorization.RoleAssignment:
        """Storage Blob Data Contributor on the lake, named by `lake_key` (its group and name)
        and `principal_key`, so a re-run targets the same assignment, never a duplicate."""
        return authorization.RoleAssignment(
            resource_name,
            role_assignment_name=pulumi.Output.all(lake_key, principal_key).apply(
                lambda known: role_assignment_name(
                    known[0], known[1], STORAGE_BLOB_DATA_CONTRIBUTOR
                )
            ),
            principal_id=principal_id,
            principal_type=principal_type,
            # The lake's own subscription: no lookup, nothing to pass in.
            role_definition_id=account.id.apply(
                lambda account_id: role_definition_id(account_id, STORAGE_BLOB_DATA_CONTRIBUTOR)
            ),
            scope=account.id,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _activate_key(
        self,
        name: str,
        workspace_name: str,
        cmk: CustomerManagedKeyConfig,
        workspace: synapse.Workspace,
        child: pulumi.ResourceOptions,
    ) -> None:
        """Give the workspace's identity the key, then activate it: a workspace created with a
        customer-managed key waits, unusable, until its key is activated."""
        access = authorization.RoleAssignment(
            f"{name}-cmk-access",
            role_assignment_name=role_assignment_name(
                cmk.key_vault_id,
                workspace_name,
                azure_rules.KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER,
            ),
            principal_id=self.principal_id,
            principal_type="ServicePrincipal",
            role_definition_id=role_definition_id(
                cmk.key_vault_id, azure_rules.KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER
            ),
            scope=cmk.key_vault_id,
            opts=child,
        )
        synapse.Key(
            f"{name}-cmk-activation",
            key_name=synapse_workspace.WORKSPACE_KEY_NAME,
            workspace_name=workspace.name,
            resource_group_name=self.resource_group_name,
            is_active_cmk=True,
            key_vault_url=azure_rules.key_url(cmk.key_vault_id, cmk.key_name),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[access]),
        )

    def _synapse_roles(
        self,
        name: str,
        config: WorkspaceSettings,
        deployer_id: pulumi.Output[str],
        child: pulumi.ResourceOptions,
    ) -> None:
        """Synapse RBAC for the people the config names: the admins' group administers the
        workspace, job runners run jobs, and the deploying identity keeps what deploying needs
        (Synapse Artifact Publisher) once the admins take away the Synapse Administrator its
        creating the workspace gave it."""
        wanted: list[tuple[str, str, pulumi.Input[str], str | None]] = []
        if config.admins is not None:
            group = config.admins.group_object_id
            wanted.append(("admins", synapse_rbac.SYNAPSE_ADMINISTRATOR, group, "Group"))
        for runner in config.job_runners:
            role = synapse_rbac.SYNAPSE_COMPUTE_OPERATOR
            wanted.append((f"runner-{runner.object_id}", role, runner.object_id, runner.type))
        if wanted:
            # Whether a user or a service principal: the service tells.
            role = synapse_rbac.SYNAPSE_ARTIFACT_PUBLISHER
            wanted.append(("deployer", role, deployer_id, None))
        for key, role, principal_id, principal_type in wanted:
            SynapseRoleAssignment(
                f"{name}-synapse-role-{key}",
                workspace_name=self.name,
                role=role,
                principal_id=principal_id,
                principal_type=principal_type,
                opts=child,
            )

    def _diagnostics(
        self,
        name: str,
        config: WorkspaceSettings,
        workspace: synapse.Workspace,
        location: pulumi.Input[str],
        tags: dict[str, str],
    ) -> pulumi.Output[str]:
        """The workspace's diagnostic setting and where it sends logs ("" without one)."""
        wanted = config.diagnostics
        if wanted is None:
            return pulumi.Output.from_input("")
        target: pulumi.Input[str]
        if wanted.log_analytics_workspace_id:
            target = wanted.log_analytics_workspace_id
        else:
            target = operationalinsights.Workspace(
                f"{name}-logs",
                workspace_name=diagnostics.log_analytics_name(config.name),
                resource_group_name=self.resource_group_name,
                location=location,
                sku={"name": diagnostics.LOG_ANALYTICS_SKU},
                retention_in_days=wanted.retention_in_days,
                tags=tags,
                opts=pulumi.ResourceOptions(parent=self),
            ).id
        diagnostic_setting(
            f"{name}-diagnostics",
            resource_uri=workspace.id,
            log_analytics_workspace_id=target,
            categories=diagnostics.WORKSPACE_LOG_CATEGORIES,
            parent=self,
        )
        return pulumi.Output.from_input(target)
