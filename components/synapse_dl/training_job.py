"""TrainingJob: a training job's files on the data lake and its Spark job definition.

No `from __future__ import annotations` here: the component provider reads these annotations
as types to build the package schema.
"""

import hashlib
from pathlib import Path
from typing import Any, NotRequired, TypedDict

import pulumi
from pydantic.alias_generators import to_snake

from synapse_dl.component_base import (
    names_its_input,
    options_with_alias,
    register_annotated_outputs,
    type_token,
)
from synapse_dl.config.component_args import check_args_shape, pool_settings
from synapse_dl.config.job_definition import PLACEMENT_KEYS
from synapse_dl.facts import azure_rules
from synapse_dl.providers.lake_file import LakeFile
from synapse_dl.providers.spark_job_definition import SparkJobDefinition
from synapse_dl.spark_pool import SparkPoolSettings
from synapse_dl.stack_jobs import StackJob, component_job

# What the lake says each shipped file is.
CONTENT_TYPES = {".py": "text/x-python", ".zip": "application/zip", ".egg": "application/zip"}
# The package's own folder in the workspace's filesystem, apart from the data people keep there.
JOBS_PREFIX = "synapse-dl/jobs"
PREVIOUS_TYPE = "synapse-dl:jobs:TrainingJob"
# TrainingJobArgs keys that set job.yaml keys (PLACEMENT_KEYS but the pool, which
# spark_pool_name sets), and the job.yaml key each sets.
PLACEMENT_ARGS = {to_snake(key): key for key in PLACEMENT_KEYS if key != "pool"}


def content_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def blob_name(job: str, path: Path) -> str:
    """Content-addressed: a changed script gets a new name, an unchanged one keeps its blob."""
    return f"{JOBS_PREFIX}/{job}/{content_digest(path)}/{path.name}"


def job_properties(job: StackJob, urls: list[str], lake_url: str) -> dict[str, Any]:
    """The definition's `jobProperties` (Synapse data plane, api-version 2020-12-01)."""
    definition = job.definition
    entry_url, *py_file_urls = urls
    conf = dict(definition.conf)
    if py_file_urls:
        # spark-submit's --py-files as a setting: puts the modules on the driver's path.
        conf["spark.submit.pyFiles"] = ",".join(py_file_urls)
    return {
        "name": definition.name,
        "file": entry_url,
        "args": definition.submit_args(lake_url, job.launcher),
        "conf": conf,
        "driverMemory": definition.driver.memory,
        "driverCores": definition.driver.cores,
        "executorMemory": definition.executor.memory,
        "executorCores": definition.executor.cores,
        "numExecutors": definition.numExecutors,
    }


class ProcessSize(TypedDict):
    """Cores and memory of the driver or of one executor."""

    cores: int
    """vCores (at least 1)."""
    memory: str
    """Whole gigabytes, such as 28g; with Spark's overhead (conf spark.<role>.memoryOverhead,
    else max(384 MiB, 10%)) it must fit a node."""


