"""The plan as text (a resource tree like `pulumi preview`, in the order the engine would
create it, with key inputs) and as JSON."""

from __future__ import annotations

import heapq
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from synapse_dl.cli.plan_cost import money_span
from synapse_dl.cli.plan_diff import PlanDiff
from synapse_dl.cli.plan_findings import Finding
from synapse_dl.engine.analyzer import PolicyReport
from synapse_dl.engine.offline_runtime import Plan, PlannedResource
from synapse_dl.providers.registry import pulumi_type
from synapse_dl.providers.spark_job_definition import SparkJobDefinition

JOB_DEFINITION = pulumi_type(SparkJobDefinition)
_WIDTH = 100

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
        notes.append("(protect: true)")
    if resource.ignore_changes:
        notes.append(f"(ignoreChanges: {resource.ignore_changes})")
    if resource.dependencies:
        depends = ", ".join(sorted(names.get(u, u) for u in resource.dependencies))
        notes.append(f"(dependsOn: {depends})")
    return notes


def _last_option(args: Sequence[Any], option: str) -> str | None:
    """The value argparse keeps for `option` (the last given, `--x v` or `--x=v`)."""
    value = None
    for i, arg in enumerate(args):
        if arg == option and i + 1 < len(args):
            value = str(args[i + 1])
        elif isinstance(arg, str) and arg.startswith(option + "="):
            value = arg.partition("=")[2]
    return value


def _job_definition_lines(inputs: dict[str, Any]) -> list[str]:
    """A job definition in a few lines; the whole body is in the JSON."""
    job = inputs.get("jobProperties") or {}
    args = job.get("args") or []
    files = str((job.get("conf") or {}).get("spark.submit.pyFiles") or "")
    shared = len([f for f in files.split(",") if f])
    entry = str(job.get("file", "?")).rsplit("/", 1)[-1]
    return [
        f"pool: {inputs.get('targetBigDataPool')} (Spark {inputs.get('requiredSparkVersion')}), "
        f"launcher: {_last_option(args, '--launcher') or '?'}, "
        f"processes: {_last_option(args, '--num-proc') or '?'}",
        f"driver: {_short(job.get('driverCores'))} cores, {job.get('driverMemory')}; "
        f"executors: {_short(job.get('numExecutors'))} x {_short(job.get('executorCores'))} "
        f"cores, {job.get('executorMemory')}",
        f"entry: {entry}" + (f" (+{shared} pyFiles)" if shared else ""),
    ]


def _shown(key: str, value: Any) -> str:
    if key == "customLibraries" and isinstance(value, list):
        return f"{len(value)} workspace packages (each in the JSON)"
    return _short(value)


def _details(resource: PlannedResource) -> list[str]:
    if resource.type == JOB_DEFINITION:
        return _job_definition_lines(resource.inputs)
    return [
        f"{key}: {_shown(key, resource.inputs[key])}"
        for key in KEY_INPUTS.get(resource.type, ())
        if key in resource.inputs
    ]


def _wrapped(line: str) -> list[str]:
    """A long detail on lines of about _WIDTH; a URL or an id stays whole."""
    return textwrap.wrap(
        line, _WIDTH, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False
    ) or [line]


def dependency_order(resources: Sequence[PlannedResource]) -> list[PlannedResource]:
    """The resources in an order the engine could create them (each after its parent and what
    it depends on), ties by type and name."""
    by_urn = {r.urn: r for r in resources}
    waits_on = {
        r.urn: {u for u in [r.parent, *r.dependencies] if u in by_urn and u != r.urn}
        for r in resources
    }
    unblocks: dict[str, list[str]] = {}
    for urn, needs in waits_on.items():
        for need in needs:
            unblocks.setdefault(need, []).append(urn)
    ready = [(r.type, r.name, r.urn) for r in resources if not waits_on[r.urn]]
    heapq.heapify(ready)
    ordered: list[PlannedResource] = []
    while ready:
        urn = heapq.heappop(ready)[2]
        ordered.append(by_urn[urn])
        for later in unblocks.get(urn, []):
            waits_on[later].discard(urn)
            if not waits_on[later]:
                heapq.heappush(ready, (by_urn[later].type, by_urn[later].name, later))
    done = {r.urn for r in ordered}  # a cycle (the engine would refuse it): the rest by name
    return ordered + sorted((r for r in resources if r.urn not in done), key=lambda r: r.name)


def render_text(plan: Plan) -> str:
    names = {r.urn: r.name for r in plan.resources}
    children: dict[str, list[PlannedResource]] = {}
    for resource in dependency_order(plan.resources):
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
            for detail in _details(resource) + _options(resource, names):
                lines.extend(f"     {detail_prefix}    {part}" for part in _wrapped(detail))
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
        "standIns": plan.stand_ins,
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


def render_diff(diff: PlanDiff, findings: Sequence[Finding] = (), notes: Sequence[str] = ()) -> str:
    """What the plan does to the baseline's resources, each change with its inputs, then the
    findings (blocking first)."""
    lines = ["", f"Against {diff.base}: {diff.summary()}"]
    lines += [f"  ({note})" for note in notes]
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


def _range(values: Mapping[str, float] | None, currency: str | None) -> str:
    return "unknown" if values is None else money_span(values["min"], values["max"], currency)


def render_cost(cost: Mapping[str, Any]) -> str:
    """Each pool's size and price, the month's total and, against a baseline, its change."""
    lines = ["", f"Cost, at {cost['assumption']}; prices from {cost['source']}:"]
    currency = cost.get("currency")
    for pool in cost["pools"]:
        nodes, vcores = pool["nodes"], pool["vcores"]
        gpus = f", {pool['gpusPerNode']} GPU a node" if pool["gpusPerNode"] else ""
        pause = (
            f"auto-pause after {pool['autoPauseMinutes']:g} min"
            if pool["autoPauseMinutes"] is not None
            else "no auto-pause"
        )
        size = f"{pool['nodeSizeFamily']} {pool['nodeSize']}"
        cores = f" ({_span(vcores)} vCores{gpus})" if vcores else ""
        lines.append(f"  {pool['name']}: {size}, {_span(nodes)} nodes{cores}, {pause}")
        if pool["perActiveHour"] is None:
            lines.append(f"      {pool['unknownBecause']}")
        else:
            lines.append(
                f"      {_range(pool['perActiveHour'], pool['currency'])} an active hour; "
                f"{_range(pool['monthly'], pool['currency'])} a month"
            )
    lines.append(f"  total: {_range(cost['monthly'], currency)} a month")
    if "delta" in cost:
        delta = cost["delta"]
        change = (
            "unknown (a price is unknown)"
            if delta is None
            else money_span(delta["min"], delta["max"], currency, signed=True)
        )
        lines.append(f"  change against the baseline: {change} a month")
    return "\n".join(lines)


def _span(values: Mapping[str, float]) -> str:
    low, high = f"{values['min']:g}", f"{values['max']:g}"
    return low if low == high else f"{low}-{high}"
