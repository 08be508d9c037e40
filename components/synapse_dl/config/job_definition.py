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
from typing import Any, Literal, NamedTuple

from pydantic import ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from synapse_dl.config.job_arguments import read_arguments
from synapse_dl.config.plain_text import PlainTextModel
from synapse_dl.config.spark_properties import SparkProperties
from synapse_dl.config.strict_yaml import YamlFileError, load_yaml
from synapse_dl.config.validation_messages import field_errors
from synapse_dl.facts.runtimes import (
    GPU_EXECUTOR_LAYOUTS,
    GPU_FAMILY,
    LAUNCHERS,
    RUNTIMES,
    node_spec,
)

JOB_FILE = "job.yaml"
# Spark's memory notation as Synapse takes it for driverMemory/executorMemory: whole gigabytes.
_MEMORY = re.compile(r"([1-9][0-9]*)g")
# The package each framework imports, by its PyPI name.
FRAMEWORK_PACKAGES = {"pytorch": "torch", "tensorflow": "tensorflow"}
# The keys a stack may set for a job it deploys (where and how big it runs); the job's code,
# framework and files stay the job's own.
PLACEMENT_KEYS = ("pool", "launcher", "args", "driver", "executor", "numExecutors", "conf")


class Problem(NamedTuple):
    """One problem: `key` is the top-level job.yaml key it concerns ("" when none)."""

    key: str
    text: str

    def __str__(self) -> str:
        return self.text


class JobDefinitionError(Exception):
    """An invalid job definition: one line per problem, each naming job, key, value, allowed."""

    def __init__(self, job: str, problems: list[Problem]):
        self.job = job
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"invalid training job {job!r}:\n{lines}")


class _Model(PlainTextModel):
    # Unknown keys are errors: a typo such as `numExecutor` must not pass silently.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Resources(_Model):
    """Cores and memory of the driver or of one executor."""

    cores: int = Field(ge=1)
    memory: str

    @field_validator("memory")
    @classmethod
    def _memory_in_gigabytes(cls, value: str) -> str:
        if not _MEMORY.fullmatch(value):
            raise ValueError("memory must be whole gigabytes such as '30g'")
        return value

    @property
    def memory_gb(self) -> int:
        return int(value.group(1)) if (value := _MEMORY.fullmatch(self.memory)) else 0


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
    pool: str = Field(min_length=1, description="The Spark pool of the stack that runs the job.")
    framework: Literal["pytorch", "tensorflow"]
    # horovod or spark (facts/runtimes.py LAUNCHERS); absent: the target runtime's default.
    launcher: Literal["horovod", "spark"] | None = None
    entry: str
    pyFiles: list[str] = []
    args: list[str] = []
    driver: Resources
    executor: Resources
    numExecutors: int = Field(ge=1)
    conf: SparkProperties = {}
    data: Location
    output: Location
    # Read from the args with the job's own parser (config.job_arguments).
    _processes: int | None = PrivateAttr(default=None)

    def submit_args(self, lake_url: str, launcher: str) -> list[str]:
        """The entry script's arguments on Synapse: data and output on the stack's lake, the
        launcher resolved against the target pool (`resolve_launcher`), then the job's args."""
        return [
            "--data",
            self.data.url(lake_url),
            "--output",
            self.output.url(lake_url),
            "--launcher",
            launcher,
            *self.args,
        ]

    def requested_processes(self) -> int | None:
        """The processes the job starts, as its own parser reads its args (`--num-proc`, its
        default included); None for a job that parses its args itself."""
        return self._processes


def _format_validation_error(error: ValidationError) -> list[Problem]:
    # Validated from a mapping (anything else is refused before), with no model-level
    # validator: each error is located at a key.
    return [Problem(str(e.loc[0]), e.text) for e in field_errors(error, JobDefinition)]


def _files_problems(job: JobDefinition, job_dir: Path) -> list[Problem]:
    """Entry and pyFiles are files inside the job's folder or the shared training_jobs/common,
    once `..` and symlinks are resolved: a job.yaml cannot upload any other file."""
    allowed = (job_dir.resolve(), (job_dir.parent / "common").resolve())
    problems = []
    files = [("entry", job.entry)] + [(f"pyFiles[{i}]", f) for i, f in enumerate(job.pyFiles)]
    for key, relative in files:
        root = key.split("[")[0]
        if Path(relative).is_absolute():
            problems.append(
                Problem(root, f"{key} = {relative!r}: must be a path relative to {job_dir}")
            )
            continue
        resolved = (job_dir / relative).resolve()
        if not any(resolved.is_relative_to(folder) for folder in allowed):
            problems.append(
                Problem(
                    root,
                    f"{key} = {relative!r}: resolves to {resolved}, outside the job's folder "
                    "and training_jobs/common; a job ships only files from those two",
                )
            )
        elif not resolved.is_file():
            problems.append(
                Problem(root, f"{key} = {relative!r}: no such file {job_dir / relative}")
            )
    return problems


def parse_job_definition(raw: Any, job_dir: Path) -> JobDefinition:
    """Validate one job's parsed YAML; file paths resolve against its folder `job_dir`."""
    job_name = raw.get("name", job_dir.name) if isinstance(raw, Mapping) else job_dir.name
    if not isinstance(raw, Mapping):
        raise JobDefinitionError(
            str(job_name),
            [Problem("", f"{JOB_FILE} = {raw!r}: must be a mapping of keys to values")],
        )
    try:
        job = JobDefinition.model_validate(dict(raw))
    except ValidationError as error:
        raise JobDefinitionError(str(job_name), _format_validation_error(error)) from None
    problems = _files_problems(job, job_dir)
    if problems:
        raise JobDefinitionError(job.name, problems)
    files = [(job_dir / name).resolve() for name in (job.entry, *job.pyFiles)]
    reading = read_arguments(job.name, files, job.args, LAUNCHERS)
    if reading.problems:
        raise JobDefinitionError(job.name, [Problem("args", p) for p in reading.problems])
    job._processes = reading.processes
    return job


def load_job_definition(job_dir: Path, placement: Mapping[str, Any] | None = None) -> JobDefinition:
    """Read and validate `<job_dir>/job.yaml`, with a stack's `placement` keys (PLACEMENT_KEYS)
    replacing the job's own."""
    path = job_dir / JOB_FILE
    if not path.is_file():
        raise JobDefinitionError(job_dir.name, [Problem("", f"{JOB_FILE}: no such file {path}")])
    try:
        raw = load_yaml(path)
    except YamlFileError as error:
        raise JobDefinitionError(job_dir.name, [Problem("", str(error))]) from None
    if placement and isinstance(raw, Mapping):
        raw = {**raw, **placement}
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
    if not task_cpus_text.isdigit() or int(task_cpus_text) < 1:
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
        if resources.memory_gb > spec.memory_gb:
            problems.append(
                Problem(
                    role,
                    f"{role}.memory = {resources.memory!r}: above the {spec.memory_gb}g of {node}",
                )
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
            Problem(
                "numExecutors",
                f"numExecutors = {job.numExecutors}: above the {limit} executors pool "
                f"{pool.name!r} can run ({pool.max_nodes} nodes x {per_node} per node)",
            )
        )
    problems += _concurrency_problems(job)
    if problems:
        raise JobDefinitionError(job.name, problems)
