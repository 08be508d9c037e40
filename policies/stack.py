"""Stack policies: judgements that need several resources of the stack at once (AnalyzeStack,
on outputs)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from library_requirements import library_specs
from metadata import described
from network import firewall_rule_workspace
from pool_props import is_gpu_pool, max_nodes, node_count_key, pool_name
from pool_props import workspace_name as pool_workspace
from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from resource_types import (
    BIG_DATA_POOL,
    DIAGNOSTIC_SETTING,
    IP_FIREWALL_RULE,
    POOL_LIBRARIES,
    PRIVATE_ENDPOINT,
    SPARK_JOB_DEFINITION,
    STORAGE_ACCOUNT,
    WORKSPACE,
)
from synapse_facts import DEFAULT_GPU_VCORE_QUOTA, GPU_NODE_VCORES, LAUNCHERS
from workspace_props import is_exfiltration_protected, workspace_name


def _of_type(args: StackValidationArgs, resource_type: str) -> list[PolicyResource]:
    return [r for r in args.resources if r.resource_type == resource_type]


def _workspace_urn(args: StackValidationArgs, name: str) -> str | None:
    return next(
        (w.urn for w in _of_type(args, WORKSPACE) if workspace_name(w.props, w.name) == name), None
    )


def _check_gpu_quota(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    quota = int((args.get_config() or {}).get("gpuVcoreQuota", DEFAULT_GPU_VCORE_QUOTA))
    # workspace -> [(pool resource, nodes, vCores per node)]
    gpu_pools: dict[str, list[tuple[PolicyResource, int, int]]] = defaultdict(list)
    for pool in _of_type(args, BIG_DATA_POOL):
        vcores = GPU_NODE_VCORES.get(str(pool.props.get("nodeSize")))
        nodes = max_nodes(pool.props)
        if is_gpu_pool(pool.props) and vcores is not None and nodes is not None:
            gpu_pools[pool_workspace(pool.props) or "?"].append((pool, nodes, vcores))
    for ws, pools in gpu_pools.items():
        total = sum(nodes * vcores for _, nodes, vcores in pools)
        if total <= quota:
            continue
        parts = ", ".join(
            f"{pool_name(p.props, p.name)}: {nodes} x {vcores} ({node_count_key(p.props)})"
            for p, nodes, vcores in pools
        )
        report_violation(
            f"Workspace '{ws}' GPU pools can scale to {total} GPU vCores ({parts}), above the "
            f"quota of {quota}. Lower the node counts named beside each pool, or get a higher "
            "quota and set gpuVcoreQuota in this policy's config.",
            _workspace_urn(args, ws) or pools[0][0].urn,
        )


def _check_exfiltration_vs_pypi(
    args: StackValidationArgs, report_violation: ReportViolation
) -> None:
    protected = {
        workspace_name(w.props, w.name)
        for w in _of_type(args, WORKSPACE)
        if is_exfiltration_protected(w.props)
    }
    if not protected:
        return
    # Pools get libraries through PoolLibraries (this project) or their own libraryRequirements.
    for r in _of_type(args, BIG_DATA_POOL) + _of_type(args, POOL_LIBRARIES):
        ws = pool_workspace(r.props)
        specs = library_specs(r.props.get("libraryRequirements"))
        if ws not in protected or not specs:
            continue
        report_violation(
            f"Pool '{pool_name(r.props, r.name)}' installs libraries from public repositories "
            f"({', '.join(s.spec for s in specs)}), but workspace '{ws}' has data-exfiltration "
            "protection, which blocks PyPI and conda. Upload them as workspace packages, or "
            "turn off managedVirtualNetworkSettings.preventDataExfiltration.",
            r.urn,
        )


def _target_pool(job: PolicyResource) -> str | None:
    target = job.props.get("targetBigDataPool")
    # A pool name, or the data plane's {"type": "BigDataPoolReference", "referenceName": ...}.
    return target.get("referenceName") if isinstance(target, Mapping) else target


def _check_jobs_target_pools(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    pools: dict[tuple[str | None, str], PolicyResource] = {
        (pool_workspace(p.props), pool_name(p.props, p.name)): p
        for p in _of_type(args, BIG_DATA_POOL)
    }
    for job in _of_type(args, SPARK_JOB_DEFINITION):
        ws, target = job.props.get("workspaceName"), _target_pool(job)
        name = job.props.get("name") or job.name
        pool = pools.get((ws, target or ""))
        if pool is None:
            known = sorted(p for w, p in pools if w == ws)
            report_violation(
                f"Spark job '{name}' targets pool '{target}' in workspace '{ws}', which this "
                f"stack does not declare. Set targetBigDataPool to one of: "
                f"{', '.join(known) or '(no pools in that workspace)'}.",
                job.urn,
            )
            continue
        required, actual = job.props.get("requiredSparkVersion"), pool.props.get("sparkVersion")
        if required is not None and required != actual:
            report_violation(
                f"Spark job '{name}' requires Spark {required} but pool '{target}' runs Spark "
                f"{actual}. Set requiredSparkVersion to {actual}, or target a pool on Spark "
                f"{required}.",
                job.urn,
            )
        launcher, runnable = _launcher(job), LAUNCHERS.get(str(actual))
        if launcher is not None and runnable is not None and launcher not in runnable:
            report_violation(
                f"Spark job '{name}' starts its processes with the {launcher} launcher, which "
                f"pool '{target}' on Spark {actual} cannot run (it runs: {', '.join(runnable)}). "
                "Drop --launcher to take the runtime's own, or target a pool whose runtime "
                f"runs {launcher}.",
                job.urn,
            )


def _launcher(job: PolicyResource) -> str | None:
    """The `--launcher` a bundled training job's arguments name, if any."""
    properties = job.props.get("jobProperties")
    args = list(properties.get("args") or []) if isinstance(properties, Mapping) else []
    for flag, value in zip(args, args[1:], strict=False):
        if flag == "--launcher":
            return str(value)
    return None


