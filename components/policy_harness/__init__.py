"""The engine side of the policy protocol: run the pack in policies/ as `pulumi preview
--policy-pack policies` would, without the Pulumi CLI.

    report = run_policy_pack(resources, config_path=None)
"""

# UNKNOWN: the engine's marker for a value not known until apply (during preview); the
# pack's policies report "can't run during preview" instead of judging it.
from pulumi.runtime.rpc import UNKNOWN

from policy_harness.client import PolicyPackSession, run_policy_pack
from policy_harness.config import PolicyConfigError
from policy_harness.process import POLICY_PACK_DIR, PolicyPackStartError
from policy_harness.report import PolicyReport

__all__ = [
    "POLICY_PACK_DIR",
    "UNKNOWN",
    "PolicyConfigError",
    "PolicyPackSession",
    "PolicyPackStartError",
    "PolicyReport",
    "run_policy_pack",
]
