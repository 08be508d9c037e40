"""Policies for GPU (HardwareAcceleratedGPU) Spark pools: where, on which runtime, which size,
and (a stack policy) whether a workspace's GPU pools fit its GPU vCore quota."""

from __future__ import annotations

from collections import defaultdict

from metadata import described
from pool_props import is_gpu_pool, max_nodes, node_count_key, pool_name
from pool_props import workspace_name as pool_workspace
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
from resource_types import BIG_DATA_POOL, WORKSPACE
from stack_resources import of_type
from synapse_facts import (
    DEFAULT_GPU_VCORE_QUOTA,
    GPU_NODE_VCORES,
    GPU_REGIONS,
    GPU_RUNTIMES,
    normalize_region,
)
from workspace_props import workspace_name


def _gpu_pool(args: ResourceValidationArgs) -> bool:
    return args.resource_type == BIG_DATA_POOL and is_gpu_pool(args.props)


def _check_region(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if not _gpu_pool(args):
        return
    allowed = (args.get_config() or {}).get("allowedRegions", list(GPU_REGIONS))
    location = args.props.get("location")
    if location is None or normalize_region(location) in {normalize_region(r) for r in allowed}:
        return
    report_violation(
        f"GPU pool '{pool_name(args.props, args.name)}' is in '{location}', where Synapse has no "
        f"GPU pools. Put the pool and its workspace in one of: {', '.join(allowed)}.",
        args.urn,
    )


def _check_runtime(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if not _gpu_pool(args):
        return
    allowed = (args.get_config() or {}).get("allowedSparkVersions", list(GPU_RUNTIMES))
    version = args.props.get("sparkVersion")
    if version in allowed:
        return
    report_violation(
        f"GPU pool '{pool_name(args.props, args.name)}' runs Spark {version}, which has no GPU "
        f"pools. Set sparkVersion to one of: {', '.join(allowed)}.",
        args.urn,
    )


def _check_node_size(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if not _gpu_pool(args):
        return
    size = args.props.get("nodeSize")
    if size in GPU_NODE_VCORES:
        return
    report_violation(
        f"GPU pool '{pool_name(args.props, args.name)}' has nodeSize '{size}'; GPU pools come "
        f"only as {' or '.join(GPU_NODE_VCORES)} (GPU-Large, GPU-XLarge). Set nodeSize to one "
        "of them.",
        args.urn,
    )


gpu_pool_region = ResourceValidationPolicy(
    name="gpu-pool-region",
    **described("gpu-pool-region"),
    description="GPU Spark pools are only in the regions that offer them.",
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    config_schema=PolicyConfigSchema(
        properties={
            "allowedRegions": {
                "type": "array",
                "items": {"type": "string", "minLength": 1},
                "minItems": 1,
                "default": list(GPU_REGIONS),
            }
        }
    ),
    validate=_check_region,
)

gpu_pool_runtime = ResourceValidationPolicy(
    name="gpu-pool-runtime",
    **described("gpu-pool-runtime"),
    description="GPU Spark pools run a Spark runtime that offers GPU pools.",
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    config_schema=PolicyConfigSchema(
        properties={
            "allowedSparkVersions": {
                "type": "array",
                "items": {"type": "string", "pattern": r"^[0-9]+\.[0-9]+$"},
                "minItems": 1,
                "default": list(GPU_RUNTIMES),
            }
        }
    ),
    validate=_check_runtime,
)

gpu_pool_node_size = ResourceValidationPolicy(
    name="gpu-pool-node-size",
    **described("gpu-pool-node-size"),
    description="GPU Spark pools use a GPU node size (Large or XLarge).",
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    validate=_check_node_size,
)


def _workspace_urn(args: StackValidationArgs, name: str) -> str | None:
    return next(
        (w.urn for w in of_type(args, WORKSPACE) if workspace_name(w.props, w.name) == name), None
    )


def _check_gpu_quota(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    quota = int((args.get_config() or {}).get("gpuVcoreQuota", DEFAULT_GPU_VCORE_QUOTA))
    # workspace -> [(pool resource, nodes, vCores per node)]
    gpu_pools: dict[str, list[tuple[PolicyResource, int, int]]] = defaultdict(list)
    for pool in of_type(args, BIG_DATA_POOL):
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

POLICIES = [gpu_pool_region, gpu_pool_runtime, gpu_pool_node_size, gpu_vcore_quota]
