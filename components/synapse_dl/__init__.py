"""synapse-dl: Pulumi components for distributed deep learning on Azure Synapse Spark.

    from synapse_dl import SynapseWorkspace, SparkPool, TrainingJob

The package has three layers, each importing only from those below it (`make lint` keeps them
so): the command line (`synapse_dl.cli`), the engine layer (`synapse_dl.engine`: stand-ins for
the Pulumi engine, and the component provider), and the library a Pulumi program imports, here
at the top. The components and their Args import Pulumi and azure-native, so they load on
first use: `synapse_dl.config.job_definition` (pydantic only) imports in the training
environments without them, and the pipelines' stack listing reads `synapse_dl.project` with
nothing installed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from synapse_dl.version import VERSION as __version__

if TYPE_CHECKING:
    from synapse_dl.spark_pool import SparkPool, SparkPoolArgs, SparkPoolSettings
    from synapse_dl.training_job import TrainingJob, TrainingJobArgs
    from synapse_dl.workspace import SynapseWorkspace, SynapseWorkspaceArgs

# What a program imports from the package, by the module that holds it.
_LIBRARY = {
    "SynapseWorkspace": "synapse_dl.workspace",
    "SynapseWorkspaceArgs": "synapse_dl.workspace",
    "SparkPool": "synapse_dl.spark_pool",
    "SparkPoolArgs": "synapse_dl.spark_pool",
    "SparkPoolSettings": "synapse_dl.spark_pool",
    "TrainingJob": "synapse_dl.training_job",
    "TrainingJobArgs": "synapse_dl.training_job",
}
__all__ = [
    "SparkPool",
    "SparkPoolArgs",
    "SparkPoolSettings",
    "SynapseWorkspace",
    "SynapseWorkspaceArgs",
    "TrainingJob",
    "TrainingJobArgs",
    "__version__",
]


def __getattr__(name: str) -> Any:
    if name in _LIBRARY:
        return getattr(importlib.import_module(_LIBRARY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
