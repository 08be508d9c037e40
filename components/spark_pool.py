"""SparkPool: a Synapse Spark pool (GPU or CPU) and, as a second step, its libraries."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pulumi
from pulumi_azure_native import synapse

from .config.libraries import REQUIREMENTS_FILENAME, render_requirements
from .config.stack import SparkPoolConfig
from .providers.pool_libraries import PoolLibraries
from .workspace import SynapseWorkspace

SPARK_CONFIG_FILENAME = "spark-defaults.conf"


def pool_arguments(pool: SparkPoolConfig, location: str) -> dict[str, Any]:
    """The BigDataPool's own arguments (never libraryRequirements: ARM refuses them on create)."""
    args: dict[str, Any] = {
        "big_data_pool_name": pool.name,
        "location": location,
        "node_size_family": pool.node_size_family,
        "node_size": pool.node_size,
        "spark_version": pool.spark_version,
        "auto_pause": {
            "enabled": pool.auto_pause.enabled,
            "delay_in_minutes": pool.auto_pause.delay_in_minutes,
        },
        "session_level_packages_enabled": pool.session_level_packages_enabled,
        "tags": pool.tags,
    }
    if pool.auto_scale.enabled:
        args["auto_scale"] = {
            "enabled": True,
            "min_node_count": pool.auto_scale.min_node_count,
            "max_node_count": pool.auto_scale.max_node_count,
        }
    else:
        args["auto_scale"] = {"enabled": False}
        args["node_count"] = pool.node_count
    allocation = pool.dynamic_executor_allocation
    args["dynamic_executor_allocation"] = (
        {
            "enabled": True,
            "min_executors": allocation.min_executors,
            "max_executors": allocation.max_executors,
        }
        if allocation.enabled
        else {"enabled": False}
    )
    if pool.spark_config:
        args["spark_config_properties"] = {
            "configuration_type": "File",
            "filename": SPARK_CONFIG_FILENAME,
            "content": "".join(f"{k} {v}\n" for k, v in sorted(pool.spark_config.items())),
        }
    return args


def fingerprint(workspace_name: str, args: dict[str, Any]) -> str:
    """A hash of everything the pool's PUT carries: it changes whenever Pulumi updates the pool."""
    text = json.dumps({"workspace": workspace_name, "pool": args}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


class SparkPool(pulumi.ComponentResource):
    """Outputs: `name`, `id`, `requirements` (the rendered requirements.txt, "" when none)."""

    def __init__(
        self,
        name: str,
        config: SparkPoolConfig,
        *,
        workspace: SynapseWorkspace,
        subscription_id: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ):
        super().__init__("synapse-dl:spark:SparkPool", name, None, opts)
        self.config = config
        args = pool_arguments(config, workspace.location)
        pool = synapse.BigDataPool(
            name,
            resource_group_name=workspace.resource_group_name,
            workspace_name=workspace.name,
            **args,
            # Owned by the PoolLibraries step below.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["libraryRequirements"]),
        )
        self.requirements = render_requirements(config)
        self.libraries: PoolLibraries | None = None
        if self.requirements:
            self.libraries = PoolLibraries(
                f"{name}-libraries",
                subscription_id=subscription_id,
                resource_group_name=workspace.resource_group_name,
                workspace_name=workspace.name,
                big_data_pool_name=pool.name,
                requirements=self.requirements,
                filename=REQUIREMENTS_FILENAME,
                pool_fingerprint=fingerprint(workspace.config.name, args),
                opts=pulumi.ResourceOptions(parent=self, depends_on=[pool]),
            )
        self.name: pulumi.Output[str] = pool.name
        self.id: pulumi.Output[str] = pool.id
        # What a job targeting this pool must wait for: the pool and its libraries.
        self.ready: list[pulumi.Resource] = [pool] + ([self.libraries] if self.libraries else [])
        self.register_outputs({"name": self.name, "id": self.id, "requirements": self.requirements})
