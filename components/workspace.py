"""SynapseWorkspace: a Synapse workspace, its ADLS Gen2 data lake, identity, role and firewall."""

from __future__ import annotations

import uuid

import pulumi
import pulumi_random as random
from pulumi_azure_native import authorization, resources, storage, synapse

from .config.stack import WorkspaceConfig
from .facts import azure_rules

# Built-in role "Storage Blob Data Contributor": the workspace identity needs it on the lake to
# launch Spark pools (docs "how-to-grant-workspace-managed-identity-permissions").
STORAGE_BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
# Fixed namespace so a role assignment's name is the same on every run of the same stack.
_ROLE_ASSIGNMENT_NAMESPACE = uuid.UUID("5f0b8f5e-3c56-4d52-9a52-6a2f3e4c8d21")
# Azure's own name and range for "allow Azure services" (0.0.0.0-0.0.0.0).
ALLOW_AZURE_SERVICES_RULE = azure_rules.AZURE_SERVICES_RULE


def _principal_id(identity: synapse.outputs.ManagedIdentityResponse | None) -> str:
    if identity is None:
        raise ValueError("the workspace came back without its system-assigned identity")
    return identity.principal_id


def role_assignment_name(scope_key: str, principal_key: str, role_id: str) -> str:
    """Deterministic GUID: re-running the stack targets the same assignment, never a duplicate."""
    return str(uuid.uuid5(_ROLE_ASSIGNMENT_NAMESPACE, f"{scope_key}|{principal_key}|{role_id}"))


