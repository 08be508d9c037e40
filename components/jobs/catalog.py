"""The training jobs a stack deploys: loaded from training_jobs/ and checked against its pools.

Runs before any resource is registered; every problem names the stack's `jobs` key, the job,
the job.yaml key and the limit. A key the stack sets for the job (`jobs[i].pool`, say) is
named as the stack's own key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from ..config.libraries import render_requirements
from ..config.stack import PROJECT, ConfigError, SparkPoolConfig, StackConfig
from .definition import (
    JobDefinition,
    JobDefinitionError,
    PoolShape,
    Problem,
    check_job_against_pools,
    load_job_definition,
    resolve_launcher,
)


@dataclass(frozen=True)
class StackJob:
    definition: JobDefinition
    folder: Path
    # How its processes start on the target pool: horovod or spark (components/facts/runtimes.py).
    launcher: str

    @property
    def files(self) -> list[Path]:
        """The entry script first, then its pyFiles."""
        job = self.definition
        return [(self.folder / f).resolve() for f in (job.entry, *job.pyFiles)]


def pool_packages(pool: SparkPoolConfig) -> frozenset[str]:
    """What a job can import on the pool: its runtime's packages and its pool libraries."""
    installed = [Requirement(line).name for line in render_requirements(pool).splitlines()]
    names = [*pool.runtime.preinstalled, *installed]
    return frozenset(canonicalize_name(name) for name in names)


def _pool_shapes(stack: StackConfig) -> dict[str, PoolShape]:
    return {
        pool.name: PoolShape(
            name=pool.name,
            node_size_family=pool.node_size_family,
            node_size=pool.node_size,
            spark_version=pool.spark_version,
            max_nodes=pool.max_nodes,
            packages=pool_packages(pool),
        )
        for pool in stack.spark_pools
    }


def _located(problem: Problem, entry_key: str, name: str, placement: dict) -> str:
    """The stack's own key when the stack set the value, else the job's key in its job.yaml."""
    if problem.key in placement:
        return f"{entry_key}.{problem}"
    return f"{entry_key} = {name!r}: {problem}"


def load_stack_jobs(stack: StackConfig, jobs_root: Path) -> list[StackJob]:
    """The jobs the stack deploys, each read from its folder under `jobs_root` (the project's
    training_jobs/) and checked against the pool it runs on."""
    pools = _pool_shapes(stack)
    jobs, problems = [], []
    seen: dict[str, int] = {}
    for i, entry in enumerate(stack.jobs):
        placement = entry.placement()
        entry_key = f"{PROJECT}:jobs[{i}]"
        folder = jobs_root / entry.name
        try:
            definition = load_job_definition(folder, placement)
            check_job_against_pools(definition, pools)
        except JobDefinitionError as error:
            problems += [_located(p, entry_key, entry.name, placement) for p in error.problems]
            continue
        job = StackJob(definition, folder, resolve_launcher(definition, pools[definition.pool]))
        first = seen.setdefault(definition.name, i)
        if first != i:
            problems.append(
                f"{entry_key} = {entry.name!r}: job name {definition.name!r} repeats jobs[{first}]"
            )
        names = [f.name for f in job.files]
        if len(set(names)) != len(names):
            # Files are uploaded side by side under the job's prefix.
            problems.append(
                f"{entry_key} = {entry.name!r}: entry and pyFiles must have distinct file "
                f"names: {names}"
            )
        jobs.append(job)
    if problems:
        raise ConfigError(problems)
    return jobs
