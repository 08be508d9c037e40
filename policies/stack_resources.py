"""Reading the whole stack that a stack policy (AnalyzeStack, on outputs) judges at once."""

from __future__ import annotations

from pulumi_policy import PolicyResource, StackValidationArgs


def of_type(args: StackValidationArgs, resource_type: str) -> list[PolicyResource]:
    return [r for r in args.resources if r.resource_type == resource_type]
