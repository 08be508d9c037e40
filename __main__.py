"""synapse-dl: a Synapse workspace with GPU and CPU Spark pools for distributed deep learning.

Config is read and validated once, before any resource is registered.
"""

from pathlib import Path

import pulumi
from pulumi_azure_native import authorization

from synapse_dl.config.lifecycle import lifecycle_warnings
from synapse_dl.config.stack import load_stack_config
from synapse_dl.jobs.catalog import load_stack_jobs
from synapse_dl.spark_pool import SparkPool
from synapse_dl.training_job import TrainingJob
from synapse_dl.workspace import SynapseWorkspace

stack = load_stack_config()
# The project's own jobs, next to this program.
jobs = load_stack_jobs(stack, Path(__file__).resolve().parent / "training_jobs")

for warning in lifecycle_warnings(stack.spark_pools):
    pulumi.log.warn(warning)

subscription_id = authorization.get_client_config_output().subscription_id
workspace = SynapseWorkspace(stack.workspace.name, stack.workspace, subscription_id=subscription_id)
pools = {
    pool.name: SparkPool(pool.name, pool, workspace=workspace, subscription_id=subscription_id)
    for pool in stack.spark_pools
}

trained = [
    TrainingJob(job.definition.name, job, workspace=workspace, pool=pools[job.definition.pool])
    for job in jobs
]

pulumi.export("workspaceName", workspace.name)
pulumi.export("devEndpoint", workspace.dev_endpoint)
pulumi.export("sqlEndpoint", workspace.sql_endpoint)
pulumi.export("dataLakeUrl", workspace.data_lake_url)
pulumi.export("sparkPools", [pool.name for pool in pools.values()])
pulumi.export("poolRequirements", {name: pool.requirements for name, pool in pools.items()})
pulumi.export("jobDefinitions", {job.name: job.file for job in trained})
