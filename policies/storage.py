"""Policy for the storage accounts of the stack, which in this project are the workspaces'
ADLS Gen2 data lakes."""

from __future__ import annotations

from metadata import described
from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
)
from resource_types import STORAGE_ACCOUNT

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

POLICIES = [data_lake_hardening]
