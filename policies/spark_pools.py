"""Policies for every Spark pool: runtime lifecycle, auto-pause, node ceiling, pinned libraries,
compute isolation, and (a stack policy) no PyPI or conda installs where the workspace's
data-exfiltration protection blocks them."""

from __future__ import annotations

import datetime as dt

from library_requirements import (
    DIRECT_URL,
    NOT_A_REQUIREMENT,
    REQUIREMENT_FILE,
    UNPINNED,
    library_specs,
)
from metadata import described
from pool_props import is_gpu_pool, max_nodes, pool_name
from pool_props import workspace_name as pool_workspace
from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from resource_types import BIG_DATA_POOL, POOL_LIBRARIES, WORKSPACE
from stack_resources import of_type
from synapse_facts import (
    END_OF_SUPPORT,
    GPU_RUNTIMES,
    ISOLATABLE_NODE_SIZES,
    ISOLATED_COMPUTE_REGIONS,
)
from workspace_props import is_exfiltration_protected, workspace_name

DEFAULT_MAX_GPU_PAUSE_MINUTES = 30
DEFAULT_MAX_NODES = 10


def _today(args: ResourceValidationArgs) -> dt.date:
    configured = (args.get_config() or {}).get("today")
    return dt.date.fromisoformat(configured) if configured else dt.date.today()


