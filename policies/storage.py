"""Policies for the storage accounts of the stack, which in this project are the workspaces'
ADLS Gen2 data lakes: hardened, and (a stack policy) locked down with a private workspace."""

from __future__ import annotations

from collections.abc import Mapping

from metadata import described
from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from resource_types import STORAGE_ACCOUNT, WORKSPACE
from stack_resources import of_type
from workspace_props import workspace_name

# (property, required value, allowed values). TLS1_3 is newer than the floor, so it passes.
_HARDENING = (
    ("isHnsEnabled", "true", (True,)),
    ("enableHttpsTrafficOnly", "true", (True,)),
    ("minimumTlsVersion", '"TLS1_2"', ("TLS1_2", "TLS1_3")),
    ("allowBlobPublicAccess", "false", (False,)),
)


def _shown(value: object) -> str:
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return str(value).lower()
    return f'"{value}"' if isinstance(value, str) else str(value)


def _is_allowed(value: object, allowed: tuple[object, ...]) -> bool:
    # `is` for booleans: 1.0 == True, but a number is not a valid boolean setting.
    return any(value is a if isinstance(a, bool) else value == a for a in allowed)


def _check_data_lake(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != STORAGE_ACCOUNT:
        return
    failures = [
        f"{prop} must be {required} (is {_shown(args.props.get(prop))})"
        for prop, required, allowed in _HARDENING
        if not _is_allowed(args.props.get(prop), allowed)
    ]
    if failures:
        name = args.props.get("accountName") or args.name
        report_violation(
            f"Storage account '{name}' is not a hardened data lake: {'; '.join(failures)}.",
            args.urn,
        )


data_lake_hardening = ResourceValidationPolicy(
    name="data-lake-hardening",
    **described("data-lake-hardening"),
    description=(
        "Every storage account in the stack (here, the workspaces' data lakes) has a "
        "hierarchical namespace, HTTPS only, TLS 1.2 minimum and no public blob access."
    ),
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    validate=_check_data_lake,
)


def _lake_openings(lake: Mapping) -> list[str]:
    """What leaves a data lake open: its network rules' default, its account keys."""
    openings = []
    rules = lake.get("networkRuleSet") or {}
    if rules.get("defaultAction") != "Deny":
        openings.append(
            f"its network rules allow every address (defaultAction "
            f"{rules.get('defaultAction') or 'Allow'})"
        )
    if lake.get("allowSharedKeyAccess") is not False:
        openings.append("it takes account keys (allowSharedKeyAccess is not false)")
    return openings


def _check_lake_locked_with_workspace(
    args: StackValidationArgs, report_violation: ReportViolation
) -> None:
    lakes = {
        str(a.props.get("id")).lower(): a
        for a in of_type(args, STORAGE_ACCOUNT)
        if isinstance(a.props.get("id"), str)
    }
    for w in of_type(args, WORKSPACE):
        if w.props.get("publicNetworkAccess") != "Disabled":
            continue
        lake_id = str((w.props.get("defaultDataLakeStorage") or {}).get("resourceId") or "")
        lake = lakes.get(lake_id.lower())
        if lake is None:
            continue  # not in this stack (or not created yet): nothing to judge
        if openings := _lake_openings(lake.props):
            report_violation(
                f"Workspace '{workspace_name(w.props, w.name)}' has public network access "
                f"disabled, but its data lake does not: {'; '.join(openings)}. Set "
                "workspace.dataLake.defaultAction: Deny (the default when public access is "
                "off) and sharedKeyAccess: false.",
                lake.urn,
            )


data_lake_locked_with_workspace = StackValidationPolicy(
    name="data-lake-locked-with-workspace",
    **described("data-lake-locked-with-workspace"),
    description="A workspace without public network access has a data lake that denies by "
    "default and takes no account keys.",
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.MEDIUM,
    validate=_check_lake_locked_with_workspace,
)

POLICIES = [data_lake_hardening, data_lake_locked_with_workspace]
