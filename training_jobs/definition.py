"""A training job's declarative definition (`training_jobs/<job>/job.yaml`), validated once.

The infrastructure program imports this module to deploy the jobs as Spark job definitions,
so it is pure Python: pydantic, PyYAML and the runtimes table, nothing of Spark, torch or
TensorFlow. Every error names the job, the key, the bad value and what is allowed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from components.runtimes import GPU_EXECUTOR_LAYOUTS, GPU_FAMILY, node_spec

JOB_FILE = "job.yaml"
# Spark's memory notation as Synapse takes it for driverMemory/executorMemory: whole gigabytes.
_MEMORY = re.compile(r"^([1-9][0-9]*)g$")


class JobDefinitionError(Exception):
    """An invalid job definition: one line per problem, each naming job, key, value, allowed."""

    def __init__(self, job: str, problems: list[str]):
        self.job = job
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"invalid training job {job!r}:\n{lines}")


class _Model(BaseModel):
    # Unknown keys are errors: a typo such as `numExecutor` must not pass silently.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Resources(_Model):
    """Cores and memory of the driver or of one executor."""

    cores: int = Field(ge=1)
    memory: str

    @field_validator("memory")
    @classmethod
    def _memory_in_gigabytes(cls, value: str) -> str:
        if not _MEMORY.match(value):
            raise ValueError("memory must be whole gigabytes such as '30g'")
        return value

    @property
    def memory_gb(self) -> int:
        return int(value.group(1)) if (value := _MEMORY.match(self.memory)) else 0


class Location(_Model):
    # A path on the stack's data lake (`training/data/digits`), so one job deploys to any
    # stack; or a full `abfss://<filesystem>@<account>.dfs.core.windows.net/...` URL.
    path: str = Field(min_length=1)

    def url(self, lake_url: str) -> str:
        """The location on the lake whose root URL is `lake_url` (ending in '/')."""
        return self.path if self.path.startswith("abfss://") else lake_url + self.path.lstrip("/")


class JobDefinition(_Model):
    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]*$")
    description: str
    pool: str = Field(min_length=1)
    framework: Literal["pytorch", "tensorflow"]
    entry: str
    pyFiles: list[str] = []
    args: list[str] = []
    driver: Resources
    executor: Resources
    numExecutors: int = Field(ge=1)
    conf: dict[str, str] = {}
    data: Location
    output: Location

    def submit_args(self, lake_url: str) -> list[str]:
        """The entry script's arguments on Synapse, with data and output on the stack's lake."""
        return [
            "--data",
            self.data.url(lake_url),
            "--output",
            self.output.url(lake_url),
            *self.args,
        ]


def _format_validation_error(error: ValidationError) -> list[str]:
    problems = []
    for e in error.errors():
        key = ""
        for part in e["loc"]:
            key += f"[{part}]" if isinstance(part, int) else f".{part}"
        key = key.lstrip(".") or "(top level)"
        shown = "(missing)" if e["type"] == "missing" else repr(e.get("input"))
        message = e["msg"].removeprefix("Value error, ")
        problems.append(f"{key} = {shown}: {message}")
    return problems


def _files_problems(job: JobDefinition, job_dir: Path) -> list[str]:
    problems = []
    files = [("entry", job.entry)] + [(f"pyFiles[{i}]", f) for i, f in enumerate(job.pyFiles)]
    for key, relative in files:
        if Path(relative).is_absolute():
            problems.append(f"{key} = {relative!r}: must be a path relative to {job_dir}")
        elif not (job_dir / relative).is_file():
            problems.append(f"{key} = {relative!r}: no such file {job_dir / relative}")
    return problems


def parse_job_definition(raw: Any, job_dir: Path) -> JobDefinition:
    """Validate one job's parsed YAML; file paths resolve against its folder `job_dir`."""
    job_name = raw.get("name", job_dir.name) if isinstance(raw, Mapping) else job_dir.name
    if not isinstance(raw, Mapping):
        raise JobDefinitionError(
            str(job_name), [f"{JOB_FILE} = {raw!r}: must be a mapping of keys to values"]
        )
    try:
        job = JobDefinition.model_validate(dict(raw))
    except ValidationError as error:
        raise JobDefinitionError(str(job_name), _format_validation_error(error)) from None
    problems = _files_problems(job, job_dir)
    if problems:
        raise JobDefinitionError(job.name, problems)
    return job


