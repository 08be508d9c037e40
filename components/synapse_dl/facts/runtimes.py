"""The one table of Synapse Spark runtimes and node sizes this project knows.

Every region list, version, node size and lifecycle date the components use comes
from here; the policy pack keeps its own copy (it is published on its own) and
tests/test_facts_in_step.py keeps the two in step.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Final

GPU_FAMILY: Final = "HardwareAcceleratedGPU"

# ARM enums, azure-rest-api-specs synapse 2021-06-01 bigDataPool.json
# (pulumi_azure_native.synapse.NodeSizeFamily / NodeSize).
NODE_SIZE_FAMILIES: Final = ("None", "MemoryOptimized", "HardwareAcceleratedFPGA", GPU_FAMILY)
NODE_SIZES: Final = ("None", "Small", "Medium", "Large", "XLarge", "XXLarge", "XXXLarge")

# Regions where GPU pools existed: docs "quickstart-create-apache-gpu-pool-portal" and
# "apache-spark-gpu-concept" ("East US, Australia East, and North Europe").
GPU_REGIONS: Final = ("eastus", "australiaeast", "northeurope")

# Default GPU quota, docs "apache-spark-rapids-gpu" (quotas): 50 GPU vCores per workspace.
DEFAULT_GPU_VCORE_QUOTA: Final = 50


@dataclass(frozen=True)
class NodeSpec:
    vcores: int
    memory_gb: int
    gpus: int = 0


# Node sizes per family. MemoryOptimized: docs "apache-spark-pool-configurations"
# (Small 4/32 ... XXLarge 64/432; XXXLarge 80/504 is the isolated-compute size).
# GPU: docs "apache-spark-rapids-gpu": GPU-Large is 16 vCPU, 110 GB, 1 GPU; GPU-XLarge runs
# 4 executors a node, one per GPU, on the NC64as_T4_v3 shape (64 vCPU, 440 GB, 4 GPUs).
NODE_SPECS: Final[dict[tuple[str, str], NodeSpec]] = {
    ("MemoryOptimized", "Small"): NodeSpec(4, 32),
    ("MemoryOptimized", "Medium"): NodeSpec(8, 64),
    ("MemoryOptimized", "Large"): NodeSpec(16, 128),
    ("MemoryOptimized", "XLarge"): NodeSpec(32, 256),
    ("MemoryOptimized", "XXLarge"): NodeSpec(64, 432),
    ("MemoryOptimized", "XXXLarge"): NodeSpec(80, 504),
    (GPU_FAMILY, "Large"): NodeSpec(16, 110, gpus=1),
    (GPU_FAMILY, "XLarge"): NodeSpec(64, 440, gpus=4),
}
# Isolated compute (one customer per host): only this size offers it (docs
# "apache-spark-pool-configurations", "Isolated Compute").
ISOLATABLE_NODE_SIZES: Final = frozenset({("MemoryOptimized", "XXXLarge")})
# ...and only in these regions (the same page: East US, West US 2, South Central US, US Gov
# Arizona, US Gov Virginia).
ISOLATED_COMPUTE_REGIONS: Final = (
    "eastus", "westus2", "southcentralus", "usgovarizona", "usgovvirginia"
)  # fmt: skip


@dataclass(frozen=True)
class ExecutorLayout:
    """Required driver/executor sizes on a GPU pool (docs "apache-spark-rapids-gpu")."""

    driver_cores: int
    driver_memory_gb: int
    executor_cores: int
    executor_memory_gb: int
    executors_per_node: int


GPU_EXECUTOR_LAYOUTS: Final[dict[tuple[str, str], ExecutorLayout]] = {
    ("Large", "small"): ExecutorLayout(4, 30, 12, 60, 1),
    ("Large", "medium"): ExecutorLayout(7, 30, 9, 60, 1),
    ("XLarge", "medium"): ExecutorLayout(8, 40, 14, 80, 4),
    ("XLarge", "large"): ExecutorLayout(12, 40, 13, 80, 4),
}


# How a job's training processes are started (training_jobs/common/):
# - "horovod": horovod.spark.run, data through Petastorm. Horovod and Petastorm ship only on
#   the 3.1/3.2 GPU runtimes; horovod[spark] requires pyarrow<11 (horovod setup.py, last
#   release 0.28.1) and Petastorm 0.13.1 fails to import on pyarrow >= 16 (uber/petastorm
#   issue 805), so neither runs on 3.4 or 3.5.
# - "spark": Spark's own barrier tasks: pyspark.ml.torch.distributor.TorchDistributor
#   (Spark >= 3.4) for PyTorch, MultiWorkerMirroredStrategy with a TF_CONFIG per task for
#   TensorFlow; data through a pyarrow reader.
LAUNCHERS: Final = ("horovod", "spark")


@dataclass(frozen=True)
class SparkRuntime:
    version: str
    python: str
    end_of_support: dt.date
    gpu_regions: tuple[str, ...] = ()
    # Deep-learning libraries the GPU runtime ships preinstalled, as exact versions.
    deep_learning: dict[str, str] = field(default_factory=dict)
    # Packages that matter to training, as the runtime's default environment ships them
    # (PyPI names). Absent means absent: a job needing it must install it on the pool.
    preinstalled: dict[str, str] = field(default_factory=dict)
    # The launchers (LAUNCHERS) this runtime can run; the first is a job's default.
    launchers: tuple[str, ...] = ()
    lifecycle_note: str = ""
    # The node image's glibc (major, minor): the newest manylinux wheel the pool's pip takes.
    glibc: tuple[int, int] = (2, 17)
    # The runtime's published Python environment, as facts/runtime_environments/ holds it
    # (tools/runtime_environments.py writes those files).
    environment_file: str = ""

    @property
    def supports_gpu(self) -> bool:
        return bool(self.gpu_regions)

    @property
    def python_minor(self) -> str:
        """'3.11' of '3.11.11': what pip's --python-version and wheel tags compare."""
        return ".".join(self.python.split(".")[:2])

    @property
    def default_launcher(self) -> str:
        return self.launchers[0]

    def is_past_end_of_support(self, today: dt.date) -> bool:
        return today > self.end_of_support