def _check_lifecycle(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != BIG_DATA_POOL:
        return
    version = args.props.get("sparkVersion")
    if version is None:
        return
    name = pool_name(args.props, args.name)
    end = END_OF_SUPPORT.get(version)
    if end is None:
        report_violation(
            f"Pool '{name}' runs Spark {version}, which has no known end-of-support date (known "
            f"runtimes: {', '.join(END_OF_SUPPORT)}). Use a known runtime.",
            args.urn,
        )
        return
    today = _today(args)
    if today <= end:
        return
    supported = [f"{v} (to {d.isoformat()})" for v, d in END_OF_SUPPORT.items() if d >= today]
    # No supported runtime offers GPU pools: moving the runtime alone cannot fix a GPU pool.
    gpu_supported = [v for v in GPU_RUNTIMES if END_OF_SUPPORT[v] >= today]
    move = (
        f"a supported runtime: {', '.join(supported) or 'none known'}"
        if not is_gpu_pool(args.props) or gpu_supported
        else "a CPU pool on a supported runtime, since no supported runtime offers GPU pools: "
        f"{', '.join(supported) or 'none known'}"
    )
    report_violation(
        f"Pool '{name}' runs Spark {version}, out of support since {end.isoformat()}. Move it to "
        f"{move}.",
        args.urn,
    )


def _check_auto_pause(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != BIG_DATA_POOL:
        return
    name = pool_name(args.props, args.name)
    auto_pause = args.props.get("autoPause") or {}
    if not auto_pause.get("enabled"):
        report_violation(
            f"Pool '{name}' does not auto-pause, so idle nodes keep billing. Set "
            "autoPause.enabled to true.",
            args.urn,
        )
        return
    limit = int((args.get_config() or {}).get("maxGpuDelayMinutes", DEFAULT_MAX_GPU_PAUSE_MINUTES))
    delay = auto_pause.get("delayInMinutes")
    if is_gpu_pool(args.props) and delay is not None and delay > limit:
        report_violation(
            f"GPU pool '{name}' auto-pauses after {int(delay)} minutes; GPU pools must pause "
            f"within {limit}. Set autoPause.delayInMinutes to {limit} or less.",
            args.urn,
        )


def _check_node_ceiling(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != BIG_DATA_POOL:
        return
    limit = int((args.get_config() or {}).get("maxNodes", DEFAULT_MAX_NODES))
    nodes = max_nodes(args.props)
    if nodes is None or nodes <= limit:
        return
    report_violation(
        f"Pool '{pool_name(args.props, args.name)}' can grow to {nodes} nodes, above the limit of "
        f"{limit}. Set autoScale.maxNodeCount (or nodeCount) to {limit} or less, or raise maxNodes "
        "in this policy's config.",
        args.urn,
    )


def _check_pinned_libraries(
    args: ResourceValidationArgs, report_violation: ReportViolation
) -> None:
    # The project applies a pool's libraries through PoolLibraries (ARM refuses them on create);
    # other programs may set them on the pool itself.
    if args.resource_type not in (BIG_DATA_POOL, POOL_LIBRARIES):
        return
    by_kind: dict[str, list[str]] = {}
    for spec in library_specs(args.props.get("libraryRequirements")):
        if not spec.pinned:
            by_kind.setdefault(spec.kind, []).append(spec.spec)
    if not by_kind:
        return
    # Each kind is its own finding, with its own fix.
    findings = {
        UNPINNED: ("unpinned libraries", "pin each to one version: name==version (pip) or "
                   "name=version (conda)"),
        DIRECT_URL: ("libraries from direct URLs, which no index or version stands behind",
                     "install a pinned release from an index, or upload the wheel as a "
                     "workspace package"),
        REQUIREMENT_FILE: ("requirement files whose packages it cannot see", "list the "
                           "packages themselves, pinned"),
        NOT_A_REQUIREMENT: ("lines that are not requirements", "fix them: pip refuses them, "
                            "and the pool's library installation fails"),
    }  # fmt: skip
    parts = [
        f"{findings[kind][0]}: {', '.join(specs)} ({findings[kind][1]})"
        for kind, specs in by_kind.items()
    ]
    report_violation(
        f"Pool '{pool_name(args.props, args.name)}' installs {'; '.join(parts)}.",
        args.urn,
    )


spark_runtime_lifecycle = ResourceValidationPolicy(
    name="spark-runtime-lifecycle",
    **described("spark-runtime-lifecycle"),
    description="Spark pools run a Synapse runtime that is still supported.",
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.MEDIUM,
    config_schema=PolicyConfigSchema(
        properties={
            # The date to judge by (YYYY-MM-DD); today when unset. Set in tests and audits.
            "today": {
                "type": "string",
                "format": "date",
                "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            },
        }
    ),
    validate=_check_lifecycle,
)

spark_pool_auto_pause = ResourceValidationPolicy(
    name="spark-pool-auto-pause",
    **described("spark-pool-auto-pause"),
    description="Spark pools auto-pause when idle, GPU pools within a short delay.",
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.MEDIUM,
    config_schema=PolicyConfigSchema(
        properties={
            "maxGpuDelayMinutes": {
                "type": "integer",
                "minimum": 5,
                "maximum": 10080,
                "default": DEFAULT_MAX_GPU_PAUSE_MINUTES,
            },
        }
    ),
    validate=_check_auto_pause,
)

spark_pool_node_ceiling = ResourceValidationPolicy(
    name="spark-pool-node-ceiling",
    **described("spark-pool-node-ceiling"),
    description="Spark pools cannot scale beyond a set number of nodes.",
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.MEDIUM,
    config_schema=PolicyConfigSchema(
        properties={
            "maxNodes": {
                "type": "integer",
                "minimum": 3,
                "maximum": 200,
                "default": DEFAULT_MAX_NODES,
            },
        }
    ),
    validate=_check_node_ceiling,
)

pool_libraries_pinned = ResourceValidationPolicy(
    name="pool-libraries-pinned",
    **described("pool-libraries-pinned"),
    description="Spark pool libraries pin every package to one version.",
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.LOW,
    validate=_check_pinned_libraries,
)


def _check_compute_isolation(
    args: ResourceValidationArgs, report_violation: ReportViolation
) -> None:
    if args.resource_type != BIG_DATA_POOL:
        return
    size = (args.props.get("nodeSizeFamily"), args.props.get("nodeSize"))
    location = args.props.get("location")
    region = location.replace(" ", "").lower() if isinstance(location, str) else None
    isolated = args.props.get("isComputeIsolationEnabled") is True
    if isolated and region is not None and region not in ISOLATED_COMPUTE_REGIONS:
        report_violation(
            f"Spark pool '{pool_name(args.props, args.name)}' asks for isolated compute in "
            f"{location!r}, but isolated compute exists only in "
            f"{', '.join(ISOLATED_COMPUTE_REGIONS)}. Turn it off or move the workspace.",
            args.urn,
        )
    # Advise isolation only where the region offers it (or where the region is not known yet).
    offered = region is None or region in ISOLATED_COMPUTE_REGIONS
    if size in ISOLATABLE_NODE_SIZES and offered and not isolated:
        report_violation(
            f"Spark pool '{pool_name(args.props, args.name)}' runs {size[1]} nodes, which can "
            "be isolated to a single customer, but isolation is off. Set "
            "isComputeIsolationEnabled to true.",
            args.urn,
        )


spark_pool_compute_isolation = ResourceValidationPolicy(
    name="spark-pool-compute-isolation",
    **described("spark-pool-compute-isolation"),
    description="Spark pools whose node size supports it run on isolated compute.",
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.LOW,
    validate=_check_compute_isolation,
)


def _check_exfiltration_vs_pypi(
    args: StackValidationArgs, report_violation: ReportViolation
) -> None:
    protected = {
        workspace_name(w.props, w.name)
        for w in of_type(args, WORKSPACE)
        if is_exfiltration_protected(w.props)
    }
    if not protected:
        return
    # Pools get libraries through PoolLibraries (this project) or their own libraryRequirements.
    for r in of_type(args, BIG_DATA_POOL) + of_type(args, POOL_LIBRARIES):
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


exfiltration_protected_pools_skip_pypi = StackValidationPolicy(
    name="exfiltration-protected-pools-skip-pypi",
    **described("exfiltration-protected-pools-skip-pypi"),
    description="Pools in a workspace with data-exfiltration protection install no libraries "
    "from PyPI or conda, which that protection blocks.",
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    validate=_check_exfiltration_vs_pypi,
)

POLICIES = [
    spark_runtime_lifecycle,
    spark_pool_auto_pause,
    spark_pool_node_ceiling,
    pool_libraries_pinned,
    spark_pool_compute_isolation,
    exfiltration_protected_pools_skip_pypi,
]
