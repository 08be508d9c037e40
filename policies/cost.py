"""Cost guardrails that need prices: a monthly budget per stack.

The pack holds no prices and reaches no network, so it declares the policy (its settings are
validated like any other's, and `pulumi preview --policy-pack-config` takes them) and reports
nothing itself. `synapse-dl plan` and `pr-check` judge it with the Azure Retail Prices API's
prices, at the level this config gives it.
"""

from __future__ import annotations

from metadata import described
from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)


def _judged_by_the_plan(_args: StackValidationArgs, _report_violation) -> None:
    """Nothing to judge without prices: the plan judges the budget (see the module)."""


monthly_budget = StackValidationPolicy(
    name="monthly-budget",
    **described("monthly-budget"),
    description="The stack's pools stay under a monthly budget at their maximum nodes "
    "(judged by synapse-dl plan, which has the prices).",
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.LOW,
    config_schema=PolicyConfigSchema(
        properties={
            "monthlyCeiling": {"type": "number", "exclusiveMinimum": 0},
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$", "default": "USD"},
        }
    ),
    validate=_judged_by_the_plan,
)

POLICIES = [monthly_budget]
