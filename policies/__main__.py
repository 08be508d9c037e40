"""The synapse-dl policy pack: `pulumi preview --policy-pack policies`.

Only builds the pack; the policies live in one module per area, whole-stack ones beside the
resource policies of their area. No module repeats a name of the synapse_dl package: the
pack's modules import as top-level names.
"""

import cost
import gpu_pools
import network
import security
import spark_jobs
import spark_pools
import storage
from pulumi_policy import EnforcementLevel, PolicyPack, StackValidationPolicy

AREAS = (gpu_pools, spark_pools, spark_jobs, network, security, storage, cost)
# Resource policies first, then whole-stack ones, the order the engine calls them in (Analyze,
# then AnalyzeStack) and the pack always listed them in; config errors name them in this order.
POLICIES = [p for a in AREAS for p in a.POLICIES if not isinstance(p, StackValidationPolicy)]
POLICIES += [p for a in AREAS for p in a.POLICIES if isinstance(p, StackValidationPolicy)]

PolicyPack(
    name="synapse-dl",
    description="Guardrails for GPU deep-learning Spark pools on Azure Synapse.",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=POLICIES,
)