class SynapseWorkspace(pulumi.ComponentResource):
    """A workspace with a system-assigned identity on a hardened ADLS Gen2 data lake.

    Outputs: `name`, `resource_group_name`, `id`, `dev_endpoint`, `sql_endpoint`,
    `principal_id`, `data_lake_account_name`, `filesystem`, `data_lake_url` (abfss://).
    """

    def __init__(
        self,
        name: str,
        config: WorkspaceConfig,
        *,
        subscription_id: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ):
        super().__init__("synapse-dl:workspace:SynapseWorkspace", name, None, opts)
        self.config = config
        child = pulumi.ResourceOptions(parent=self)
        tags = config.tags

        if config.resource_group.create:
            group = resources.ResourceGroup(
                f"{name}-rg",
                resource_group_name=config.resource_group.name,
                location=config.location,
                tags=tags,
                opts=child,
            )
            self.resource_group_name: pulumi.Output[str] = group.name
        else:
            self.resource_group_name = pulumi.Output.from_input(config.resource_group.name)

        lake = config.data_lake
        # The lake holds the data: `protect` stops Pulumi deleting it, the CanNotDelete lock below
        # stops everyone else (portal, CLI, another stack).
        lake_opts = pulumi.ResourceOptions(parent=self, protect=lake.protect)
        account = storage.StorageAccount(
            f"{name}-datalake",
            account_name=lake.account_name,
            resource_group_name=self.resource_group_name,
            location=config.location,
            kind="StorageV2",
            sku={"name": lake.sku},
            is_hns_enabled=True,
            enable_https_traffic_only=True,
            minimum_tls_version="TLS1_2",
            allow_blob_public_access=False,
            tags=tags,
            opts=lake_opts,
        )
        retention = storage.DeleteRetentionPolicyArgs(
            enabled=True, days=lake.soft_delete_retention_days
        )
        storage.BlobServiceProperties(
            f"{name}-datalake-blob-service",
            account_name=account.name,
            resource_group_name=self.resource_group_name,
            blob_services_name="default",
            delete_retention_policy=retention,
            container_delete_retention_policy=retention,
            opts=child,
        )
        filesystem = storage.BlobContainer(
            f"{name}-filesystem",
            account_name=account.name,
            resource_group_name=self.resource_group_name,
            container_name=lake.filesystem,
            public_access=storage.PublicAccess.NONE,
            opts=lake_opts,
        )
        if lake.delete_lock:
            authorization.ManagementLockByScope(
                f"{name}-datalake-lock",
                scope=account.id,
                lock_name="synapse-dl-data-lake",
                level="CanNotDelete",
                notes="Holds the Synapse workspace's data: remove on purpose before deleting.",
                opts=child,
            )

        sql_password = random.RandomPassword(
            f"{name}-sql-admin-password",
            length=32,
            special=True,
            min_lower=1,
            min_upper=1,
            min_numeric=1,
            min_special=1,
            # Characters Synapse accepts in a SQL password.
            override_special="!#%*-_=+?",
            opts=child,
        )

        network = config.network
        workspace = synapse.Workspace(
            f"{name}-workspace",
            workspace_name=config.name,
            resource_group_name=self.resource_group_name,
            location=config.location,
            identity=synapse.ManagedIdentityArgs(type=synapse.ResourceIdentityType.SYSTEM_ASSIGNED),
            default_data_lake_storage=synapse.DataLakeStorageAccountDetailsArgs(
                account_url=account.primary_endpoints.apply(lambda e: e.dfs.rstrip("/")),
                filesystem=lake.filesystem,
                resource_id=account.id,
            ),
            managed_virtual_network="default" if network.managed_virtual_network else None,
            managed_virtual_network_settings=(
                synapse.ManagedVirtualNetworkSettingsArgs(
                    prevent_data_exfiltration=network.prevent_data_exfiltration,
                    allowed_aad_tenant_ids_for_linking=network.allowed_aad_tenant_ids_for_linking,
                )
                if network.managed_virtual_network
                else None
            ),
            public_network_access=network.public_network_access,
            azure_ad_only_authentication=config.identity.entra_only_authentication,
            sql_administrator_login=config.identity.sql_administrator_login,
            # Secret whatever the provider says, so it never shows in a plan or log.
            sql_administrator_login_password=sql_password.result.apply(pulumi.Output.secret),
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[filesystem]),
        )

        self.principal_id: pulumi.Output[str] = workspace.identity.apply(_principal_id)

        rules = [(r.name, r.start_ip_address, r.end_ip_address) for r in network.firewall_rules]
        if network.allow_azure_services:
            rules.append((ALLOW_AZURE_SERVICES_RULE, "0.0.0.0", "0.0.0.0"))
        for rule_name, start, end in rules:
            synapse.IpFirewallRule(
                f"{name}-fw-{rule_name}",
                rule_name=rule_name,
                workspace_name=workspace.name,
                resource_group_name=self.resource_group_name,
                start_ip_address=start,
                end_ip_address=end,
                opts=child,
            )

        authorization.RoleAssignment(
            f"{name}-datalake-blob-contributor",
            role_assignment_name=role_assignment_name(
                f"{config.resource_group.name}/{lake.account_name}",
                config.name,
                STORAGE_BLOB_DATA_CONTRIBUTOR,
            ),
            principal_id=self.principal_id,
            principal_type="ServicePrincipal",
            role_definition_id=pulumi.Output.concat(
                "/subscriptions/",
                subscription_id,
                "/providers/Microsoft.Authorization/roleDefinitions/",
                STORAGE_BLOB_DATA_CONTRIBUTOR,
            ),
            scope=account.id,
            opts=child,
        )

        self.name: pulumi.Output[str] = workspace.name
        self.id: pulumi.Output[str] = workspace.id
        self.location = config.location
        self.dev_endpoint = workspace.connectivity_endpoints.apply(lambda e: e["dev"])
        self.sql_endpoint = workspace.connectivity_endpoints.apply(lambda e: e["sql"])
        self.data_lake_account_name: pulumi.Output[str] = account.name
        self.filesystem = lake.filesystem
        self.data_lake_url = pulumi.Output.concat(
            "abfss://", lake.filesystem, "@", account.name, ".dfs.core.windows.net/"
        )
        # Every output the docstring (and the README) lists, as the engine records them.
        self.register_outputs(
            {
                "name": self.name,
                "resourceGroupName": self.resource_group_name,
                "id": self.id,
                "devEndpoint": self.dev_endpoint,
                "sqlEndpoint": self.sql_endpoint,
                "principalId": self.principal_id,
                "dataLakeAccountName": self.data_lake_account_name,
                "filesystem": self.filesystem,
                "dataLakeUrl": self.data_lake_url,
            }
        )
