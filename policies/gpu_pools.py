"""Policies for GPU (HardwareAcceleratedGPU) Spark pools: where, on which runtime, which size."""

from __future__ import annotations

from metadata import described
from pool_props import is_gpu_pool, pool_name
from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
)
from resource_types import BIG_DATA_POOL
from synapse_facts import GPU_NODE_VCORES, GPU_REGIONS, GPU_RUNTIMES, normalize_region


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
                "items": {"type": "string", "pattern": r"^\d+\.\d+$"},
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

POLICIES = [gpu_pool_region, gpu_pool_runtime, gpu_pool_node_size]
