"""The training jobs a stack deploys: loaded from training_jobs/ and checked against its pools.

Runs before any resource is registered; every problem names the stack's `jobs` key, the job,
the job.yaml key and the limit. A key the stack sets for the job (`jobs[i].pool`, say) is
named as the stack's own key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from synapse_dl.archive import shipped
from synapse_dl.config.component_args import ARGS, heading
from synapse_dl.config.errors import ConfigError
from synapse_dl.config.job_definition import (
    PLACEMENT_KEYS,
    JobDefinition,
    JobDefinitionError,
    Problem,
    load_job_definition,
)
from synapse_dl.config.job_on_pool import PoolShape, check_job_against_pools, resolve_launcher
from synapse_dl.config.libraries import render_requirements
from synapse_dl.config.models import SparkPoolConfig, StackConfig
from synapse_dl.version import PACKAGE


@dataclass(frozen=True)
class StackJob:
    definition: JobDefinition
    folder: Path
    # How its processes start on the target pool: horovod or spark (synapse_dl/facts/runtimes.py).
    launcher: str
    # The job.yaml keys the stack sets for it (PLACEMENT_KEYS), under their job.yaml names.
    placement: Mapping[str, Any] = field(default_factory=dict)

    @property
    def files(self) -> list[Path]:
        """The entry script first, then its pyFiles, a folder as its zip (synapse_dl.archive):
        the files Spark is given."""
        job = self.definition
        return [shipped((self.folder / f).resolve()) for f in (job.entry, *job.pyFiles)]


def pool_packages(pool: SparkPoolConfig) -> frozenset[str]:
    """What a job can import on the pool: its runtime's packages and its pool libraries."""
    installed = [Requirement(line).name for line in render_requirements(pool).splitlines()]
    names = [*pool.runtime.preinstalled, *installed]
    return frozenset(canonicalize_name(name) for name in names)


def pool_shape(pool: SparkPoolConfig) -> PoolShape:
    return PoolShape(
        name=pool.name,
        node_size_family=pool.node_size_family,
        node_size=pool.node_size,
        spark_version=pool.spark_version,
        max_nodes=pool.max_nodes,
        packages=pool_packages(pool),
    )


def _located(problem: Problem, entry_key: str, name: str, placement: dict) -> str:
    """The stack's own key when the stack set the value, else the job's key in its job.yaml."""
    if problem.key in placement:
        return f"{entry_key}.{problem}"
    return f"{entry_key} = {name!r}: {problem}"


def load_stack_jobs(stack: StackConfig, jobs_root: Path) -> list[StackJob]:
    """The jobs the stack deploys, each read from its folder under `jobs_root` (the project's
    training_jobs/) and checked against the pool it runs on."""
    pools = {pool.name: pool_shape(pool) for pool in stack.spark_pools}
    jobs, problems = [], []
    seen: dict[str, int] = {}
    for i, entry in enumerate(stack.jobs):
        placement = entry.placement()
        entry_key = f"{PACKAGE}:jobs[{i}]"
        folder = jobs_root / entry.name
        try:
            definition = load_job_definition(folder, placement)
            check_job_against_pools(definition, pools)
        except JobDefinitionError as error:
            problems += [_located(p, entry_key, entry.name, placement) for p in error.problems]
            continue
        launcher = resolve_launcher(definition, pools[definition.pool])
        job = StackJob(definition, folder, launcher, placement)
        first = seen.setdefault(definition.name, i)
        if first != i:
            problems.append(
                f"{entry_key} = {entry.name!r}: job name {definition.name!r} repeats jobs[{first}]"
            )
        problems += [f"{entry_key} = {entry.name!r}: {p}" for p in _file_name_problems(job)]
        jobs.append(job)
    if problems:
        raise ConfigError(problems)
    return jobs


def _file_name_problems(job: StackJob) -> list[str]:
    names = [f.name for f in job.files]
    if len(set(names)) != len(names):
        # Files are uploaded side by side under the job's prefix.
        return [f"entry and pyFiles must have distinct file names: {names}"]
    return []


def _argument_problem(problem: Problem, placement: Mapping[str, Any], folder: Path) -> str:
    if problem.key == "pool":
        return f"{ARGS}.sparkPool: {problem}"
    if problem.key in placement:
        return f"{ARGS}.{problem}"
    return f"{ARGS}.jobDirectory = {str(folder)!r}: {problem}"


def component_job(
    name: str, folder: Path, pool: SparkPoolConfig, placement: Mapping[str, Any]
) -> StackJob:
    """A TrainingJob's job: `folder`'s job.yaml with the `placement` keys its arguments set,
    checked against `pool`. Raises ConfigError naming each argument (`args.executor.cores`)."""
    unknown = sorted(set(placement) - set(PLACEMENT_KEYS))
    if unknown:
        raise ValueError(f"not placement keys: {unknown}")  # a bug in the caller, not input
    placement = {**placement, "pool": pool.name}
    shape = pool_shape(pool)
    try:
        definition = load_job_definition(folder, placement)
        check_job_against_pools(definition, {shape.name: shape})
    except JobDefinitionError as error:
        located = [_argument_problem(p, placement, folder) for p in error.problems]
        raise ConfigError(located, heading("TrainingJob", name)) from None
    job = StackJob(definition, folder, resolve_launcher(definition, shape), placement)
    if problems := _file_name_problems(job):
        raise ConfigError(
            [f"{ARGS}.jobDirectory = {str(folder)!r}: {p}" for p in problems],
            heading("TrainingJob", name),
        )
    return job
