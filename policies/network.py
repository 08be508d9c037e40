"""Network policies: the workspace's IP firewall, its managed virtual network and
data-exfiltration protection, public network access, and the tenants it may link to.

The workspace policies mirror Azure Policy built-ins (their ids in metadata.py), so each can
be raised or disabled on its own.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any

from metadata import described
from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
)
from resource_types import IP_FIREWALL_RULE, WORKSPACE
from synapse_facts import INTERNET_WIDE_ADDRESSES
from workspace_props import is_exfiltration_protected, workspace_check, workspace_name

_FIREWALL_RULE_ID = re.compile(r"/workspaces/([^/]+)/firewallRules/[^/]+$", re.IGNORECASE)


def firewall_rule_workspace(props: Mapping[str, Any]) -> str | None:
    """workspaceName in inputs; azure-native outputs carry the rule's ARM id instead."""
    arm_id = props.get("id")
    match = _FIREWALL_RULE_ID.search(arm_id) if isinstance(arm_id, str) else None
    return props.get("workspaceName") or (match.group(1) if match else None)


def _check_firewall(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != IP_FIREWALL_RULE:
        return
    start, end = args.props.get("startIpAddress"), args.props.get("endIpAddress")
    try:
        addresses = int(ipaddress.IPv4Address(end)) - int(ipaddress.IPv4Address(start)) + 1
    except ipaddress.AddressValueError:
        return  # not an IPv4 range; ARM rejects it
    if addresses <= INTERNET_WIDE_ADDRESSES:
        return
    rule = args.props.get("ruleName") or args.name
    report_violation(
        f"Firewall rule '{rule}' admits {addresses:,} addresses ({start}-{end}), more than a /8, "
        "which opens the workspace to the internet. Allow only your clients' address ranges "
        "(for Azure services, the rule 'AllowAllWindowsAzureIps' with 0.0.0.0-0.0.0.0); to open "
        "it on purpose, set this policy to advisory in the policy pack config.",
        args.urn,
    )


no_internet_wide_firewall = ResourceValidationPolicy(
    name="no-internet-wide-firewall",
    **described("no-internet-wide-firewall"),
    description="No workspace firewall rule admits more addresses than a /8 (the internet).",
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.CRITICAL,
    validate=_check_firewall,
)

workspace_managed_vnet = ResourceValidationPolicy(
    name="workspace-managed-vnet",
    **described("workspace-managed-vnet"),
    description="Synapse workspaces use a managed virtual network.",
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.HIGH,
    validate=workspace_check(
        lambda p: p.get("managedVirtualNetwork") == "default",
        'the managed virtual network is off. Set managedVirtualNetwork to "default" (only '
        "possible when the workspace is created).",
    ),
)

workspace_exfiltration_protection = ResourceValidationPolicy(
    name="workspace-exfiltration-protection",
    **described("workspace-exfiltration-protection"),
    description="Synapse workspaces have data-exfiltration protection on.",
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.HIGH,
    validate=workspace_check(
        is_exfiltration_protected,
        "data-exfiltration protection is off. Set "
        "managedVirtualNetworkSettings.preventDataExfiltration to true.",
    ),
)

workspace_public_network_disabled = ResourceValidationPolicy(
    name="workspace-public-network-disabled",
    **described("workspace-public-network-disabled"),
    description="Synapse workspaces are not reachable from public networks.",
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.HIGH,
    validate=workspace_check(
        lambda p: p.get("publicNetworkAccess") == "Disabled",
        'public network access is on. Set publicNetworkAccess to "Disabled" and reach the '
        "workspace through private endpoints.",
    ),
)


def _check_linking_tenants(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != WORKSPACE:
        return
    approved = {t.lower() for t in (args.get_config() or {}).get("approvedTenantIds", [])}
    settings = args.props.get("managedVirtualNetworkSettings") or {}
    outside = [
        t for t in settings.get("allowedAadTenantIdsForLinking") or [] if t.lower() not in approved
    ]
    if outside:
        report_violation(
            f"Workspace '{workspace_name(args.props, args.name)}' may link to tenants outside "
            f"the approved list: {', '.join(outside)}. Remove them from "
            "managedVirtualNetworkSettings.allowedAadTenantIdsForLinking, or add them to "
            "approvedTenantIds in this policy's config.",
            args.urn,
        )


workspace_linking_approved_tenants = ResourceValidationPolicy(
    name="workspace-linking-approved-tenants",
    **described("workspace-linking-approved-tenants"),
    description="Synapse workspaces link (managed private endpoints) only to approved tenants.",
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    config_schema=PolicyConfigSchema(
        properties={
            "approvedTenantIds": {
                "type": "array",
                "items": {"type": "string", "minLength": 1},
                "default": [],
            }
        }
    ),
    validate=_check_linking_tenants,
)

POLICIES = [
    no_internet_wide_firewall,
    workspace_managed_vnet,
    workspace_exfiltration_protection,
    workspace_public_network_disabled,
    workspace_linking_approved_tenants,
]