class TrainingJobArgs(TypedDict):
    """A training job folder (job.yaml and its scripts), where it runs and, optionally, how big.
    The job.yaml keys set here replace the folder's own."""

    job_directory: str
    """The folder holding job.yaml; from a program in another language, an absolute path."""
    spark_pool_name: pulumi.Input[str]
    """The target SparkPool's `name` output: the job waits for the pool and its libraries."""
    spark_pool: SparkPoolSettings
    """The target pool's settings, as given to its SparkPool: the job is checked against them."""
    workspace_name: pulumi.Input[str]
    """The workspace that holds the pool."""
    resource_group_name: NotRequired[pulumi.Input[str]]
    """Not used since the scripts go up with an Entra token (no account key to look up in the
    group); programs that pass it keep working."""
    data_lake_account_name: pulumi.Input[str]
    """The workspace's data lake (storage account), where the scripts are uploaded."""
    filesystem: pulumi.Input[str]
    """The filesystem on the lake that holds the scripts, data and output."""
    launcher: NotRequired[str]
    """How the job's processes start; default: the target runtime's own (one of horovod,
    spark)."""
    args: NotRequired[list[str]]
    """The entry script's arguments after --data, --output and --launcher, which they may
    not set: a job that ships job_arguments.py has them read by its parser at plan time."""
    driver: NotRequired[ProcessSize]
    """The driver's cores and memory (memory in whole gigabytes such as 28g; with Spark's
    overhead, spark.driver.memoryOverhead or max(384 MiB, 10%), it fits a node)."""
    executor: NotRequired[ProcessSize]
    """Each executor's cores and memory (as the driver's, its overhead
    spark.executor.memoryOverhead)."""
    num_executors: NotRequired[int]
    """How many executors: at most what the pool's nodes run, on a CPU pool its worker nodes
    (its head node runs the driver), on a GPU pool every node (at least 1)."""
    conf: NotRequired[dict[str, str]]
    """Spark properties for the job; not those its own keys set (spark.driver.memory and
    .cores, spark.executor.memory, .cores and .instances, spark.submit.pyFiles)."""


class TrainingJob(pulumi.ComponentResource):
    """A training job's scripts on the workspace's data lake and its Spark job definition."""

    name: pulumi.Output[str]
    """The Spark job definition's name."""
    file: pulumi.Output[str]
    """The entry script's abfss:// URL."""

    @names_its_input
    def __init__(
        self,
        name: str,
        args: TrainingJobArgs,
        opts: pulumi.ResourceOptions | None = None,
    ):
        # Checked before anything is registered: the job.yaml with its settings, on its pool.
        check_args_shape("TrainingJob", name, args, TrainingJobArgs.__required_keys__)
        pool_name = args["spark_pool_name"]
        pool = pool_settings(
            name,
            args["spark_pool"],
            None,
            key="args.sparkPool",
            component="TrainingJob",
            pool_name=pool_name if isinstance(pool_name, str) else "sparkPool",
            pool_name_key="args.sparkPoolName",
        )
        placement = {key: args[arg] for arg, key in PLACEMENT_ARGS.items() if arg in args}  # type: ignore[literal-required]
        job = component_job(name, Path(args["job_directory"]).resolve(), pool, placement)
        super().__init__(
            type_token(TrainingJob), name, None, options_with_alias(opts, PREVIOUS_TYPE)
        )
        definition = job.definition
        lake_url = pulumi.Output.all(args["filesystem"], args["data_lake_account_name"]).apply(
            lambda known: azure_rules.data_lake_url(*known)
        )
        blobs, urls = [], []
        for path in job.files:
            key = blob_name(definition.name, path)
            blobs.append(
                LakeFile(
                    f"{name}-{path.stem}",
                    account_name=args["data_lake_account_name"],
                    container=args["filesystem"],
                    path=key,
                    source=path,
                    content_type=CONTENT_TYPES.get(path.suffix, "application/octet-stream"),
                    opts=pulumi.ResourceOptions(parent=self),
                )
            )
            urls.append(pulumi.Output.concat(lake_url, key))

        properties = pulumi.Output.all(lake_url, *urls).apply(
            lambda values: job_properties(job, list(values[1:]), values[0])
        )
        SparkJobDefinition(
            f"{name}-definition",
            workspace_name=args["workspace_name"],
            name=definition.name,
            description=definition.description,
            # The pool's name carries its libraries: the definition waits for them.
            target_big_data_pool=pool_name,
            required_spark_version=pool.spark_version,
            job_properties=properties,
            # Nor a script not yet uploaded.
            opts=pulumi.ResourceOptions(parent=self, depends_on=blobs),
        )
        self.name = pulumi.Output.from_input(definition.name)
        self.file = urls[0]
        register_annotated_outputs(self)