def _check_firewall_rules_while_private(
    args: StackValidationArgs, report_violation: ReportViolation
) -> None:
    private = {
        workspace_name(w.props, w.name)
        for w in _of_type(args, WORKSPACE)
        if w.props.get("publicNetworkAccess") == "Disabled"
    }
    for rule in _of_type(args, IP_FIREWALL_RULE):
        ws = firewall_rule_workspace(rule.props)
        if ws in private:
            name = rule.props.get("ruleName") or rule.props.get("name") or rule.name
            report_violation(
                f"Firewall rule '{name}' is on workspace '{ws}', whose public network access "
                "is disabled: the rule admits no one, and reads as if it did. Remove it, or "
                "enable public network access if clients must come that way.",
                rule.urn,
            )


gpu_vcore_quota = StackValidationPolicy(
    name="gpu-vcore-quota",
    **described("gpu-vcore-quota"),
    description="The GPU pools of a workspace fit in its GPU vCore quota at full scale.",
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    config_schema=PolicyConfigSchema(
        properties={
            "gpuVcoreQuota": {"type": "integer", "minimum": 0, "default": DEFAULT_GPU_VCORE_QUOTA},
        }
    ),
    validate=_check_gpu_quota,
)

exfiltration_protected_pools_skip_pypi = StackValidationPolicy(
    name="exfiltration-protected-pools-skip-pypi",
    **described("exfiltration-protected-pools-skip-pypi"),
    description="Pools in a workspace with data-exfiltration protection install no libraries "
    "from PyPI or conda, which that protection blocks.",
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    validate=_check_exfiltration_vs_pypi,
)

spark_jobs_target_stack_pools = StackValidationPolicy(
    name="spark-jobs-target-stack-pools",
    **described("spark-jobs-target-stack-pools"),
    description="Spark job definitions target a pool of the same stack on their Spark version, "
    "with a launcher that runtime runs.",
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    validate=_check_jobs_target_pools,
)

# A diagnostic setting is an extension resource: its ARM id is the watched resource's id
# followed by this (its outputs do not carry resourceUri, a path parameter).
_DIAGNOSTIC_SETTINGS = "/providers/microsoft.insights/diagnosticsettings/"
_DESTINATIONS = ("workspaceId", "storageAccountId", "eventHubAuthorizationRuleId")


def _diagnosed(args: StackValidationArgs) -> set[str]:
    """Lower-cased ARM ids of the resources whose logs a diagnostic setting sends somewhere."""
    ids = set()
    for setting in _of_type(args, DIAGNOSTIC_SETTING):
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
    judged = [("Workspace", w, workspace_name(w.props, w.name)) for w in _of_type(args, WORKSPACE)]
    judged += [("Spark pool", p, pool_name(p.props, p.name)) for p in _of_type(args, BIG_DATA_POOL)]
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

# Without public access, people reach the workspace's Studio API (Dev) and SQL (Sql) only
# through private endpoints (docs how-to-connect-to-workspace-with-private-links).
_REQUIRED_GROUPS = ("Dev", "Sql")


def _endpoint_groups(args: StackValidationArgs) -> dict[str, set[str]]:
    """The sub-resources private endpoints connect to, by the lower-cased id of their target."""
    groups: dict[str, set[str]] = defaultdict(set)
    for endpoint in _of_type(args, PRIVATE_ENDPOINT):
        for connection in endpoint.props.get("privateLinkServiceConnections") or []:
            target = str(connection.get("privateLinkServiceId") or "").lower()
            groups[target].update(connection.get("groupIds") or [])
    return groups


def _check_private_endpoints(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    groups = _endpoint_groups(args)
    for w in _of_type(args, WORKSPACE):
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

no_firewall_rules_while_private = StackValidationPolicy(
    name="no-firewall-rules-while-private",
    **described("no-firewall-rules-while-private"),
    description="No IP firewall rules on a workspace whose public network access is disabled.",
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.LOW,
    validate=_check_firewall_rules_while_private,
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
        for a in _of_type(args, STORAGE_ACCOUNT)
        if isinstance(a.props.get("id"), str)
    }
    for w in _of_type(args, WORKSPACE):
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

POLICIES = [
    gpu_vcore_quota,
    exfiltration_protected_pools_skip_pypi,
    spark_jobs_target_stack_pools,
    no_firewall_rules_while_private,
    diagnostic_settings,
    workspace_private_endpoints,
    data_lake_locked_with_workspace,
]
