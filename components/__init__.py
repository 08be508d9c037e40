"""synapse-dl: Pulumi components for distributed deep learning on Azure Synapse Spark.

    from synapse_dl import SynapseWorkspace, SparkPool, TrainingJob

This folder (`components/` in the repository) is the `synapse_dl` package once installed
(pyproject.toml maps the name). The three components import Pulumi and azure-native; they are
loaded on first use, so that `synapse_dl.jobs.definition` (pydantic only) imports in the
training environments without them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .version import VERSION as __version__

if TYPE_CHECKING:
    from .spark_pool import SparkPool
    from .training_job import TrainingJob
    from .workspace import SynapseWorkspace

_COMPONENTS = {
    "SynapseWorkspace": ".workspace",
    "SparkPool": ".spark_pool",
    "TrainingJob": ".training_job",
}
__all__ = ["SparkPool", "SynapseWorkspace", "TrainingJob", "__version__"]


def __getattr__(name: str) -> Any:
    if name in _COMPONENTS:
        return getattr(importlib.import_module(_COMPONENTS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
