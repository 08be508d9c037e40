"""SparkPool: a Synapse Spark pool (GPU or CPU) and, as a second step, its libraries.

No `from __future__ import annotations` here: the component provider reads these annotations
as types to build the package schema.
"""

import hashlib
import json
from typing import Any, NotRequired, TypedDict

import pulumi
from pulumi_azure_native import synapse

from synapse_dl.component_base import (
    names_its_input,
    options_with_alias,
    register_annotated_outputs,
    type_token,
)
from synapse_dl.config.component_args import (
    check_args_shape,
    heading,
    pool_options,
    pool_settings,
    workspace_packages,
)
from synapse_dl.config.errors import ConfigError
from synapse_dl.config.libraries import REQUIREMENTS_FILENAME, render_requirements
from synapse_dl.config.lifecycle import lifecycle_warnings
from synapse_dl.config.models import SparkPoolConfig
from synapse_dl.diagnostic_setting import diagnostic_setting
from synapse_dl.facts import azure_rules, diagnostics
from synapse_dl.providers.pool_libraries import PoolLibraries
from synapse_dl.providers.workspace_package import WorkspacePackageResource

SPARK_CONFIG_FILENAME = "spark-defaults.conf"


PREVIOUS_TYPE = "synapse-dl:spark:SparkPool"


def pool_arguments(pool: SparkPoolConfig, location: pulumi.Input[str]) -> dict[str, Any]:
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
    if pool.compute_isolation:
        # Only when on: an explicit false would change every deployed pool's inputs (and the
        # library fingerprint) for nothing.
        args["is_compute_isolation_enabled"] = True
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


class AutoScale(TypedDict):
    """Autoscale between two node counts."""

    enabled: NotRequired[bool]
    """Scale between minNodeCount and maxNodeCount, once autoScale is given (default true)."""
    min_node_count: NotRequired[int]
    """Fewest nodes (3-200; default 3)."""
    max_node_count: NotRequired[int]
    """Most nodes (3-200; default 3)."""


class AutoPause(TypedDict):
    """Pause the pool when idle."""

    enabled: NotRequired[bool]
    """Pause when idle (default true)."""
    delay_in_minutes: NotRequired[int]
    """Idle minutes before pausing (5-10080; default 15)."""


class DynamicExecutorAllocation(TypedDict):
    """Spark's dynamic executor allocation on the pool."""

    enabled: NotRequired[bool]
    """Allocate executors on demand (default false)."""
    min_executors: NotRequired[int]
    """Fewest executors; required when enabled (at least 1)."""
    max_executors: NotRequired[int]
    """Most executors; required when enabled (at least 1)."""


class SparkPoolSettings(TypedDict):
    """A pool's own settings: what it runs on and what it installs. A TrainingJob is checked
    against the settings of the pool it targets."""

    node_size_family: str
    """The nodes' family; GPU pools are HardwareAcceleratedGPU (one of MemoryOptimized,
    HardwareAcceleratedFPGA, HardwareAcceleratedGPU)."""
    node_size: str
    """The nodes' size, as their family offers it (one of Small, Medium, Large, XLarge,
    XXLarge, XXXLarge)."""
    spark_version: str
    """The Synapse Spark runtime: GPU pools need 3.1 or 3.2, both retired, and 3.4 is retired
    too (one of 3.1, 3.2, 3.4, 3.5)."""
    pool_name: NotRequired[str]
    """The pool's name in the workspace (1-15 letters and digits); default: the resource name."""
    node_count: NotRequired[int]
    """Nodes when autoscale is off (3-200; default 3)."""
    auto_scale: NotRequired[AutoScale]
    """Autoscale; off by default."""
    auto_pause: NotRequired[AutoPause]
    """Auto-pause; on after 15 idle minutes by default."""
    dynamic_executor_allocation: NotRequired[DynamicExecutorAllocation]
    """Dynamic executor allocation; off by default."""
    deep_learning_libraries: NotRequired[bool]
    """Install the runtime's deep-learning set (TensorFlow, PyTorch, Horovod, Petastorm);
    default: on GPU pools only."""
    extra_libraries: NotRequired[list[str]]
    """More pip requirements, one per item."""
    spark_config: NotRequired[dict[str, str]]
    """Spark properties for the pool's spark-defaults.conf."""
    compute_isolation: NotRequired[bool]
    """Run on hosts isolated to this customer; MemoryOptimized XXXLarge nodes only, in East
    US, West US 2, South Central US and the two US Gov regions (default false)."""
    session_level_packages_enabled: NotRequired[bool]
    """Let sessions install their own packages (default false)."""
    tags: NotRequired[dict[str, str]]
    """Tags on the pool."""


class WorkspacePackageSpec(TypedDict):
    """A wheel uploaded into the workspace as a workspace package and attached to the pool."""

    name: str
    """Its name in the workspace: a wheel file name, unique to its content (at most 100
    characters); `synapse-dl packages` puts the content hash in its build tag."""
    sha256: str
    """The wheel's sha256, checked before it is uploaded."""
    source: str
    """Where the wheel is: a file path, or its URL on the package index (downloaded at deploy)."""


