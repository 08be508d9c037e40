"""The stack config (synapse_dl.config.models) as the components' Args: what this repository's own
program passes, mapped as any program would write them."""

from __future__ import annotations

from typing import Any

import pulumi

from synapse_dl.config.models import SparkPoolConfig, WorkspaceConfig
from synapse_dl.spark_pool import SparkPoolSettings
from synapse_dl.stack_jobs import StackJob
from synapse_dl.training_job import PLACEMENT_ARGS, TrainingJobArgs
from synapse_dl.workspace import SynapseWorkspace, SynapseWorkspaceArgs


def _snake(model: Any, exclude: set[str]) -> dict[str, Any]:
    # Field names are the Args' keys; unset defaults stay out, so the component's own apply.
    return model.model_dump(exclude=exclude, exclude_unset=True)


def workspace_args(workspace: WorkspaceConfig) -> SynapseWorkspaceArgs:
    args: dict[str, Any] = _snake(workspace, {"name", "resource_group", "location"})
    args |= {
        "workspace_name": workspace.name,
        "location": workspace.location,
        "resource_group_name": workspace.resource_group.name,
        "create_resource_group": workspace.resource_group.create,
    }
    return args  # type: ignore[return-value]


def pool_settings(pool: SparkPoolConfig) -> SparkPoolSettings:
    settings: dict[str, Any] = _snake(pool, {"name"})
    settings["pool_name"] = pool.name
    return settings  # type: ignore[return-value]


def training_job_args(
    job: StackJob,
    workspace: SynapseWorkspace,
    *,
    spark_pool: SparkPoolSettings,
    spark_pool_name: pulumi.Input[str],
) -> TrainingJobArgs:
    by_key = {key: arg for arg, key in PLACEMENT_ARGS.items()}
    args: dict[str, Any] = {by_key[k]: v for k, v in job.placement.items() if k in by_key}
    args |= {
        "job_directory": str(job.folder),
        "spark_pool": spark_pool,
        "spark_pool_name": spark_pool_name,
        "workspace_name": workspace.name,
        "data_lake_account_name": workspace.data_lake_account_name,
        "filesystem": workspace.filesystem,
    }
    return args  # type: ignore[return-value]
