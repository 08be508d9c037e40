"""The pack's own copy of the Synapse facts its policies judge against.

The pack is published on its own, so it cannot import the project's table
(components/facts/runtimes.py); tests/policies/test_facts_in_step.py keeps the two equal.
Stdlib only: the pack must start fast.
"""

from __future__ import annotations

import datetime as dt

GPU_FAMILY = "HardwareAcceleratedGPU"
# Node sizes that can run on isolated compute (docs "apache-spark-pool-configurations").
ISOLATABLE_NODE_SIZES = frozenset({("MemoryOptimized", "XXXLarge")})
# ...and only in these regions (the same page).
ISOLATED_COMPUTE_REGIONS = ("eastus", "westus2", "southcentralus", "usgovarizona", "usgovvirginia")

# Regions where GPU pools existed: docs "quickstart-create-apache-gpu-pool-portal" and
# "apache-spark-gpu-concept" ("East US, Australia East, and North Europe").
GPU_REGIONS = ("eastus", "australiaeast", "northeurope")

# Spark runtimes that offered GPU pools: docs "concept-deep-learning" (3.1 and 3.2 only).
GPU_RUNTIMES = ("3.1", "3.2")

# End of support per Synapse Spark runtime: docs "apache-spark-version-support" and the
# runtime pages (3.2 and the GPU preview were retired and disabled on 2024-07-08).
END_OF_SUPPORT = {
    "3.1": dt.date(2024, 1, 26),
    "3.2": dt.date(2024, 7, 8),
    "3.4": dt.date(2026, 3, 31),
    "3.5": dt.date(2028, 10, 31),
}

# The launchers each runtime can run (training_jobs/common): Horovod and Petastorm only on the
# GPU runtimes (horovod[spark] needs pyarrow<11; Petastorm fails on pyarrow>=16); Spark's own
# barrier-task launcher (TorchDistributor) from Spark 3.4.
LAUNCHERS = {
    "3.1": ("horovod",),
    "3.2": ("horovod",),
    "3.4": ("spark",),
    "3.5": ("spark",),
}

# A firewall rule admitting more addresses than a /8 (the largest block one holder gets) opens
# the workspace to the internet.
INTERNET_WIDE_ADDRESSES = 2**24

# vCores per GPU node, docs "apache-spark-rapids-gpu": GPU-Large 16 vCPU (1 GPU);
# GPU-XLarge is the NC64as_T4_v3 shape, 64 vCPU (4 GPUs).
GPU_NODE_VCORES = {"Large": 16, "XLarge": 64}

# Default GPU quota per workspace, docs "apache-spark-rapids-gpu" (quotas section).
DEFAULT_GPU_VCORE_QUOTA = 50


def normalize_region(location: str) -> str:
    """ARM region names compare without case or spaces: 'East US' == 'eastus'."""
    return location.replace(" ", "").lower()
