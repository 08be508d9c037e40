"""The plan as text (a resource tree like `pulumi preview`, with key inputs) and as JSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from synapse_dl.cli.plan_diff import PlanDiff
from synapse_dl.cli.plan_findings import Finding
from synapse_dl.engine.analyzer import PolicyReport
from synapse_dl.engine.offline_runtime import Plan, PlannedResource

# Inputs worth showing per resource type; everything else is in the JSON.
KEY_INPUTS: dict[str, tuple[str, ...]] = {
    "azure-native:resources:ResourceGroup": ("resourceGroupName", "location"),
    "azure-native:storage:StorageAccount": (
        "accountName",
        "kind",
        "sku",
        "isHnsEnabled",
        "enableHttpsTrafficOnly",
        "minimumTlsVersion",
        "allowBlobPublicAccess",
        "allowSharedKeyAccess",
        "networkRuleSet",
    ),
    "azure-native:storage:BlobServiceProperties": ("deleteRetentionPolicy",),
    "azure-native:storage:BlobContainer": ("containerName", "publicAccess"),
    "azure-native:authorization:ManagementLockByScope": ("lockName", "level"),
    "random:index/randomPassword:RandomPassword": ("length",),
    "azure-native:synapse:Workspace": (
        "workspaceName",
        "location",
        "identity",
        "managedVirtualNetwork",
        "managedVirtualNetworkSettings",
        "publicNetworkAccess",
        "azureADOnlyAuthentication",
        "sqlAdministratorLogin",
        "sqlAdministratorLoginPassword",
    ),
    "azure-native:synapse:IpFirewallRule": ("ruleName", "startIpAddress", "endIpAddress"),
    "azure-native:authorization:RoleAssignment": (
        "roleAssignmentName",
        "roleDefinitionId",
        "principalType",
        "scope",
    ),
    "azure-native:synapse:BigDataPool": (
        "bigDataPoolName",
        "nodeSizeFamily",
        "nodeSize",
        "sparkVersion",
        "nodeCount",
        "autoScale",
        "autoPause",
        "dynamicExecutorAllocation",
        "sparkConfigProperties",
    ),
    "pulumi-python:dynamic/storage:LakeFile": ("container", "path", "source"),
    "pulumi-python:dynamic/synapse:SynapseRoleAssignment": ("role", "principalId", "scope"),
    "pulumi-python:dynamic/synapse:SparkJobDefinition": (
        "name",
        "targetBigDataPool",
        "requiredSparkVersion",
        "jobProperties",
    ),
    "pulumi-python:dynamic/synapse:PoolLibraries": (
        "bigDataPoolName",
        "libraryRequirements",
        "customLibraries",
        "poolFingerprint",
    ),
    "pulumi-python:dynamic/synapse:WorkspacePackage": ("name", "sha256", "source"),
    "azure-native:monitor:DiagnosticSetting": ("name", "workspaceId", "logs"),
    "azure-native:operationalinsights:Workspace": ("workspaceName", "sku", "retentionInDays"),
    "azure-native:network:PrivateEndpoint": (
        "privateEndpointName",
        "privateLinkServiceConnections",
    ),
    "azure-native:network:PrivateDnsZoneGroup": ("privateEndpointName", "privateDnsZoneConfigs"),
    "azure-native:network:VirtualNetwork": ("virtualNetworkName", "addressSpace"),
    "azure-native:network:Subnet": ("subnetName", "addressPrefix"),
    "azure-native:privatedns:PrivateZone": ("privateZoneName",),
    "azure-native:privatedns:VirtualNetworkLink": ("privateZoneName", "virtualNetwork"),
    "azure-native:synapse:PrivateLinkHub": ("privateLinkHubName",),
    "azure-native:synapse:Key": ("keyName", "isActiveCMK", "keyVaultUrl"),
    "azure-native:synapse:WorkspaceAadAdmin": ("administratorType", "login", "sid"),
}


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_short(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_short(v) for v in value) + "]"
    if isinstance(value, str):
        if "\n" in value:
            return " | ".join(line for line in value.splitlines() if line)
        return value
    if isinstance(value, bool):
        return str(value).lower()
    # The engine sends every number as a float; 3.0 reads better as 3.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _options(resource: PlannedResource, names: dict[str, str]) -> list[str]:
    notes = []
    if resource.protect:
        notes.append("protect: true")
    if resource.ignore_changes:
        notes.append(f"ignoreChanges: {resource.ignore_changes}")
    if resource.dependencies:
        notes.append(
            "dependsOn: " + ", ".join(sorted(names.get(u, u) for u in resource.dependencies))
        )
    return notes


def render_text(plan: Plan) -> str:
    names = {r.urn: r.name for r in plan.resources}
    children: dict[str, list[PlannedResource]] = {}
    for resource in sorted(plan.resources, key=lambda r: (r.type, r.name)):
        parent = resource.parent if resource.parent in names else ""
        children.setdefault(parent, []).append(resource)

    lines = [
        f"Offline plan of stack '{plan.stack}' (Pulumi mock runtime: nothing reaches Azure)",
        "",
        f"  +  pulumi:pulumi:Stack  {plan.project}-{plan.stack}",
    ]

    def walk(parent: str, prefix: str) -> None:
        items = children.get(parent, [])
        for i, resource in enumerate(items):
            last = i == len(items) - 1
            lines.append(f"  +  {prefix}{'└─' if last else '├─'} {resource.type}  {resource.name}")
            detail_prefix = prefix + ("   " if last else "│  ")
            for key in KEY_INPUTS.get(resource.type, ()):
                if key in resource.inputs:
                    lines.append(f"     {detail_prefix}    {key}: {_short(resource.inputs[key])}")
            for note in _options(resource, names):
                lines.append(f"     {detail_prefix}    ({note})")
            walk(resource.urn, detail_prefix)

    walk("", "")
    lines += ["", f"Resources: {len(plan.resources)} to create"]
    if plan.outputs:
        lines += ["", "Outputs:"]
        lines += [f"    {key}: {_short(value)}" for key, value in sorted(plan.outputs.items())]
    if plan.warnings:
        lines += ["", "Warnings:"]
        lines += [f"    warning: {message}" for message in plan.warnings]
    return "\n".join(lines)


def plan_json(plan: Plan) -> dict[str, Any]:
    return {
        "stack": plan.stack,
        "resources": [r.as_json() for r in plan.resources],
        "outputs": plan.outputs,
        "warnings": plan.warnings,
    }


def render_policy(report: PolicyReport) -> str:
    lines = ["", f"Policy pack {report.pack} {report.version}:"]
    if report.weakened:
        lines.append(f"  weakened by the policy config ({len(report.weakened)}):")
        lines += [
            f"    [{w['policy']}] {w['default']} in the pack, {w['configured']} here"
            for w in report.weakened
        ]
    grouped = report.by_level()
    if not grouped:
        lines.append("    no violations")
    for level, violations in grouped.items():
        lines.append(f"  {level} ({len(violations)}):")
        for v in violations:
            name = v["urn"].rpartition("::")[2]
            lines.append(f"    [{v['policy']}] {name}: {v['message']}")
    if report.has_mandatory:
        lines.append("Mandatory policy violations: this stack must not be deployed as it is.")
    return "\n".join(lines)


_MARKS = {"create": "+ ", "update": "~ ", "replace": "+-", "delete": "- "}


def render_diff(diff: PlanDiff, findings: Sequence[Finding] = ()) -> str:
    """What the plan does to the baseline's resources, each change with its inputs, then the
    findings (blocking first)."""
    lines = ["", f"Against {diff.base}: {diff.summary()}"]
    for change in diff.resources:
        if change.action == "same":
            continue
        why = f": {'; '.join(change.reasons)}" if change.reasons else ""
        unknown = "" if change.rules_known else " (rules for this type not known offline)"
        lines.append(
            f"  {_MARKS[change.action]} {change.type}  {change.name}  ({change.action}{why})"
            f"{unknown if change.action == 'update' else ''}"
        )
        for each in change.changes:
            lines.append(f"        {each.path}: {_short(each.old)} -> {_short(each.new)}")
    for finding in findings:
        level = "BLOCKING" if finding.blocking else "warning"
        lines.append(f"  {level}: {finding.message}")
    if any(f.blocking for f in findings):
        lines.append(
            "A blocking change: the deploy would stop halfway; this plan must not go as it is."
        )
    return "\n".join(lines)
