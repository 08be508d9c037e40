"""The workspace's data lake: the resource group (when the component creates it), the ADLS Gen2
storage account with its network rules, blob soft delete, the workspace's filesystem and the
lock that keeps the account from being deleted."""

import pulumi
from pulumi_azure_native import authorization, resources, storage

from synapse_dl.config.models import WorkspaceSettings
from synapse_dl.facts.data_lake import TRUSTED_SERVICES_BYPASS, workspace_rule_resource_id
from synapse_dl.workspace.args import SynapseWorkspaceArgs


def resource_group(
    name: str, args: SynapseWorkspaceArgs, tags: dict[str, str], *, parent: pulumi.Resource
) -> pulumi.Output[str]:
    """The name of the group `args` names: created here unless create_resource_group is false."""
    if not args.get("create_resource_group", True):
        return pulumi.Output.from_input(args["resource_group_name"])
    group = resources.ResourceGroup(
        f"{name}-rg",
        resource_group_name=args["resource_group_name"],
        location=args["location"],
        tags=tags,
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return group.name


def account_and_filesystem(
    name: str,
    config: WorkspaceSettings,
    resource_group_name: pulumi.Output[str],
    location: pulumi.Input[str],
    client_config: pulumi.Output,
    *,
    parent: pulumi.Resource,
) -> tuple[storage.StorageAccount, storage.BlobContainer]:
    """The lake's storage account and the workspace's filesystem on it, with soft delete for
    blobs and containers and, unless the config turns it off, a CanNotDelete lock."""
    lake = config.data_lake
    child = pulumi.ResourceOptions(parent=parent)
    # The lake holds the data: `protect` stops Pulumi deleting it, the CanNotDelete lock below
    # stops everyone else (portal, CLI, another stack).
    lake_opts = pulumi.ResourceOptions(parent=parent, protect=lake.protect)
    account = storage.StorageAccount(
        f"{name}-datalake",
        account_name=lake.account_name,
        resource_group_name=resource_group_name,
        location=location,
        kind="StorageV2",
        sku={"name": lake.sku},
        is_hns_enabled=True,
        enable_https_traffic_only=True,
        minimum_tls_version="TLS1_2",
        allow_blob_public_access=False,
        allow_shared_key_access=lake.shared_key_access,
        network_rule_set=_network_rules(config, resource_group_name, client_config),
        tags=config.tags,
        opts=lake_opts,
    )
    retention = storage.DeleteRetentionPolicyArgs(
        enabled=True, days=lake.soft_delete_retention_days
    )
    storage.BlobServiceProperties(
        f"{name}-datalake-blob-service",
        account_name=account.name,
        resource_group_name=resource_group_name,
        blob_services_name="default",
        delete_retention_policy=retention,
        container_delete_retention_policy=retention,
        opts=child,
    )
    filesystem = storage.BlobContainer(
        f"{name}-filesystem",
        account_name=account.name,
        resource_group_name=resource_group_name,
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
    return account, filesystem


def _network_rules(
    config: WorkspaceSettings,
    resource_group_name: pulumi.Output[str],
    client_config: pulumi.Output,
) -> storage.NetworkRuleSetArgs | None:
    """Deny by default, letting in the workspace (its SQL pools come over the public
    endpoint), trusted Azure services and the ranges allowed; None: Azure's Allow."""
    if not config.lake_denies_by_default:
        return None
    workspace_rule_id = pulumi.Output.all(client_config.subscription_id, resource_group_name).apply(
        lambda values: workspace_rule_resource_id(values[0], values[1], config.name)
    )
    return storage.NetworkRuleSetArgs(
        default_action=storage.DefaultAction.DENY,
        bypass=TRUSTED_SERVICES_BYPASS,
        ip_rules=[
            storage.IPRuleArgs(i_p_address_or_range=ip, action=storage.Action.ALLOW)
            for ip in config.data_lake.allowed_ip_ranges
        ],
        resource_access_rules=[
            storage.ResourceAccessRuleArgs(
                tenant_id=client_config.tenant_id, resource_id=workspace_rule_id
            )
        ],
    )
