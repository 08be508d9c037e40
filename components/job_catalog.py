"""The training jobs a stack deploys: loaded from training_jobs/ and checked against its pools.

Runs before any resource is registered; every problem names the stack's `jobs` key, the job,
the job.yaml key and the limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from components.config import PROJECT, ConfigError, StackConfig
from training_jobs.definition import (
    JobDefinition,
    JobDefinitionError,
    PoolShape,
    check_job_against_pools,
    load_job_definition,
)

JOBS_ROOT = Path(__file__).resolve().parent.parent / "training_jobs"


@dataclass(frozen=True)
class StackJob:
    definition: JobDefinition
    folder: Path

    @property
    def files(self) -> list[Path]:
        """The entry script first, then its pyFiles."""
        job = self.definition
        return [(self.folder / f).resolve() for f in (job.entry, *job.pyFiles)]


def _pool_shapes(stack: StackConfig) -> dict[str, PoolShape]:
    return {
        pool.name: PoolShape(
            name=pool.name,
            node_size_family=pool.node_size_family,
            node_size=pool.node_size,
            spark_version=pool.spark_version,
            max_nodes=pool.max_nodes,
        )
        for pool in stack.spark_pools
    }


def load_stack_jobs(stack: StackConfig, jobs_root: Path = JOBS_ROOT) -> list[StackJob]:
    pools = _pool_shapes(stack)
    jobs, problems = [], []
    seen: dict[str, int] = {}
    for i, folder_name in enumerate(stack.jobs):
        key = f"{PROJECT}:jobs[{i}] = {folder_name!r}"
        folder = jobs_root / folder_name
        try:
            job = StackJob(load_job_definition(folder), folder)
            check_job_against_pools(job.definition, pools)
        except JobDefinitionError as error:
            problems += [f"{key}: {problem}" for problem in error.problems]
            continue
        first = seen.setdefault(job.definition.name, i)
        if first != i:
            problems.append(f"{key}: job name {job.definition.name!r} repeats jobs[{first}]")
        names = [f.name for f in job.files]
        if len(set(names)) != len(names):
            # Files are uploaded side by side under the job's prefix.
            problems.append(f"{key}: entry and pyFiles must have distinct file names: {names}")
        jobs.append(job)
    if problems:
        raise ConfigError(problems)
    return jobs
