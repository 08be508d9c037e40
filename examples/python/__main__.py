"""The cpu stack (Pulumi.cpu.yaml) written as a program of its own: the components and their
Args, no stack config. tests/components/test_component_args.py checks that it registers
what the stack does."""

from pathlib import Path

import pulumi

from synapse_dl import SparkPool, SynapseWorkspace, TrainingJob
from synapse_dl.spark_pool import SparkPoolSettings

# This repository's bundled job; point at your own job folder.
JOB = Path(__file__).resolve().parents[2] / "training_jobs" / "pytorch_digits"

workspace = SynapseWorkspace(
    "synw-dl-cpu-001",
    {
        "workspace_name": "synw-dl-cpu-001",
        "location": "westeurope",
        "resource_group_name": "rg-synapse-dl-cpu",
        "data_lake": {
            "account_name": "stsynapsedlcpu001",
            "filesystem": "synapse",
            "sku": "Standard_ZRS",
        },
        "network": {
            "managed_virtual_network": True,
            "prevent_data_exfiltration": True,
            "public_network_access": "Disabled",
        },
        "identity": {"entra_only_authentication": True},
        "tags": {"project": "synapse-dl", "environment": "cpu"},
    },
)

cpu: SparkPoolSettings = {
    "node_size_family": "MemoryOptimized",
    "node_size": "Medium",
    "spark_version": "3.5",
    "auto_scale": {"enabled": True, "min_node_count": 3, "max_node_count": 6},
    "auto_pause": {"enabled": True, "delay_in_minutes": 15},
    "dynamic_executor_allocation": {"enabled": True, "min_executors": 1, "max_executors": 5},
}
pool = SparkPool(
    "cpumedium",
    {
        "workspace_name": workspace.name,
        "resource_group_name": workspace.resource_group_name,
        "location": workspace.location,
        "settings": cpu,
    },
)

job = TrainingJob(
    "pytorch_digits",
    {
        "job_directory": str(JOB),
        "spark_pool_name": pool.name,
        "spark_pool": cpu,
        "workspace_name": workspace.name,
        "resource_group_name": workspace.resource_group_name,
        "data_lake_account_name": workspace.data_lake_account_name,
        "filesystem": workspace.filesystem,
        # Sized for the pool: one training process on each of two Medium nodes.
        "args": ["--num-proc", "2", "--epochs", "20"],
        "driver": {"cores": 4, "memory": "28g"},
        "executor": {"cores": 8, "memory": "56g"},
        "num_executors": 2,
        "conf": {"spark.dynamicAllocation.enabled": "false", "spark.task.cpus": "8"},
    },
)

pulumi.export("workspaceName", workspace.name)
pulumi.export("jobFile", job.file)
