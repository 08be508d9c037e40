"""What a policy run found, in the shape the offline plan writes to its JSON."""

from __future__ import annotations

from dataclasses import dataclass, field

from synapse_dl.engine.analyzer.levels import ENFORCEMENT_LEVELS, MANDATORY
from synapse_dl.engine.analyzer.policy_config import PolicyConfig


@dataclass(frozen=True)
class PolicyReport:
    pack: str
    version: str
    # Each {"policy", "level", "urn", "message"}, in the order the engine would report them:
    # per resource (Analyze), then the stack (AnalyzeStack).
    violations: list[dict[str, str]] = field(default_factory=list)
    # Each {"policy", "default", "configured"}: a policy the config set below the pack's own
    # level (disabled, or a mandatory one made advisory), in the pack's order.
    weakened: list[dict[str, str]] = field(default_factory=list)
    # Each policy's level and settings as the config left them: for the policies the plan
    # judges itself (a budget needs prices, which the pack does not have).
    settings: dict[str, PolicyConfig] = field(default_factory=dict)

    @property
    def has_mandatory(self) -> bool:
        return any(v["level"] == MANDATORY for v in self.violations)

    def by_level(self) -> dict[str, list[dict[str, str]]]:
        """Violations grouped by level, mandatory first; levels without any are left out."""
        return {
            level: found
            for level in ENFORCEMENT_LEVELS
            if (found := [v for v in self.violations if v["level"] == level])
        }

    def to_json(self) -> dict[str, object]:
        return {
            "pack": self.pack,
            "violations": [dict(v) for v in self.violations],
            "weakened": [dict(w) for w in self.weakened],
        }
