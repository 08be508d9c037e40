"""TrainingJob: a bundled training job's files on the data lake and its Spark job definition."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pulumi
from pulumi_azure_native import storage

from .jobs.catalog import StackJob
from .providers.spark_job_definition import SparkJobDefinition
from .spark_pool import SparkPool
from .workspace import SynapseWorkspace

JOBS_PREFIX = "jobs"


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


class TrainingJob(pulumi.ComponentResource):
    """Outputs: `name` (the definition's name), `file` (the entry script's abfss:// URL)."""

    def __init__(
        self,
        name: str,
        job: StackJob,
        *,
        workspace: SynapseWorkspace,
        pool: SparkPool,
        opts: pulumi.ResourceOptions | None = None,
    ):
        super().__init__("synapse-dl:jobs:TrainingJob", name, None, opts)
        definition = job.definition
        blobs, urls = [], []
        for path in job.files:
            key = blob_name(definition.name, path)
            blobs.append(
                storage.Blob(
                    f"{name}-{path.stem}",
                    account_name=workspace.data_lake_account_name,
                    container_name=workspace.filesystem,
                    resource_group_name=workspace.resource_group_name,
                    blob_name=key,
                    source=pulumi.FileAsset(str(path)),
                    type=storage.BlobType.BLOCK,
                    content_type="text/x-python",
                    opts=pulumi.ResourceOptions(parent=self),
                )
            )
            urls.append(pulumi.Output.concat(workspace.data_lake_url, key))

        properties = pulumi.Output.all(workspace.data_lake_url, *urls).apply(
            lambda values: job_properties(job, list(values[1:]), values[0])
        )
        self.definition = SparkJobDefinition(
            f"{name}-definition",
            workspace_name=workspace.name,
            name=definition.name,
            description=definition.description,
            target_big_data_pool=pool.name,
            required_spark_version=pool.config.spark_version,
            job_properties=properties,
            # A job never targets a pool without its libraries, nor a script not yet uploaded.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[*pool.ready, *blobs]),
        )
        self.name = definition.name
        self.file = urls[0]
        self.register_outputs({"name": self.name, "file": self.file})
