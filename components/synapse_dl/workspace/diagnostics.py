"""The workspace's audit trail: a diagnostic setting sending its logs to a Log Analytics
workspace, the one the config names or one created here."""

import pulumi
from pulumi_azure_native import operationalinsights, synapse

from synapse_dl.config.models import WorkspaceSettings
from synapse_dl.diagnostic_setting import diagnostic_setting
from synapse_dl.facts.diagnostics import (
    LOG_ANALYTICS_SKU,
    WORKSPACE_LOG_CATEGORIES,
    log_analytics_name,
)


def send_logs(
    name: str,
    config: WorkspaceSettings,
    workspace: synapse.Workspace,
    resource_group_name: pulumi.Output[str],
    location: pulumi.Input[str],
    *,
    parent: pulumi.Resource,
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
            workspace_name=log_analytics_name(config.name),
            resource_group_name=resource_group_name,
            location=location,
            sku={"name": LOG_ANALYTICS_SKU},
            retention_in_days=wanted.retention_in_days,
            tags=config.tags,
            opts=pulumi.ResourceOptions(parent=parent),
        ).id
    diagnostic_setting(
        f"{name}-diagnostics",
        resource_uri=workspace.id,
        log_analytics_workspace_id=target,
        categories=WORKSPACE_LOG_CATEGORIES,
        parent=parent,
    )
    return pulumi.Output.from_input(target)
