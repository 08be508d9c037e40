"""Reports, as violations, what each policy call received, so tests can check that the
harness sends what the engine sends (the Analyzer client's contract, not the synapse-dl pack's)."""

import json
import os
import time

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyPack,
    ResourceValidationPolicy,
    StackValidationPolicy,
)


def _provider(provider):
    if provider is None:
        return None
    return {"type": provider.resource_type, "name": provider.name, "urn": provider.urn}


def _echo_resource(args, report_violation):
    # A resource asking for it makes the pack hang, as a slow or stuck policy would.
    time.sleep(args.props.get("hangSeconds", 0))
    received = {
        "urn": args.urn,
        "type": args.resource_type,
        "name": args.name,
        "props": dict(args.props),
        "parent": args.opts.parent,
        "provider": _provider(args.provider),
    }
    report_violation(json.dumps(received, sort_keys=True))


def _echo_stack(args, report_violation):
    for r in args.resources:
        received = {
            "type": r.resource_type,
            "name": r.name,
            "props": dict(r.props),
            "parent": r.parent.urn if r.parent else None,
            "optionsParent": r.opts.parent,
            "dependencies": [d.urn for d in r.dependencies],
            "propertyDependencies": {
                prop: [d.urn for d in deps] for prop, deps in r.property_dependencies.items()
            },
            "provider": _provider(r.provider),
        }
        report_violation(json.dumps(received, sort_keys=True), r.urn)
    report_violation("about the stack, with no resource named")
    # What the CLI puts in the pack's environment (pulumi/policy reads them).
    started_with = {k: os.environ.get(k) for k in ENVIRONMENT}
    report_violation(f"environment {json.dumps(started_with, sort_keys=True)}")
    print("chatter after the port")  # a pack may write to stdout at any time


ENVIRONMENT = ("PULUMI_PROJECT", "PULUMI_STACK", "PULUMI_DRY_RUN", "PULUMI_CONFIG")


PolicyPack(
    name="probe",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=[
        ResourceValidationPolicy(name="echo-resource", description="echo", validate=_echo_resource),
        StackValidationPolicy(name="echo-stack", description="echo", validate=_echo_stack),
        # Settings with a schema, for the harness's config checks.
        StackValidationPolicy(
            name="with-settings",
            description="settings",
            validate=lambda args, report_violation: None,
            config_schema=PolicyConfigSchema(
                properties={"threshold": {"type": "integer"}, "label": {"type": "string"}},
            ),
        ),
    ],
)
