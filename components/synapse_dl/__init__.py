"""synapse-dl: Pulumi components for distributed deep learning on Azure Synapse Spark.

    from synapse_dl import SynapseWorkspace, SparkPool, TrainingJob

This folder (`components/` in the repository) is the `synapse_dl` package once installed
(pyproject.toml maps the name). The three components import Pulumi and azure-native; they are
loaded on first use, so that `synapse_dl.config.job_definition` (pydantic only) imports in the
training environments without them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from synapse_dl.version import VERSION as __version__

if TYPE_CHECKING:
    from synapse_dl.spark_pool import SparkPool
    from synapse_dl.training_job import TrainingJob
    from synapse_dl.workspace import SynapseWorkspace

_COMPONENTS = {
    "SynapseWorkspace": "synapse_dl.workspace",
    "SparkPool": "synapse_dl.spark_pool",
    "TrainingJob": "synapse_dl.training_job",
}
__all__ = ["SparkPool", "SynapseWorkspace", "TrainingJob", "__version__"]


def __getattr__(name: str) -> Any:
    if name in _COMPONENTS:
        return getattr(importlib.import_module(_COMPONENTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
