"""The synapse-dl policy pack: `pulumi preview --policy-pack policies`.

Only builds the pack; the policies live in one module per area.
"""

import gpu_pools
import network
import security
import spark_pools
import stack
import storage
from pulumi_policy import EnforcementLevel, PolicyPack

PolicyPack(
    name="synapse-dl",
    description="Guardrails for GPU deep-learning Spark pools on Azure Synapse.",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=[
        *gpu_pools.POLICIES,
        *spark_pools.POLICIES,
        *network.POLICIES,
        *security.POLICIES,
        *storage.POLICIES,
        *stack.POLICIES,
    ],
)
