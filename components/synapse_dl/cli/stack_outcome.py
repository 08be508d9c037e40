"""What one stack's offline plan came to: exit code + plan JSON -> an outcome.

`synapse-dl plan`'s exit codes (its contract): 0 planned, no mandatory violation;
1 invalid config or program error; 3 planned with a mandatory violation; 4 planned against a
baseline with a blocking finding (and no mandatory violation).
The JSON and the exit code must agree; where they do not, the stack fails,
because a check that passes on contradictory evidence is no check.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum

from synapse_dl.cli.plan_contract import (
    EXIT_BLOCKING_CHANGE,
    EXIT_INVALID_INPUT,
    EXIT_MANDATORY_VIOLATION,
    EXIT_PLANNED,
)
from synapse_dl.cli.plan_json import (
    Plan,
    PlanError,
    PlanJsonInvalid,
    Violation,
    parse_plan_json,
)
from synapse_dl.cli.preflight.check import PoolVerdict
from synapse_dl.engine.analyzer.levels import MANDATORY


class Outcome(Enum):
    PASSED = "passed"
    POLICY_VIOLATION = "mandatory policy violation"
    BLOCKING_CHANGE = "blocking change"
    CONFIG_ERROR = "config error"
    PLAN_ERROR = "plan error"
    LIBRARIES = "libraries cannot install"

    @property
    def icon(self) -> str:
        return "✅" if self is Outcome.PASSED else "❌"


@dataclass(frozen=True)
class StackResult:
    stack: str
    outcome: Outcome
    plan: Plan | None = None
    # why the stack failed when there is no plan to show (config or program error)
    error: str | None = None
    # each pool's library preflight; None when it was not run (no index, or a config error)
    libraries: tuple[PoolVerdict, ...] | None = None

    @property
    def failed(self) -> bool:
        return self.outcome is not Outcome.PASSED

    def violations(self, level: str) -> list[Violation]:
        return self.plan.policy.at_level(level) if self.plan else []

    def with_libraries(self, verdicts: Sequence[PoolVerdict]) -> StackResult:
        """This result with its pools' preflight: a pool that cannot install fails a stack
        that passed otherwise (the deploy would fail 20 minutes in)."""
        outcome = self.outcome
        if outcome is Outcome.PASSED and not all(v.ok for v in verdicts):
            outcome = Outcome.LIBRARIES
        return replace(self, outcome=outcome, libraries=tuple(verdicts))


def _stderr_tail(stderr: str, lines: int = 30) -> str:
    tail = stderr.strip().splitlines()[-lines:]
    return "\n".join(tail) if tail else "(nothing on stderr)"


def classify(stack: str, exit_code: int, plan_text: str | None, stderr: str) -> StackResult:
    """Turn one `synapse-dl plan` run (exit code, JSON file text or None, stderr) into a result."""
    parsed: Plan | PlanError | None = None
    if plan_text is not None and plan_text.strip():
        try:
            parsed = parse_plan_json(json.loads(plan_text))
        except json.JSONDecodeError as exc:
            return StackResult(stack, Outcome.PLAN_ERROR, error=f"unreadable plan JSON: {exc}")
        except PlanJsonInvalid as exc:
            return StackResult(stack, Outcome.PLAN_ERROR, error=str(exc))

    if isinstance(parsed, PlanError):
        return StackResult(stack, Outcome.CONFIG_ERROR, error=parsed.error)

    if exit_code == EXIT_INVALID_INPUT:
        # the plan writes {"stack", "error"} for every config error it catches, so
        # exit 1 without it is a crash: show the end of the traceback
        return StackResult(
            stack,
            Outcome.PLAN_ERROR,
            error="synapse-dl plan failed (exit 1) without writing a plan:\n"
            + _stderr_tail(stderr),
        )

    if exit_code not in (EXIT_PLANNED, EXIT_MANDATORY_VIOLATION, EXIT_BLOCKING_CHANGE):
        return StackResult(
            stack,
            Outcome.PLAN_ERROR,
            plan=parsed,
            error=f"synapse-dl plan exited {exit_code}, which its contract does not define:\n"
            + _stderr_tail(stderr),
        )

    if parsed is None:
        return StackResult(
            stack,
            Outcome.PLAN_ERROR,
            error=f"synapse-dl plan exited {exit_code} but wrote no plan JSON:\n"
            + _stderr_tail(stderr),
        )

    has_mandatory = bool(parsed.policy.at_level(MANDATORY))
    if exit_code == EXIT_MANDATORY_VIOLATION or has_mandatory:
        error = None
        if not has_mandatory:
            error = "synapse-dl plan exited 3 (mandatory violation) but the plan JSON lists none"
        return StackResult(stack, Outcome.POLICY_VIOLATION, plan=parsed, error=error)

    if exit_code == EXIT_BLOCKING_CHANGE or parsed.blocking:
        error = None
        if not parsed.blocking:
            error = "synapse-dl plan exited 4 (blocking change) but the plan JSON lists none"
        return StackResult(stack, Outcome.BLOCKING_CHANGE, plan=parsed, error=error)

    return StackResult(stack, Outcome.PASSED, plan=parsed)
