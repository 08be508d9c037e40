"""Reading a Synapse workspace's properties, whether they are inputs (Analyze) or outputs
(AnalyzeStack), and the check of one workspace setting that the network and security
policies share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs
from resource_types import WORKSPACE


def workspace_name(props: Mapping[str, Any], resource_name: str) -> str:
    """workspaceName in inputs; azure-native outputs carry it as name."""
    return props.get("workspaceName") or props.get("name") or resource_name


def is_exfiltration_protected(props: Mapping[str, Any]) -> bool:
    """Data-exfiltration protection is on (also used by the stack policy on PyPI installs)."""
    settings = props.get("managedVirtualNetworkSettings") or {}
    return settings.get("preventDataExfiltration") is True


def workspace_check(
    holds: Callable[[Mapping[str, Any]], bool], fix: str
) -> Callable[[ResourceValidationArgs, ReportViolation], None]:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if args.resource_type == WORKSPACE and not holds(args.props):
            report_violation(
                f"Workspace '{workspace_name(args.props, args.name)}': {fix}", args.urn
            )

    return validate
