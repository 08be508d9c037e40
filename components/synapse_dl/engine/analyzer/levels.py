"""Enforcement levels by the names the engine, the CLI's policy config and the plan JSON use.

The one list of them: the harness maps them to the Analyzer protocol's enum, validates policy
config against them, and the offline plan and the pull-request check read them in its output.
In the order violations are reported: what blocks a deployment first.
"""

from __future__ import annotations

MANDATORY = "mandatory"
ADVISORY = "advisory"
REMEDIATE = "remediate"
DISABLED = "disabled"
ENFORCEMENT_LEVELS = (MANDATORY, ADVISORY, REMEDIATE, DISABLED)
# The levels a reported violation carries: a disabled policy reports nothing, and one at
# remediate fixes the resource instead (a stack policy at remediate counts as mandatory).
REPORTED_LEVELS = (MANDATORY, ADVISORY)
# How much each level holds a deployment back: a config that moves a policy down this scale
# weakens the pack, and the plan says so every time.
STRENGTH = {MANDATORY: 3, REMEDIATE: 2, ADVISORY: 1, DISABLED: 0}