def load_job_definition(job_dir: Path) -> JobDefinition:
    """Read and validate `<job_dir>/job.yaml`."""
    path = job_dir / JOB_FILE
    if not path.is_file():
        raise JobDefinitionError(job_dir.name, [f"{JOB_FILE}: no such file {path}"])
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        raise JobDefinitionError(job_dir.name, [f"{JOB_FILE}: not valid YAML: {error}"]) from None
    return parse_job_definition(raw, job_dir)


def discover_jobs(root: Path) -> list[Path]:
    """The job folders under `root`: every direct subfolder that holds a job.yaml."""
    return sorted(p.parent for p in root.glob(f"*/{JOB_FILE}"))


@dataclass(frozen=True)
class PoolShape:
    """What a job needs to know of a stack's Spark pool."""

    name: str
    node_size_family: str
    node_size: str
    spark_version: str
    max_nodes: int


def _layout_text(layout_key: tuple[str, str]) -> str:
    size, driver = layout_key
    layout = GPU_EXECUTOR_LAYOUTS[layout_key]
    return (
        f"GPU-{size} {driver} driver: driver {layout.driver_cores} cores/"
        f"{layout.driver_memory_gb}g, executor {layout.executor_cores} cores/"
        f"{layout.executor_memory_gb}g"
    )


def _gpu_layout_problems(job: JobDefinition, pool: PoolShape) -> tuple[list[str], int]:
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
    return [
        f"driver, executor = {shown!r}: GPU pool {pool.name!r} "
        f"({pool.node_size_family}/{pool.node_size}) allows only: {allowed}"
    ], 1


def check_job_against_pools(job: JobDefinition, pools: Mapping[str, PoolShape]) -> None:
    """Check that the job fits its target pool; raises JobDefinitionError listing every misfit."""
    pool = pools.get(job.pool)
    if pool is None:
        known = ", ".join(sorted(pools)) or "none"
        raise JobDefinitionError(
            job.name, [f"pool = {job.pool!r}: no such pool in the stack; its pools are: {known}"]
        )
    spec = node_spec(pool.node_size_family, pool.node_size)
    if spec is None:
        raise JobDefinitionError(
            job.name,
            [
                f"pool = {job.pool!r}: node size {pool.node_size_family}/{pool.node_size} "
                "is unknown to components.runtimes, so the job cannot be sized against it"
            ],
        )
    node = f"a {pool.node_size_family}/{pool.node_size} node of pool {pool.name!r}"
    problems = []
    for role, resources in (("driver", job.driver), ("executor", job.executor)):
        if resources.cores > spec.vcores:
            problems.append(
                f"{role}.cores = {resources.cores}: above the {spec.vcores} vCores of {node}"
            )
        if resources.memory_gb > spec.memory_gb:
            problems.append(
                f"{role}.memory = {resources.memory!r}: above the {spec.memory_gb}g of {node}"
            )
    if pool.node_size_family == GPU_FAMILY:
        layout_problems, per_node = _gpu_layout_problems(job, pool)
        problems += layout_problems
    else:
        # As many executors as fit a node by cores and by memory, at least one.
        per_node = max(
            1,
            min(
                spec.vcores // job.executor.cores,
                spec.memory_gb // max(job.executor.memory_gb, 1),
            ),
        )
    limit = pool.max_nodes * per_node
    if job.numExecutors > limit:
        problems.append(
            f"numExecutors = {job.numExecutors}: above the {limit} executors pool "
            f"{pool.name!r} can run ({pool.max_nodes} nodes x {per_node} per node)"
        )
    if problems:
        raise JobDefinitionError(job.name, problems)
