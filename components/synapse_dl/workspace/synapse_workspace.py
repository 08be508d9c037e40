"""The Synapse workspace itself: its SQL administrator's generated password and the
synapse.Workspace on the lake, with its system-assigned identity, managed network and, given a
customer-managed key, its encryption settings."""

import pulumi
import pulumi_random as random
from pulumi_azure_native import storage, synapse

from synapse_dl.config.models import WorkspaceSettings
from synapse_dl.facts import azure_rules

# The workspace key's name in Synapse (its encryption.cmk.key.name and its keys/ resource).
WORKSPACE_KEY_NAME = "default"


def workspace(
    name: str,
    config: WorkspaceSettings,
    account: storage.StorageAccount,
    filesystem: storage.BlobContainer,
    resource_group_name: pulumi.Output[str],
    location: pulumi.Input[str],
    *,
    parent: pulumi.Resource,
) -> synapse.Workspace:
    """The workspace on `account`, made once its default `filesystem` exists."""
    sql_password = _sql_password(name, parent)
    network = config.network
    return synapse.Workspace(
        f"{name}-workspace",
        workspace_name=config.name,
        resource_group_name=resource_group_name,
        location=location,
        identity=synapse.ManagedIdentityArgs(type=synapse.ResourceIdentityType.SYSTEM_ASSIGNED),
        default_data_lake_storage=synapse.DataLakeStorageAccountDetailsArgs(
            account_url=account.primary_endpoints.apply(lambda e: e.dfs.rstrip("/")),
            filesystem=config.data_lake.filesystem,
            resource_id=account.id,
            # Spark's way into a lake that denies by default (facts/data_lake.py).
            create_managed_private_endpoint=config.lake_denies_by_default or None,
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
        encryption=_encryption(config),
        azure_ad_only_authentication=config.identity.entra_only_authentication,
        sql_administrator_login=config.identity.sql_administrator_login,
        # Secret whatever the provider says, so it never shows in a plan or log.
        sql_administrator_login_password=sql_password.result.apply(pulumi.Output.secret),
        tags=config.tags,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[filesystem]),
    )


def principal_id(workspace: synapse.Workspace) -> pulumi.Output[str]:
    """The workspace's managed identity: its service principal's object ID."""
    return workspace.identity.apply(_principal_id)


def _principal_id(identity: synapse.outputs.ManagedIdentityResponse | None) -> str:
    if identity is None:
        raise ValueError("the workspace came back without its system-assigned identity")
    return identity.principal_id


def _sql_password(name: str, parent: pulumi.Resource) -> random.RandomPassword:
    return random.RandomPassword(
        f"{name}-sql-admin-password",
        length=32,
        special=True,
        min_lower=1,
        min_upper=1,
        min_numeric=1,
        min_special=1,
        # Characters Synapse accepts in a SQL password.
        override_special="!#%*-_=+?",
        opts=pulumi.ResourceOptions(parent=parent),
    )


def _encryption(config: WorkspaceSettings) -> synapse.EncryptionDetailsArgs | None:
    cmk = config.customer_managed_key
    if cmk is None:
        return None
    return synapse.EncryptionDetailsArgs(
        cmk=synapse.CustomerManagedKeyDetailsArgs(
            key=synapse.WorkspaceKeyDetailsArgs(
                name=WORKSPACE_KEY_NAME,
                key_vault_url=azure_rules.key_url(cmk.key_vault_id, cmk.key_name),
            ),
            kek_identity=synapse.KekIdentityPropertiesArgs(use_system_assigned_identity=True),
        )
    )