class SparkPoolArgs(TypedDict):
    """A Spark pool in a workspace: this package's SynapseWorkspace or one that exists."""

    workspace_name: pulumi.Input[str]
    """The workspace that holds the pool."""
    resource_group_name: pulumi.Input[str]
    """The workspace's resource group."""
    location: pulumi.Input[str]
    """The workspace's Azure region (GPU pools exist in a few)."""
    settings: SparkPoolSettings
    """The pool's own settings."""
    workspace_packages: NotRequired[list[WorkspacePackageSpec]]
    """Wheels uploaded as workspace packages and attached to the pool (`customLibraries`):
    the one way to libraries in a workspace that blocks PyPI."""
    install_from_pypi: NotRequired[bool]
    """Install the settings' libraries from PyPI; false where the workspace blocks PyPI, and
    the libraries then come as workspace_packages (default true)."""
    log_analytics_workspace_id: NotRequired[pulumi.Input[str]]
    """Send the pool's Spark logs there through a diagnostic setting (the workspace's
    log_analytics_workspace_id); none by default."""


class SparkPool(pulumi.ComponentResource):
    """A Synapse Spark pool (GPU or CPU) and, as a second step, its library requirements."""

    name: pulumi.Output[str]
    """The pool's name; it resolves with the pool's libraries in place, so a job given it
    waits for them."""
    pool_id: pulumi.Output[str]
    """The pool's ARM resource ID."""
    requirements: pulumi.Output[str]
    """The requirements.txt the pool installs from PyPI ("" when none)."""

    @names_its_input
    def __init__(
        self,
        name: str,
        args: SparkPoolArgs,
        opts: pulumi.ResourceOptions | None = None,
    ):
        # Checked before anything is registered.
        check_args_shape("SparkPool", name, args, SparkPoolArgs.__required_keys__)
        config = pool_settings(name, args["settings"], args["location"], key="args.settings")
        specs = workspace_packages(
            name, args.get("workspace_packages"), key="args.workspacePackages"
        )
        requirements = render_requirements(config)
        from_pypi = pool_options(name, args).install_from_pypi
        if requirements and not from_pypi and not specs:
            raise ConfigError(
                [
                    "args.installFromPypi = false: args.settings names libraries "
                    f"({', '.join(requirements.split())}) and args.workspacePackages has none "
                    "of them; lock them (`synapse-dl packages`) and pass the wheels"
                ],
                heading("SparkPool", name),
            )
        super().__init__(type_token(SparkPool), name, None, options_with_alias(opts, PREVIOUS_TYPE))
        # Said by the component, so a program in any language hears it from `pulumi up`.
        for warning in lifecycle_warnings([config]):
            pulumi.log.warn(warning, resource=self)
        pool_args = pool_arguments(config, args["location"])
        pool = synapse.BigDataPool(
            name,
            resource_group_name=args["resource_group_name"],
            workspace_name=args["workspace_name"],
            **pool_args,
            # Owned by the PoolLibraries step below.
            opts=pulumi.ResourceOptions(
                parent=self, ignore_changes=["libraryRequirements", "customLibraries"]
            ),
        )
        packages = [
            WorkspacePackageResource(
                f"{name}-package-{package.distribution}",
                workspace_name=args["workspace_name"],
                name=package.name,
                sha256=package.sha256,
                source=package.source,
                opts=pulumi.ResourceOptions(parent=self),
            )
            for package in specs
        ]
        self.name = pool.name
        if (requirements and from_pypi) or packages:
            libraries = PoolLibraries(
                f"{name}-libraries",
                # The pool's own subscription: no lookup, nothing to pass in.
                subscription_id=pool.id.apply(azure_rules.subscription_of),
                resource_group_name=args["resource_group_name"],
                workspace_name=args["workspace_name"],
                big_data_pool_name=pool.name,
                requirements=requirements if from_pypi else None,
                filename=REQUIREMENTS_FILENAME,
                pool_fingerprint=pulumi.Output.all(args["workspace_name"], args["location"]).apply(
                    lambda known: fingerprint(known[0], {**pool_args, "location": known[1]})
                ),
                custom_libraries=(
                    pulumi.Output.all(*(p.custom_library for p in packages)) if packages else None
                ),
                opts=pulumi.ResourceOptions(parent=self, depends_on=[pool]),
            )
            # The name carries the libraries as a dependency: a job targeting the pool never
            # starts before they are installed. Their URN is known at once, so is the name.
            self.name = pulumi.Output.all(pool.name, libraries.urn).apply(lambda known: known[0])
        if args.get("log_analytics_workspace_id"):
            diagnostic_setting(
                f"{name}-diagnostics",
                resource_uri=pool.id,
                log_analytics_workspace_id=args["log_analytics_workspace_id"],
                categories=diagnostics.POOL_LOG_CATEGORIES,
                parent=self,
            )
        self.pool_id = pool.id
        self.requirements = pulumi.Output.from_input(requirements if from_pypi else "")
        register_annotated_outputs(self)
