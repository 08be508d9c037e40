"""The plan JSON that `synapse-dl plan --json PATH` writes, as typed models.

Parsed strictly on the fields the summary reads, so a drift in the contract
shows up as a named error in the check instead of as a silently empty summary.
Extra fields are ignored: the plan may add more without breaking the check.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from synapse_dl.engine.analyzer.levels import REPORTED_LEVELS


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class Violation(_Model):
    policy: str
    level: str
    # a stack-level policy (AnalyzeStack) may report without a resource
    urn: str | None = None
    message: str

    @field_validator("level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value not in REPORTED_LEVELS:
            raise ValueError(f"not one of {', '.join(REPORTED_LEVELS)}")
        return value


class Weakened(_Model):
    """A policy the policy config set below the pack's own level."""

    policy: str
    default: str
    configured: str


class PolicyReport(_Model):
    pack: str
    violations: list[Violation] = Field(default_factory=list)
    weakened: list[Weakened] = Field(default_factory=list)

    def at_level(self, level: str) -> list[Violation]:
        return sorted(
            (v for v in self.violations if v.level == level),
            key=lambda v: (v.policy, v.urn or "", v.message),
        )


class PlannedResource(_Model):
    urn: str
    type: str
    name: str
    parent: str | None = None
    depends_on: list[str] = Field(default_factory=list, alias="dependsOn")


class Change(_Model):
    """What the plan does to one resource of its baseline (`plan --against`)."""

    urn: str
    type: str
    name: str
    action: str
    paths: list[str] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list)


class Finding(_Model):
    blocking: bool
    urn: str
    message: str


class Against(_Model):
    base: str
    summary: dict[str, int]
    resources: list[Change] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    def count(self, action: str) -> int:
        return self.summary.get(action, 0)

    @property
    def changed(self) -> bool:
        return any(self.count(a) for a in ("create", "update", "replace", "delete"))


class MoneyRange(_Model):
    min: float
    max: float


class Cost(_Model):
    currency: str | None = None
    assumption: str
    source: str
    monthly: MoneyRange | None = None
    delta: MoneyRange | None = None


class Plan(_Model):
    """A planned stack: exit 0 (no mandatory violation) or exit 3."""

    stack: str
    resources: list[PlannedResource]
    warnings: list[str] = Field(default_factory=list)
    policy: PolicyReport
    against: Against | None = None
    cost: Cost | None = None

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.against.findings if f.blocking] if self.against else []


class PlanError(_Model):
    """A stack whose config (or program) failed: exit 1."""

    stack: str
    error: str


class PlanJsonInvalid(ValueError):
    """The plan JSON is not what synapse_dl.cli.plan_contract promises."""


def parse_plan_json(data: object) -> Plan | PlanError:
    """A `Plan`, or a `PlanError` when the JSON carries an "error" key."""
    if not isinstance(data, dict):
        raise PlanJsonInvalid(f"plan JSON must be an object, got {type(data).__name__}")
    model: type[Plan] | type[PlanError] = PlanError if "error" in data else Plan
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}"
            for err in exc.errors()
        )
        raise PlanJsonInvalid(f"plan JSON does not match the plan contract: {problems}") from exc
