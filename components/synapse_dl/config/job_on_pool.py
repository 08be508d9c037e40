"""A job against the pool it targets: can the pool's runtime run it, do its driver and
executors fit the pool's nodes, can all its processes run at once.

Runs before anything is registered; every problem names the job.yaml key, the value and the
pool's limit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from synapse_dl.config.job_definition import (
    JobDefinition,
    JobDefinitionError,
    Problem,
    Resources,
)
from synapse_dl.config.spark_properties import size_in_mib
from synapse_dl.facts.runtimes import GPU_EXECUTOR_LAYOUTS, GPU_FAMILY, RUNTIMES, node_spec

# A whole number in ASCII digits (Python's own digit test also takes '²', which int() refuses).
_WHOLE_NUMBER = re.compile(r"[0-9]+")
# Spark on YARN's default memory overhead of a container: max(384 MiB, 10%) (Spark docs
# "Configuration", spark.executor.memoryOverhead and spark.driver.memoryOverhead).
OVERHEAD_MIN_MIB = 384
OVERHEAD_PERCENT = 10
# The package each framework imports, by its PyPI name.
FRAMEWORK_PACKAGES = {"pytorch": "torch", "tensorflow": "tensorflow"}


@dataclass(frozen=True)
class PoolShape:
    """What a job needs to know of a stack's Spark pool."""

    name: str
    node_size_family: str
    node_size: str
    spark_version: str
    max_nodes: int
    # PyPI names (canonical) of what a job can import there: the runtime's preinstalled
    # packages and what the pool's libraries install.
    packages: frozenset[str]


def _layout_text(layout_key: tuple[str, str]) -> str:
    size, driver = layout_key
    layout = GPU_EXECUTOR_LAYOUTS[layout_key]
    return (
        f"GPU-{size} {driver} driver: driver {layout.driver_cores} cores/"
        f"{layout.driver_memory_gb}g, executor {layout.executor_cores} cores/"
        f"{layout.executor_memory_gb}g"
    )


def _gpu_layout_problems(job: JobDefinition, pool: PoolShape) -> tuple[list[Problem], int]:
    """Problems with the GPU sizes, and the executors a node runs under the matched layout."""
    candidates = [key for key in GPU_EXECUTOR_LAYOUTS if key[0] == pool.node_size]
    for key in candidates:
        layout = GPU_EXECUTOR_LAYOUTS[key]
        if (
            job.driver.cores,
            job.driver.memory_gb,
            job.executor.cores,
            job.executor.memory_gb,
        ) == (
            layout.driver_cores,
            layout.driver_memory_gb,
            layout.executor_cores,
            layout.executor_memory_gb,
        ):
            return [], layout.executors_per_node
    allowed = "; ".join(_layout_text(key) for key in candidates) or "none"
    shown = (
        f"driver {job.driver.cores} cores/{job.driver.memory}, "
        f"executor {job.executor.cores} cores/{job.executor.memory}"
    )
    # Docs "apache-spark-rapids-gpu": GPU pools take only these driver/executor sizes.
    text = (
        f"driver, executor = {shown!r}: GPU pool {pool.name!r} "
        f"({pool.node_size_family}/{pool.node_size}) allows only: {allowed}"
    )
    return [Problem("executor", text)], 1


def resolve_launcher(job: JobDefinition, pool: PoolShape) -> str:
    """The launcher the job runs with on `pool`: its own, else the pool's runtime default."""
    return job.launcher or RUNTIMES[pool.spark_version].default_launcher


def _runtime_problems(job: JobDefinition, pool: PoolShape) -> list[Problem]:
    """Can the pool's runtime start the job's launcher and import its framework?"""
    runtime = RUNTIMES[pool.spark_version]
    problems = []
    if job.launcher is not None and job.launcher not in runtime.launchers:
        problems.append(
            Problem(
                "launcher",
                f"launcher = {job.launcher!r}: job {job.name!r} targets pool {pool.name!r} on "
                f"Spark {pool.spark_version}, whose runtime can run only: "
                f"{', '.join(runtime.launchers)}",
            )
        )
    package = FRAMEWORK_PACKAGES[job.framework]
    if package not in pool.packages:
        problems.append(
            Problem(
                "framework",
                f"framework = {job.framework!r}: pool {pool.name!r} has no {package}: the Spark "
                f"{pool.spark_version} runtime does not ship it and the pool's libraries do not "
                "install it; add it to the pool's libraries (extraLibraries, or workspace "
                "packages where PyPI is blocked) or target another pool",
            )
        )
    return problems


