"""Security policies: how people sign in to a workspace, whose key encrypts its data, and (a
stack policy) an audit trail: diagnostic settings on the workspace and each pool.

The workspace policies mirror Azure Policy built-ins (their ids in metadata.py), so each can
be raised or disabled on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from metadata import described
from pool_props import pool_name
from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from resource_types import BIG_DATA_POOL, DIAGNOSTIC_SETTING, WORKSPACE
from stack_resources import of_type
from workspace_props import workspace_check, workspace_name

workspace_entra_only_auth = ResourceValidationPolicy(
    name="workspace-entra-only-auth",
    **described("workspace-entra-only-auth"),
    description="Synapse workspaces accept only Microsoft Entra ID authentication.",
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.MEDIUM,
    validate=workspace_check(
        lambda p: p.get("azureADOnlyAuthentication") is True,
        "SQL logins are allowed. Set azureADOnlyAuthentication to true.",
    ),
)


def has_customer_managed_key(props: Mapping[str, Any]) -> bool:
    """encryption.cmk.key names a Key Vault key (workspace.json, CustomerManagedKeyDetails)."""
    key = ((props.get("encryption") or {}).get("cmk") or {}).get("key") or {}
    return bool(key.get("name") and key.get("keyVaultUrl"))


workspace_customer_managed_key = ResourceValidationPolicy(
    name="workspace-customer-managed-key",
    **described("workspace-customer-managed-key"),
    description="Synapse workspaces encrypt data at rest with a customer-managed key.",
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.MEDIUM,
    validate=workspace_check(
        has_customer_managed_key,
        "data at rest is encrypted with Microsoft-managed keys only. Give "
        "encryption.cmk.key (a Key Vault key's name and the vault's URL) when the workspace is "
        "created.",
    ),
)


# A diagnostic setting is an extension resource: its ARM id is the watched resource's id
# followed by this (its outputs do not carry resourceUri, a path parameter).
_DIAGNOSTIC_SETTINGS = "/providers/microsoft.insights/diagnosticsettings/"
_DESTINATIONS = ("workspaceId", "storageAccountId", "eventHubAuthorizationRuleId")


def _diagnosed(args: StackValidationArgs) -> set[str]:
    """Lower-cased ARM ids of the resources whose logs a diagnostic setting sends somewhere."""
    ids = set()
    for setting in of_type(args, DIAGNOSTIC_SETTING):
        if not any(setting.props.get(key) for key in _DESTINATIONS):
            continue
        target = setting.props.get("resourceUri")
        arm_id = str(setting.props.get("id") or "").lower()
        if not target and _DIAGNOSTIC_SETTINGS in arm_id:
            target = arm_id.split(_DIAGNOSTIC_SETTINGS)[0]
        if target:
            ids.add(str(target).lower())
    return ids


def _check_diagnostic_settings(
    args: StackValidationArgs, report_violation: ReportViolation
) -> None:
    diagnosed = _diagnosed(args)
    judged = [("Workspace", w, workspace_name(w.props, w.name)) for w in of_type(args, WORKSPACE)]
    judged += [("Spark pool", p, pool_name(p.props, p.name)) for p in of_type(args, BIG_DATA_POOL)]
    for kind, resource, name in judged:
        arm_id = resource.props.get("id")
        if not isinstance(arm_id, str):
            continue  # not created yet (its id is unknown): nothing can point at it
        if arm_id.lower() not in diagnosed:
            report_violation(
                f"{kind} '{name}' sends its logs nowhere: no diagnostic setting watches it, so "
                "there is no audit trail of who did what. Add one to a Log Analytics workspace "
                "(workspace.diagnostics in the stack file does it for the workspace and its "
                "pools).",
                resource.urn,
            )


diagnostic_settings = StackValidationPolicy(
    name="diagnostic-settings",
    **described("diagnostic-settings"),
    description="The workspace and each Spark pool send their logs to a diagnostic setting.",
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.MEDIUM,
    validate=_check_diagnostic_settings,
)

POLICIES = [
    workspace_entra_only_auth,
    workspace_customer_managed_key,
    diagnostic_settings,
]
