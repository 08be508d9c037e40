"""What a Synapse workspace and its Spark pools send to a diagnostic setting.

The log categories each resource type emits, from Azure Monitor's reference pages
"Supported logs for Microsoft.Synapse/workspaces" and ".../workspaces/bigDataPools"
(learn.microsoft.com/azure/azure-monitor/reference/supported-logs/, November 2026). A
category the resource does not emit is refused by ARM, so these are the exact names.
"""

from __future__ import annotations

WORKSPACE_LOG_CATEGORIES = (
    "BuiltinSqlReqsEnded",
    "GatewayApiRequests",
    "IntegrationActivityRuns",
    "IntegrationPipelineRuns",
    "IntegrationTriggerRuns",
    "SQLSecurityAuditEvents",
    "SynapseLinkEvent",
    "SynapseRbacOperations",
)
POOL_LOG_CATEGORIES = (
    "BigDataPoolAppEvents",
    "BigDataPoolAppsEnded",
    "BigDataPoolBlockManagerEvents",
    "BigDataPoolDriverLogs",
    "BigDataPoolEnvironmentEvents",
    "BigDataPoolExecutorEvents",
    "BigDataPoolExecutorLogs",
    "BigDataPoolJobEvents",
    "BigDataPoolSqlExecutionEvents",
    "BigDataPoolStageEvents",
    "BigDataPoolTaskEvents",
)
# The diagnostic setting's own name on each resource.
SETTING_NAME = "synapse-dl"
# Log Analytics' pay-as-you-go SKU, and the retention it allows (days).
LOG_ANALYTICS_SKU = "PerGB2018"
RETENTION_DAYS = (30, 730)
LOG_ANALYTICS_WORKSPACE_ID = (
    r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/"
    r"Microsoft\.OperationalInsights/workspaces/[^/]+$"
)


def log_analytics_name(workspace_name: str) -> str:
    """The Log Analytics workspace made for a Synapse workspace that names none."""
    return f"log-{workspace_name}"
