"""Policies for Synapse workspaces and their IP firewall.

The workspace policies mirror Azure Policy built-ins (their ids in metadata.py), so each can
be raised or disabled on its own.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping
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


def workspace_name(props: Mapping[str, Any], resource_name: str) -> str:
    """workspaceName in inputs; azure-native outputs carry it as name."""
    return props.get("workspaceName") or props.get("name") or resource_name


def _workspace_check(
    holds: Callable[[Mapping[str, Any]], bool], fix: str
) -> Callable[[ResourceValidationArgs, ReportViolation], None]:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if args.resource_type == WORKSPACE and not holds(args.props):
            report_violation(
                f"Workspace '{workspace_name(args.props, args.name)}': {fix}", args.urn
            )

    return validate


_FIREWALL_RULE_ID = re.compile(r"/workspaces/([^/]+)/firewallRules/[^/]+$", re.IGNORECASE)


def firewall_rule_workspace(props: Mapping[str, Any]) -> str | None:
    """workspaceName in inputs; azure-native outputs carry the rule's ARM id instead."""
    arm_id = props.get("id")
    match = _FIREWALL_RULE_ID.search(arm_id) if isinstance(arm_id, str) else None
    return props.get("workspaceName") or (match.group(1) if match else None)


def is_exfiltration_protected(props: Mapping[str, Any]) -> bool:
    """Data-exfiltration protection is on (also used by the stack policy on PyPI installs)."""
    settings = props.get("managedVirtualNetworkSettings") or {}
    return settings.get("preventDataExfiltration") is True


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
    validate=_workspace_check(
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
    validate=_workspace_check(
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
    validate=_workspace_check(
        lambda p: p.get("publicNetworkAccess") == "Disabled",
        'public network access is on. Set publicNetworkAccess to "Disabled" and reach the '
        "workspace through private endpoints.",
    ),
)

workspace_entra_only_auth = ResourceValidationPolicy(
    name="workspace-entra-only-auth",
    **described("workspace-entra-only-auth"),
    description="Synapse workspaces accept only Microsoft Entra ID authentication.",
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.MEDIUM,
    validate=_workspace_check(
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
    validate=_workspace_check(
        has_customer_managed_key,
        "data at rest is encrypted with Microsoft-managed keys only. Give "
        "encryption.cmk.key (a Key Vault key's name and the vault's URL) when the workspace is "
        "created.",
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
    workspace_entra_only_auth,
    workspace_customer_managed_key,
    workspace_linking_approved_tenants,
]
