"""A training job's declarative definition (`training_jobs/<job>/job.yaml`), validated once.

The infrastructure program imports this module to deploy the jobs as Spark job definitions,
so it is pure Python: pydantic, PyYAML and the runtimes table, nothing of Spark, torch or
TensorFlow. Every error names the job, the key, the bad value and what is allowed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
)

from synapse_dl.config.job_arguments import read_arguments
from synapse_dl.config.plain_text import PlainTextModel
from synapse_dl.config.spark_properties import SparkProperties
from synapse_dl.config.strict_yaml import YamlFileError, load_yaml
from synapse_dl.config.validation_messages import field_errors
from synapse_dl.facts import azure_rules
from synapse_dl.facts.runtimes import LAUNCHERS

JOB_FILE = "job.yaml"
# Spark's memory notation as Synapse takes it for driverMemory/executorMemory: whole gigabytes.
_MEMORY = re.compile(r"([1-9][0-9]*)g")
_FILE_NAME = re.compile(r"[A-Za-z0-9._-]+")
# The Spark properties a job definition sets from its job.yaml keys (driverMemory and the
# others of the Livy batch; pyFiles as spark.submit.pyFiles).
_SET_BY_KEYS = {
    "spark.driver.memory": "driver.memory",
    "spark.driver.cores": "driver.cores",
    "spark.executor.memory": "executor.memory",
    "spark.executor.cores": "executor.cores",
    "spark.executor.instances": "numExecutors",
    "spark.submit.pyFiles": "pyFiles",
}
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


def _lake_location(value: str) -> str:
    url = azure_rules.LAKE_URL.fullmatch(value)
    path = url.group("path") if url else value
    if url and len(url.group("filesystem")) not in azure_rules.FILESYSTEM_NAME_LENGTH:
        raise ValueError("the URL's filesystem name is not 3-63 characters long")
    if value.startswith("abfss://") and not url:
        raise ValueError(
            "a full location is abfss://<filesystem>@<account>.dfs.core.windows.net/<path>"
        )
    if not azure_rules.LAKE_PATH.fullmatch(path):
        raise ValueError(
            "a path on the lake relative to its root, such as 'training/data/digits': "
            "names of letters, digits, '.', '_' and '-' joined by '/' (no leading or "
            "doubled '/', no '.' or '..'); or a full abfss:// URL ending in such a path"
        )
    return value


def _file_name(suffixes: tuple[str, ...], folders: bool = False) -> Any:
    """A file Spark is given by name: entry (`.py`), pyFiles (`.py`, `.zip`, `.egg`, docs
    "Submitting Applications", or with `folders` a folder without a suffix, shipped as
    `<name>.zip`). The name goes into a URL and into `spark.submit.pyFiles`, which Spark
    splits at commas, so it is letters, digits, '.', '_' and '-' only."""

    def check(value: str) -> str:
        name = Path(value).name
        if not _FILE_NAME.fullmatch(name):
            raise ValueError(
                f"the file name {name!r} holds a character Spark or a URL reads differently "
                "(a comma splits spark.submit.pyFiles); use letters, digits, '.', '_', '-'"
            )
        if not name.endswith(suffixes) and not (folders and not Path(name).suffix):
            also = " or a folder of modules (shipped as one .zip)" if folders else ""
            raise ValueError(f"Spark runs only {' or '.join(suffixes)} files here{also}")
        return value

    return AfterValidator(check)


class Location(_Model):
    # A path on the stack's data lake (`training/data/digits`), so one job deploys to any
    # stack; or a full `abfss://<filesystem>@<account>.dfs.core.windows.net/...` URL.
    path: Annotated[str, AfterValidator(_lake_location)]

    def url(self, lake_url: str) -> str:
        """The location on the lake whose root URL is `lake_url` (ending in '/')."""
        return self.path if self.path.startswith("abfss://") else lake_url + self.path

    def contains(self, other: Location) -> bool:
        """Whether `other` is this location or under it (on the same lake)."""
        mine, theirs = self.url("abfss://lake/"), other.url("abfss://lake/")
        return theirs == mine or theirs.startswith(mine + "/")


# A Parquet column the job reads: its name goes into an argument that commas split.
_COLUMN = r"^[A-Za-z_][A-Za-z0-9_.-]*$"
Column = Annotated[str, Field(pattern=_COLUMN, max_length=128)]


class Dataset(Location):
    """The job's Parquet dataset (`train/` and `test/` under `path`) and which columns it
    reads: the features (one array column, or several numeric ones), the label, and an id
    column that lets a run check its shards (optional)."""

    features: list[Column] = Field(default=["features"], min_length=1)
    label: Column = "label"
    id: Column | None = None

    def column_args(self) -> list[str]:
        """The entry script's column arguments (common/job_arguments.py)."""
        args = ["--features", ",".join(self.features), "--label", self.label]
        return args + (["--id-column", self.id] if self.id else [])


class JobDefinition(_Model):
    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]*$")
    description: str
    pool: str = Field(min_length=1, description="The Spark pool of the stack that runs the job.")
    framework: Literal["pytorch", "tensorflow"]
    # horovod or spark (facts/runtimes.py LAUNCHERS); absent: the target runtime's default.
    launcher: Literal["horovod", "spark"] | None = None
    entry: Annotated[str, _file_name((".py",))]
    pyFiles: list[Annotated[str, _file_name((".py", ".zip", ".egg"), folders=True)]] = []
    args: list[str] = []
    driver: Resources
    executor: Resources
    numExecutors: int = Field(ge=1)
    conf: SparkProperties = {}
    data: Dataset
    output: Location
    # Read from the args with the job's own parser (config.job_arguments).
    _processes: int | None = PrivateAttr(default=None)

    @field_validator("conf")
    @classmethod
    def _conf_leaves_the_keys_of_the_file(cls, conf: dict[str, str]) -> dict[str, str]:
        # The definition sends these from its own keys; a conf entry for one would make the
        # checks judge one value and Spark run another.
        taken = [key for key in conf if key in _SET_BY_KEYS]
        if taken:
            raise ValueError(
                f"{', '.join(taken)}: set by the job file's own keys; write "
                + ", ".join(_SET_BY_KEYS[key] for key in taken)
                + " instead"
            )
        return conf

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
            *self.data.column_args(),
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
        elif Path(relative).suffix and not resolved.is_file():
            problems.append(
                Problem(root, f"{key} = {relative!r}: no such file {job_dir / relative}")
            )
        elif not Path(relative).suffix and not resolved.is_dir():
            problems.append(
                Problem(root, f"{key} = {relative!r}: no such folder {job_dir / relative}")
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
    # The job writes checkpoints and results under output: never into its own data.
    if job.data.contains(job.output) or job.output.contains(job.data):
        problems.append(
            Problem(
                "output",
                f"output.path = {job.output.path!r}: overlaps data.path = {job.data.path!r}; "
                "the job writes under output, so keep the two apart",
            )
        )
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
