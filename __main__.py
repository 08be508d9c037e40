"""synapse-dl: a Synapse workspace with GPU and CPU Spark pools for distributed deep learning.

Config is read and validated once, before any resource is registered; this program maps it
to the components' Args (synapse_dl.stack_args), as any other program would write them.
"""

from pathlib import Path

import pulumi

from synapse_dl import SparkPool, SynapseWorkspace, TrainingJob
from synapse_dl.config.loading import load_stack_config
from synapse_dl.package_lock import lock_path, stack_packages
from synapse_dl.stack_args import pool_settings, training_job_args, workspace_args
from synapse_dl.stack_jobs import load_stack_jobs

PROJECT_DIR = Path(__file__).resolve().parent
stack = load_stack_config()
# The project's own jobs, next to this program.
jobs = load_stack_jobs(stack, PROJECT_DIR / "training_jobs")
# Where the workspace blocks PyPI, each pool's libraries come as the wheels locked for it
# (`make packages STACK=<stack>`), uploaded as workspace packages.
stack_name = pulumi.get_stack()
locked = stack_packages(stack, lock_path(PROJECT_DIR, stack_name), stack_name)
from_pypi = not stack.workspace.network.prevent_data_exfiltration

workspace = SynapseWorkspace(stack.workspace.name, workspace_args(stack.workspace))
settings = {pool.name: pool_settings(pool) for pool in stack.spark_pools}
pools = {
    name: SparkPool(
        name,
        {
            "workspace_name": workspace.name,
            "resource_group_name": workspace.resource_group_name,
            "location": stack.workspace.location,
            "settings": pool,
            "install_from_pypi": from_pypi,
            **(
                {"log_analytics_workspace_id": workspace.log_analytics_workspace_id}
                if stack.workspace.diagnostics
                else {}
            ),
            "workspace_packages": [
                {"name": p.workspace_name, "sha256": p.sha256, "source": p.url}
                for p in locked.get(name, [])
            ],
        },
    )
    for name, pool in settings.items()
}
trained = {
    job.definition.name: TrainingJob(
        job.definition.name,
        training_job_args(
            job,
            workspace,
            spark_pool=settings[job.definition.pool],
            spark_pool_name=pools[job.definition.pool].name,
        ),
    )
    for job in jobs
}

pulumi.export("workspaceName", workspace.name)
pulumi.export("devEndpoint", workspace.dev_endpoint)
pulumi.export("sqlEndpoint", workspace.sql_endpoint)
pulumi.export("dataLakeUrl", workspace.data_lake_url)
pulumi.export("sparkPools", [pool.name for pool in pools.values()])
pulumi.export("poolRequirements", {name: pool.requirements for name, pool in pools.items()})
pulumi.export("jobDefinitions", {name: job.file for name, job in trained.items()})
