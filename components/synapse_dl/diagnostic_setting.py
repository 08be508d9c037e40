"""A diagnostic setting sending a resource's logs to Log Analytics: the audit trail the
workspace and each pool get when the stack asks for diagnostics."""

import pulumi
from pulumi_azure_native import monitor

from synapse_dl.facts import diagnostics


def diagnostic_setting(
    resource_name: str,
    *,
    resource_uri: pulumi.Input[str],
    log_analytics_workspace_id: pulumi.Input[str],
    categories: tuple[str, ...],
    parent: pulumi.Resource,
) -> monitor.DiagnosticSetting:
    return monitor.DiagnosticSetting(
        resource_name,
        name=diagnostics.SETTING_NAME,
        resource_uri=resource_uri,
        workspace_id=log_analytics_workspace_id,
        logs=[
            monitor.DiagnosticsLogSettingsArgs(category=category, enabled=True)
            for category in categories
        ],
        opts=pulumi.ResourceOptions(parent=parent),
    )