RUNTIMES: Final[dict[str, SparkRuntime]] = {
    # Docs "apache-spark-3-runtime" and "apache-spark-version-support": Python 3.8; end of
    # support 2024-01-26. GPU libraries: docs "concept-deep-learning" (Spark 3.1 GPU runtime:
    # PyTorch 1.8.1, TensorFlow 2.4.1, Petastorm 0.11.3). Horovod ships on it too, but no
    # source we hold gives its version, so it is not pinned.
    "3.1": SparkRuntime(
        version="3.1",
        python="3.8",
        end_of_support=dt.date(2024, 1, 26),
        gpu_regions=GPU_REGIONS,
        deep_learning={"torch": "1.8.1", "tensorflow": "2.4.1", "petastorm": "0.11.3"},
        # No TorchDistributor before Spark 3.4.
        launchers=("horovod",),
        lifecycle_note="Spark 3.1 and its GPU preview are out of support; pools cannot be created",
        # Ubuntu 18.04 (as the 3.2 component list gives), glibc 2.27.
        glibc=(2, 27),
        environment_file="spark-3.1-3.2.json",
    ),
    # Docs "apache-spark-32-runtime", "concept-deep-learning", "tutorial-horovod-pytorch":
    # Python 3.8; PyTorch 1.11.0, TensorFlow 2.8.0, Horovod 0.24.3, Petastorm 0.11.3. Runtime
    # and GPU preview retired and disabled on 2024-07-08. Its last published component list
    # (microsoft/synapse-spark-runtime Synapse/spark3.2/Components.json) merges the CPU and
    # GPU environments without saying which entry is which, so `preinstalled` stays empty.
    "3.2": SparkRuntime(
        version="3.2",
        python="3.8",
        end_of_support=dt.date(2024, 7, 8),
        gpu_regions=GPU_REGIONS,
        deep_learning={
            "torch": "1.11.0",
            "tensorflow": "2.8.0",
            "horovod": "0.24.3",
            "petastorm": "0.11.3",
        },
        launchers=("horovod",),
        lifecycle_note="Spark 3.2 and GPU pools were retired and disabled on 2024-07-08",
        # Components.json "operatingSystem": Ubuntu 18.04.6 LTS, glibc 2.27.
        glibc=(2, 27),
        environment_file="spark-3.1-3.2.json",
    ),
    # Docs "apache-spark-34-runtime"; end of support 2026-03-31. No GPU pools. Versions from
    # microsoft/synapse-spark-runtime Synapse/spark3.4/Synapse-Python310-CPU.yml (commit
    # c1a72f5b): python 3.10.13, pyarrow 14.0.2, numpy 1.23.5, pandas 1.5.3, pytorch 2.0.1
    # (CPU), tensorflow 2.15.0, mlflow-skinny 2.9.2, matplotlib 3.8.2; no horovod, no petastorm.
    "3.4": SparkRuntime(
        version="3.4",
        python="3.10.13",
        end_of_support=dt.date(2026, 3, 31),
        preinstalled={
            "pyarrow": "14.0.2",
            "numpy": "1.23.5",
            "pandas": "1.5.3",
            "torch": "2.0.1",
            "tensorflow": "2.15.0",
            "mlflow-skinny": "2.9.2",
            "matplotlib": "3.8.2",
        },
        launchers=("spark",),
        lifecycle_note="Spark 3.4 reached end of support on 2026-03-31; move pools to 3.5",
        # Components.json "operatingSystem": CBL-Mariner 2.0, glibc 2.35.
        glibc=(2, 35),
        environment_file="spark-3.4.json",
    ),
    # Docs "apache-spark-35-runtime": LTS from 2027-11-01, supported to 2028-10-31. No GPU
    # pools. Versions from microsoft/synapse-spark-runtime
    # Synapse/spark3.5/Synapse-Python311-CPU.yml (commit bdfdb55d): python 3.11.11,
    # pyarrow 19.0.0, numpy 1.26.4, pandas 2.2.3, pytorch 2.5.1 (a CUDA 12.4 build that runs
    # on CPU nodes), mlflow-skinny 2.18.0, matplotlib 3.10.0; no tensorflow, horovod or
    # petastorm.
    "3.5": SparkRuntime(
        version="3.5",
        python="3.11.11",
        end_of_support=dt.date(2028, 10, 31),
        preinstalled={
            "pyarrow": "19.0.0",
            "numpy": "1.26.4",
            "pandas": "2.2.3",
            "torch": "2.5.1",
            "mlflow-skinny": "2.18.0",
            "matplotlib": "3.10.0",
        },
        launchers=("spark",),
        # Components.json "operatingSystem": Azure Linux 3.0, glibc 2.38.
        glibc=(2, 38),
        environment_file="spark-3.5.json",
    ),
}


def normalize_region(location: str) -> str:
    """ARM region names compare without case or spaces: 'East US' == 'eastus'."""
    return location.replace(" ", "").lower()


def node_spec(family: str, size: str) -> NodeSpec | None:
    return NODE_SPECS.get((family, size))
