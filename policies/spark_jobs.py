"""Policy for the Spark job definitions of the stack (a stack policy): each targets a pool the
stack declares, on its Spark version, with a launcher that runtime runs."""

from __future__ import annotations

from collections.abc import Mapping

from metadata import described
from pool_props import pool_name
from pool_props import workspace_name as pool_workspace
from pulumi_policy import (
    EnforcementLevel,
    PolicyResource,
    ReportViolation,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from resource_types import BIG_DATA_POOL, SPARK_JOB_DEFINITION
from stack_resources import of_type
from synapse_facts import LAUNCHERS


def _target_pool(job: PolicyResource) -> str | None:
    target = job.props.get("targetBigDataPool")
    # A pool name, or the data plane's {"type": "BigDataPoolReference", "referenceName": ...}.
    return target.get("referenceName") if isinstance(target, Mapping) else target


def _check_jobs_target_pools(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    pools: dict[tuple[str | None, str], PolicyResource] = {
        (pool_workspace(p.props), pool_name(p.props, p.name)): p
        for p in of_type(args, BIG_DATA_POOL)
    }
    for job in of_type(args, SPARK_JOB_DEFINITION):
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
        runnable = LAUNCHERS.get(str(actual), ())
        named = dict.fromkeys(_launchers(job))  # each once, in order
        for launcher in [n for n in named if runnable and n not in runnable]:
            report_violation(
                f"Spark job '{name}' starts its processes with the {launcher} launcher, which "
                f"pool '{target}' on Spark {actual} cannot run (it runs: {', '.join(runnable)}). "
                "Drop --launcher to take the runtime's own, or target a pool whose runtime "
                f"runs {launcher}.",
                job.urn,
            )


# The option a bundled training job takes its launcher from (training_jobs/common/
# job_arguments.py), and the shortest prefix argparse reads as it there (`--l` is ambiguous).
_LAUNCHER = "--launcher"
_SHORTEST = "--la"


def _launchers(job: PolicyResource) -> list[str]:
    """Every launcher the job's arguments name, in each spelling argparse reads as --launcher:
    the option and its value, `--launcher=value`, a prefix such as `--laun`. The job reads the
    last of them; the policy judges them all, so a repeated option cannot step around it."""
    properties = job.props.get("jobProperties")
    args = [str(a) for a in properties.get("args") or []] if isinstance(properties, Mapping) else []
    found = []
    for i, arg in enumerate(args):
        option, equals, value = arg.partition("=")
        if len(option) >= len(_SHORTEST) and _LAUNCHER.startswith(option):
            if equals:
                found.append(value)
            elif i + 1 < len(args):
                found.append(args[i + 1])
    return found


spark_jobs_target_stack_pools = StackValidationPolicy(
    name="spark-jobs-target-stack-pools",
    **described("spark-jobs-target-stack-pools"),
    description="Spark job definitions target a pool of the same stack on their Spark version, "
    "with a launcher that runtime runs.",
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    validate=_check_jobs_target_pools,
)

POLICIES = [spark_jobs_target_stack_pools]
