"""The engine side of the policy protocol: run a policy pack (by default the project's
policies/) as `pulumi preview --policy-pack policies` would, without the Pulumi CLI.

    report = run_policy_pack(resources, config_path=None)
"""

from synapse_dl.engine.analyzer.client import PolicyPackSession, run_policy_pack
from synapse_dl.engine.analyzer.policy_config import PolicyConfigError
from synapse_dl.engine.analyzer.report import PolicyReport
from synapse_dl.engine.plugin_process import PolicyPackStartError

# The engine's marker for a value not known until apply (during preview): the pack's policies
# report "can't run during preview" instead of judging it.
from synapse_dl.engine.pulumi_internals import UNKNOWN

__all__ = [
    "UNKNOWN",
    "PolicyConfigError",
    "PolicyPackSession",
    "PolicyPackStartError",
    "PolicyReport",
    "run_policy_pack",
]