def _concurrency_problems(job: JobDefinition) -> list[Problem]:
    """Every launcher needs all its processes running at once, each in its own task slot."""
    problems = []
    # Barrier stages (TorchDistributor, the TF launcher) refuse dynamic allocation, and Horovod
    # waits for all its processes: executors must not come and go during training.
    dynamic = job.conf.get("spark.dynamicAllocation.enabled", "")
    if dynamic.strip().lower() != "false":
        problems.append(
            Problem(
                "conf",
                f"conf.spark.dynamicAllocation.enabled = {dynamic or '(unset)'!r}: must be "
                "'false': training runs all its processes at once, and Spark's barrier tasks "
                "refuse dynamic allocation (the pool's own setting applies when unset)",
            )
        )
    task_cpus_text = job.conf.get("spark.task.cpus", "1")
    if not _WHOLE_NUMBER.fullmatch(task_cpus_text) or int(task_cpus_text) < 1:
        problems.append(
            Problem(
                "conf",
                f"conf.spark.task.cpus = {task_cpus_text!r}: must be a whole number of cores "
                f"(1 to executor.cores = {job.executor.cores})",
            )
        )
        return problems
    task_cpus = int(task_cpus_text)
    if task_cpus > job.executor.cores:
        problems.append(
            Problem(
                "conf",
                f"conf.spark.task.cpus = {task_cpus_text!r}: above executor.cores = "
                f"{job.executor.cores}, so no executor can run a task",
            )
        )
        return problems
    slots = job.numExecutors * (job.executor.cores // task_cpus)
    wanted = job.requested_processes()
    if wanted is not None and wanted > slots:
        # Otherwise Spark's barrier check retries for 10 minutes (40 x 15 s) and then fails.
        problems.append(
            Problem(
                "args",
                f"args = '--num-proc {wanted}': above the {slots} task slots the job's executors "
                f"hold (numExecutors {job.numExecutors} x executor.cores {job.executor.cores} "
                f"// spark.task.cpus {task_cpus}); each process needs its own slot at once",
            )
        )
    return problems


def overhead_mib(job: JobDefinition, role: str) -> int:
    """The memory Spark on YARN adds to a driver's or executor's container (Spark docs
    "Configuration", spark.<role>.memoryOverhead): the job's setting, else max(384 MiB, 10%
    of its memory). ValueError where the setting is not a size Spark reads."""
    text = job.conf.get(f"spark.{role}.memoryOverhead")
    return _default_overhead_mib(getattr(job, role)) if text is None else size_in_mib(text)


def _default_overhead_mib(resources: Resources) -> int:
    return max(OVERHEAD_MIN_MIB, resources.memory_gb * 1024 * OVERHEAD_PERCENT // 100)


def _memory_problems(
    job: JobDefinition, role: str, memory: str, node_gb: int, node: str
) -> list[Problem]:
    """The container, memory and overhead, fits the node (taken as node_gb GiB)."""
    key = f"spark.{role}.memoryOverhead"
    try:
        overhead = overhead_mib(job, role)
    except ValueError as error:
        return [Problem("conf", f"conf.{key} = {job.conf[key]!r}: {error}")]
    needed = getattr(job, role).memory_gb * 1024 + overhead
    if needed <= node_gb * 1024:
        return []
    how = f"conf.{key}" if key in job.conf else f"max({OVERHEAD_MIN_MIB} MiB, 10%)"
    return [
        Problem(
            role,
            f"{role}.memory = {memory!r}: with Spark's overhead of {overhead} MiB ({how}) its "
            f"container needs {needed} MiB, above the {node_gb}g ({node_gb * 1024} MiB) of {node}",
        )
    ]


def _executor_container_mib(job: JobDefinition) -> int:
    """An executor's container: its memory and Spark's overhead (the default where the job's
    own setting is not a size, which _memory_problems names)."""
    try:
        overhead = overhead_mib(job, "executor")
    except ValueError:
        overhead = _default_overhead_mib(job.executor)
    return job.executor.memory_gb * 1024 + overhead


def check_job_against_pools(job: JobDefinition, pools: Mapping[str, PoolShape]) -> None:
    """Check that the job fits its target pool; raises JobDefinitionError listing every misfit."""
    pool = pools.get(job.pool)
    if pool is None:
        known = ", ".join(sorted(pools)) or "none"
        raise JobDefinitionError(
            job.name,
            [
                Problem(
                    "pool",
                    f"pool = {job.pool!r}: no such pool in the stack; its pools are: {known}",
                )
            ],
        )
    spec = node_spec(pool.node_size_family, pool.node_size)
    if spec is None:
        raise JobDefinitionError(
            job.name,
            [
                Problem(
                    "pool",
                    f"pool = {job.pool!r}: node size {pool.node_size_family}/{pool.node_size} "
                    "is unknown to components.runtimes, so the job cannot be sized against it",
                )
            ],
        )
    node = f"a {pool.node_size_family}/{pool.node_size} node of pool {pool.name!r}"
    problems = _runtime_problems(job, pool)
    for role, resources in (("driver", job.driver), ("executor", job.executor)):
        if resources.cores > spec.vcores:
            problems.append(
                Problem(
                    role,
                    f"{role}.cores = {resources.cores}: above the {spec.vcores} vCores of {node}",
                )
            )
        problems += _memory_problems(job, role, resources.memory, spec.memory_gb, node)
    if pool.node_size_family == GPU_FAMILY:
        layout_problems, per_node = _gpu_layout_problems(job, pool)
        problems += layout_problems
        # Docs "apache-spark-rapids-gpu": executors = nodes (x 4 on XLarge); each layout
        # leaves room on a node for the driver, so every node runs executors.
        nodes = pool.max_nodes
        how = f"{nodes} nodes x {per_node} per node: on a GPU pool the driver shares a node"
    else:
        # As many executors as fit a node by cores and by memory, at least one.
        per_node = max(
            1,
            min(
                spec.vcores // job.executor.cores,
                spec.memory_gb * 1024 // _executor_container_mib(job),
            ),
        )
        # Docs "apache-spark-pool-configurations": a pool is one head node, which runs the
        # driver (and Livy, YARN's resource manager), and two or more worker nodes, which
        # run the executors: at least three nodes in all.
        nodes = pool.max_nodes - 1
        how = f"{nodes} worker nodes x {per_node} per node: the head node runs the driver"
    if job.numExecutors > nodes * per_node:
        problems.append(
            Problem(
                "numExecutors",
                f"numExecutors = {job.numExecutors}: above the {nodes * per_node} executors "
                f"pool {pool.name!r} can run ({how})",
            )
        )
    problems += _concurrency_problems(job)
    if problems:
        raise JobDefinitionError(job.name, problems)
