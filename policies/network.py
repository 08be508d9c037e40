"""Network policies: the workspace's IP firewall, its managed virtual network and
data-exfiltration protection, public network access, the tenants it may link to, and (stack
policies) no firewall rules on a private workspace and the private endpoints it needs.

The workspace policies mirror Azure Policy built-ins (their ids in metadata.py), so each can
be raised or disabled on its own.
"""

from __future__ import annotations

import ipaddress
import re
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from metadata import described
from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from resource_types import IP_FIREWALL_RULE, PRIVATE_ENDPOINT, WORKSPACE
from stack_resources import of_type
from synapse_facts import INTERNET_WIDE_ADDRESSES
from workspace_props import is_exfiltration_protected, workspace_check, workspace_name

_FIREWALL_RULE_ID = re.compile(r"/workspaces/([^/]+)/firewallRules/[^/]+\Z", re.IGNORECASE)


def firewall_rule_workspace(props: Mapping[str, Any]) -> str | None:
    """workspaceName in inputs; azure-native outputs carry the rule's ARM id instead."""
    arm_id = props.get("id")
    match = _FIREWALL_RULE_ID.search(arm_id) if isinstance(arm_id, str) else None
    return props.get("workspaceName") or (match.group(1) if match else None)


def _ipv4_range(props: Mapping[str, Any]) -> tuple[int, int] | None:
    """The rule's range as integers; None when not known yet (a preview) or not IPv4 text
    (ARM refuses that itself)."""
    start, end = props.get("startIpAddress"), props.get("endIpAddress")
    if not isinstance(start, str) or not isinstance(end, str):
        return None
    try:
        return int(ipaddress.IPv4Address(start)), int(ipaddress.IPv4Address(end))
    except ipaddress.AddressValueError:
        return None


def _union_size(ranges: list[tuple[int, int]]) -> int:
    """How many addresses the ranges admit together: overlaps and repeats counted once."""
    total, reach = 0, -1
    for start, end in sorted(ranges):
        if end > reach:
            total += end - max(start, reach + 1) + 1
            reach = end
    return total


def _check_firewall(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    # Internet-wide is a property of a workspace's rules together: sixteen /8 rules admit
    # 268 million addresses though none is wider than a /8.
    rules: dict[str, list[tuple[PolicyResource, tuple[int, int]]]] = defaultdict(list)
    for rule in of_type(args, IP_FIREWALL_RULE):
        if (span := _ipv4_range(rule.props)) is not None:
            workspace = str(firewall_rule_workspace(rule.props) or "")
            rules[workspace.lower()].append((rule, span))
    for of_workspace in rules.values():
        wide = False
        for rule, (start, end) in of_workspace:
            if (addresses := end - start + 1) > INTERNET_WIDE_ADDRESSES:
                wide = True
                report_violation(
                    f"Firewall rule '{_rule_name(rule)}' admits {addresses:,} addresses "
                    f"({rule.props['startIpAddress']}-{rule.props['endIpAddress']}), more than "
                    f"a /8, which opens the workspace to the internet. {_ADVICE}",
                    rule.urn,
                )
        together = _union_size([span for _, span in of_workspace])
        if not wide and together > INTERNET_WIDE_ADDRESSES:
            names = ", ".join(f"'{_rule_name(rule)}'" for rule, _ in of_workspace)
            report_violation(
                f"Firewall rules {names} of workspace "
                f"'{firewall_rule_workspace(of_workspace[0][0].props)}' together admit "
                f"{together:,} addresses (each address counted once), more than a /8, which "
                f"opens the workspace to the internet. {_ADVICE}",
                of_workspace[-1][0].urn,
            )


def _rule_name(rule: PolicyResource) -> str:
    return str(rule.props.get("ruleName") or rule.props.get("name") or rule.name)


_ADVICE = (
    "Allow only your clients' address ranges (for Azure services, the rule "
    "'AllowAllWindowsAzureIps' with 0.0.0.0-0.0.0.0); to open it on purpose, set this policy "
    "to advisory in the policy pack config."
)

no_internet_wide_firewall = StackValidationPolicy(
    name="no-internet-wide-firewall",
    **described("no-internet-wide-firewall"),
    description=(
        "A workspace's firewall rules, together, admit no more addresses than a /8 (the internet)."
    ),
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


def _check_firewall_rules_while_private(
    args: StackValidationArgs, report_violation: ReportViolation
) -> None:
    # ARM names compare without regard to case.
    private = {
        workspace_name(w.props, w.name).lower()
        for w in of_type(args, WORKSPACE)
        if w.props.get("publicNetworkAccess") == "Disabled"
    }
    for rule in of_type(args, IP_FIREWALL_RULE):
        ws = firewall_rule_workspace(rule.props)
        if ws is not None and ws.lower() in private:
            report_violation(
                f"Firewall rule '{_rule_name(rule)}' is on workspace '{ws}', whose public "
                "network access is disabled: the rule admits no one, and reads as if it did. "
                "Remove it, or enable public network access if clients must come that way.",
                rule.urn,
            )


no_firewall_rules_while_private = StackValidationPolicy(
    name="no-firewall-rules-while-private",
    **described("no-firewall-rules-while-private"),
    description="No IP firewall rules on a workspace whose public network access is disabled.",
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.LOW,
    validate=_check_firewall_rules_while_private,
)

# Without public access, people reach the workspace's Studio API (Dev) and SQL (Sql) only
# through private endpoints (docs how-to-connect-to-workspace-with-private-links).
_REQUIRED_GROUPS = ("Dev", "Sql")


def _endpoint_groups(args: StackValidationArgs) -> dict[str, set[str]]:
    """The sub-resources private endpoints connect to, by the lower-cased id of their target."""
    groups: dict[str, set[str]] = defaultdict(set)
    for endpoint in of_type(args, PRIVATE_ENDPOINT):
        for connection in endpoint.props.get("privateLinkServiceConnections") or []:
            target = str(connection.get("privateLinkServiceId") or "").lower()
            groups[target].update(connection.get("groupIds") or [])
    return groups


def _check_private_endpoints(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    groups = _endpoint_groups(args)
    for w in of_type(args, WORKSPACE):
        arm_id = w.props.get("id")
        if w.props.get("publicNetworkAccess") != "Disabled" or not isinstance(arm_id, str):
            continue
        missing = [g for g in _REQUIRED_GROUPS if g not in groups.get(arm_id.lower(), set())]
        if missing:
            report_violation(
                f"Workspace '{workspace_name(w.props, w.name)}' has public network access "
                f"disabled and no private endpoint for {' or '.join(missing)}, so no one can "
                "reach its Studio API or SQL. Add private endpoints for Dev and Sql "
                "(workspace.privateAccess in the stack file), or enable public network access.",
                w.urn,
            )


workspace_private_endpoints = StackValidationPolicy(
    name="workspace-private-endpoints",
    **described("workspace-private-endpoints"),
    description="A workspace without public network access has private endpoints for Dev and Sql.",
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    validate=_check_private_endpoints,
)

POLICIES = [
    no_internet_wide_firewall,
    workspace_managed_vnet,
    workspace_exfiltration_protection,
    workspace_public_network_disabled,
    workspace_linking_approved_tenants,
    no_firewall_rules_while_private,
    workspace_private_endpoints,
]
