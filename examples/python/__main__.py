"""The cpu stack (Pulumi.cpu.yaml) written as a program of its own: the components and their
Args, no stack config. tests/components/test_component_args.py checks that it registers
what the stack does."""

from pathlib import Path

import pulumi

from synapse_dl import SparkPool, SynapseWorkspace, TrainingJob
from synapse_dl.package_lock import read_lock
from synapse_dl.spark_pool import SparkPoolSettings

REPOSITORY = Path(__file__).resolve().parents[2]
# This repository's bundled jobs; point at your own job folders.
JOBS = REPOSITORY / "training_jobs"
# The wheels `synapse-dl packages --stack cpu` locked for the pool's libraries: the workspace
# blocks PyPI, so they are uploaded as workspace packages.
LOCKED = read_lock(REPOSITORY / "workspace_packages" / "cpu.lock.json")["cpumedium"].packages

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
            "shared_key_access": False,
        },
        "network": {
            "managed_virtual_network": True,
            "prevent_data_exfiltration": True,
            "public_network_access": "Disabled",
        },
        "identity": {"entra_only_authentication": True},
        # Your groups' object ids.
        "admins": {
            "group_object_id": "5d2c7a41-8e3f-4b6a-9c1d-2f7e8a9b0c3d",
            "group_name": "synapse-dl-cpu-admins",
        },
        "job_runners": [{"object_id": "9e4b1f62-3a7d-4c8e-b5f0-6d1a2c3e4f57", "type": "Group"}],
        "diagnostics": {"retention_in_days": 90},
        "private_access": {"address_prefix": "10.20.0.0/24", "link_hub": True},
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
    "extra_libraries": ["tensorflow==2.19.1", "tf_keras==2.19.0", "numpy==1.26.4"],
}
pool = SparkPool(
    "cpumedium",
    {
        "workspace_name": workspace.name,
        "resource_group_name": workspace.resource_group_name,
        "location": workspace.location,
        "settings": cpu,
        "install_from_pypi": False,
        "log_analytics_workspace_id": workspace.log_analytics_workspace_id,
        "workspace_packages": [
            {"name": wheel.workspace_name, "sha256": wheel.sha256, "source": wheel.url}
            for wheel in LOCKED
        ],
    },
)

jobs = {
    name: TrainingJob(
        name,
        {
            "job_directory": str(JOBS / name),
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
    for name in ("pytorch_digits", "tensorflow_digits")
}

pulumi.export("workspaceName", workspace.name)
pulumi.export("jobFiles", {name: job.file for name, job in jobs.items()})
