"""synapse-dl: a Synapse workspace with GPU and CPU Spark pools for distributed deep learning.

Config is read and validated once, before any resource is registered.
"""

import pulumi
from pulumi_azure_native import authorization

from components.config import load_stack_config
from components.job_catalog import load_stack_jobs
from components.lifecycle import lifecycle_warnings
from components.spark_pool import SparkPool
from components.training_job import TrainingJob
from components.workspace import SynapseWorkspace

stack = load_stack_config()
jobs = load_stack_jobs(stack)

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
