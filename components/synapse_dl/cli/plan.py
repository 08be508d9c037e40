"""`synapse-dl plan --stack dev [--json plan.json]`: the offline plan of a stack.

Runs the project's program under Pulumi's mocks, then the project's policy pack (policies/)
on every planned resource and on the stack, over the engine's own Analyzer protocol.

Exit status: 0 planned, no mandatory violation; 1 invalid config (stack or policy config)
or a program error; 2 a usage error (an option's value, a stack the project does not have);
3 planned, with a mandatory policy violation; 4 planned against --against with a blocking
finding (a change that would stop the deploy halfway) and no mandatory violation.

With --against BASE, the plan also says what it does to BASE's resources: each one matched by
URN, created, updated, replaced (and why) or deleted, with the inputs that changed ("against" in
the JSON). BASE is an earlier plan's JSON, the output of `pulumi stack export`, or a git ref (the
same stack file planned at that commit): see cli/baseline.py.

With --json, the file is written on every outcome but a bad option value: the plan, or
`{"stack", "error"}`, over whatever an earlier run left (atomically: never half a file), so
that never passes for this run's. A --json that names a file the command reads, a folder or
a place that cannot be written is a usage error (2), found before anything is read.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

import synapse_dl
from synapse_dl.cli.argument_types import (
    existing_file,
    file_or_ref,
    policy_pack_folder,
    positive_number,
)
from synapse_dl.cli.arguments import add_project_dir_argument, add_stack_arguments
from synapse_dl.cli.baseline import (
    Baseline,
    BaselineError,
    commit_of,
    planned_at,
    read_baseline,
)
from synapse_dl.cli.output_files import (
    EXIT_USAGE,
    OutputPathError,
    check_output_file,
    project_inputs,
    write_json,
)
from synapse_dl.cli.plan_contract import (
    EXIT_BLOCKING_CHANGE,
    EXIT_INVALID_INPUT,
    EXIT_MANDATORY_VIOLATION,
    EXIT_PLANNED,
)
from synapse_dl.cli.plan_cost import (
    BUDGET_POLICY,
    DEFAULT_ACTIVE_HOURS,
    judge_budget,
    prices_for,
    read_prices_file,
    stack_cost,
)
from synapse_dl.cli.plan_diff import diff_plans
from synapse_dl.cli.plan_findings import plan_findings
from synapse_dl.cli.plan_report import (
    plan_json,
    render_cost,
    render_diff,
    render_policy,
    render_text,
)
from synapse_dl.config.errors import ConfigError
from synapse_dl.engine.analyzer import (
    PolicyConfigError,
    PolicyPackStartError,
    PolicyReport,
    run_policy_pack,
)
from synapse_dl.engine.offline_runtime import Plan, plan_stack
from synapse_dl.project import (
    POLICY_PACK_FOLDER,
    stack_name,
)

HELP = "plan a stack offline and judge it with the policy pack"


def _fail(json_path: Path | None, stack: str, message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    write_json(json_path, {"stack": stack, "error": message})
    return EXIT_INVALID_INPUT


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_stack_arguments(parser, "plans")
    parser.add_argument("--json", type=Path, help="also writes the plan as JSON here")
    parser.add_argument(
        "--policy-config",
        type=existing_file,
        help="policy pack config, as --policy-pack-config takes it",
    )
    parser.add_argument(
        "--policy-pack",
        type=policy_pack_folder,
        help=f"the policy pack's folder (default: the project's {POLICY_PACK_FOLDER}/)",
    )
    parser.add_argument(
        "--prices",
        type=existing_file,
        metavar="FILE",
        help="a saved answer of the Azure Retail Prices API to price the pools with (default: "
        "the API itself, cached for a day)",
    )
    parser.add_argument(
        "--active-hours",
        type=positive_number,
        default=DEFAULT_ACTIVE_HOURS,
        metavar="HOURS",
        help="the hours a month the pools are assumed to run, for the monthly cost "
        "(default: %(default)g, 22 working days of 8 hours)",
    )
    parser.add_argument(
        "--against",
        type=file_or_ref,
        metavar="BASE",
        help="say what this plan creates, updates, replaces and deletes against BASE: an "
        "earlier plan's JSON (--json), a `pulumi stack export`, or a git ref",
    )
    add_project_dir_argument(parser)


def check_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """The baseline is read before anything is planned: a file that is no plan, or a name that
    is neither a file nor a commit, is misuse. A ref is planned when the plan runs."""
    args.price_book = None
    if args.prices is not None:
        try:
            args.price_book = read_prices_file(args.prices)
        except ValueError as error:
            parser.error(f"argument --prices: {error}")
    args.baseline = None
    if args.against is None:
        return
    if Path(args.against).is_file():
        try:
            args.baseline = read_baseline(Path(args.against))
        except BaselineError as error:
            parser.error(f"argument --against: {error}")
    elif commit_of(args.project_dir, args.against) is None:
        parser.error(
            f"argument --against: {args.against!r} is neither a file nor a commit of the "
            "project's git repository"
        )


def _against(base: Baseline, document: dict, stand_ins: list[str]) -> None:
    """The plan against its baseline, printed, and in the JSON: "changes" (one entry per
    resource) and "against" (the values that changed, the findings)."""
    unjudged = stand_ins if base.deployed else []
    diff = diff_plans(base.name, base.resources, document["resources"], unjudged)
    findings = plan_findings(diff, base.resources, document["resources"])
    print(render_diff(diff, findings, base.notes))
    blocking: dict[str, list[str]] = {}
    for finding in findings:
        if finding.blocking:
            blocking.setdefault(finding.urn, []).append(finding.message)
    document["changes"] = [
        {
            **{k: v for k, v in change.to_json().items() if k != "changes"},
            "blocking": "; ".join(blocking[change.urn]) if change.urn in blocking else None,
        }
        for change in diff.resources
    ]
    document["against"] = {
        **diff.to_json(),
        "findings": [f.to_json() for f in findings],
        "notes": base.notes,
    }


def _judge_budget(report: PolicyReport, cost: dict, plan: Plan) -> None:
    """The policy config's monthly budget, judged here (the pack has no prices): a violation
    at the policy's level, or a warning when it cannot be judged."""
    setting = report.settings.get(BUDGET_POLICY)
    if setting is None:
        return
    found, cannot = judge_budget(setting.enforcement_level, setting.properties, cost)
    if found:
        stack_urn = f"urn:pulumi:{plan.stack}::{plan.project}::pulumi:pulumi:Stack::" + (
            f"{plan.project}-{plan.stack}"
        )
        report.violations.append(
            {"policy": BUDGET_POLICY, "level": setting.enforcement_level, "urn": stack_urn,
             "message": found}
        )  # fmt: skip
    if cannot:
        plan.warnings.append(cannot)


def _where(error: BaseException, project: Path) -> str:
    """Which input the program was judging when it failed: the component it was building (a
    note `names_its_input` adds) and the line that raised, in the package or the program."""
    roots = [Path(synapse_dl.__file__).parent.parent, project]
    frames = [
        f"{relative} line {frame.lineno} ({frame.name})"
        for frame in traceback.extract_tb(error.__traceback__)
        for relative in [_under(Path(frame.filename), roots)]
        if relative
    ]
    notes = getattr(error, "__notes__", [])
    building = notes[-1] if notes else "outside the components"
    return building + (f", at {frames[-1]}" if frames else "")


def _under(path: Path, roots: list[Path]) -> str | None:
    for root in roots:
        if path.is_relative_to(root):
            return path.relative_to(root).as_posix()
    return None


def run(args: argparse.Namespace) -> int:
    # The parser settled the project and the stack's file (cli/arguments.py).
    project, stack_file = args.project_dir, args.stack_file
    stack = stack_name(stack_file)
    if args.json is not None:
        inputs = project_inputs(
            project,
            stack_file,
            args.policy_config,
            args.policy_pack,
            Path(args.against) if args.baseline is not None else None,
            args.prices,
        )
        try:
            check_output_file("--json", args.json, inputs)
        except OutputPathError as error:
            print(f"error: {error}", file=sys.stderr)
            return EXIT_USAGE
    pack = args.policy_pack or project / POLICY_PACK_FOLDER
    if not pack.is_dir():
        return _fail(
            args.json, stack, f"no policy pack folder {pack} (give one with --policy-pack)"
        )
    try:
        plan = plan_stack(stack_file, project)
    except ConfigError as error:
        return _fail(args.json, stack, str(error))
    except Exception as error:  # noqa: BLE001 (a bug, still reported as one line)
        if os.environ.get("SYNAPSE_DL_DEBUG"):
            traceback.print_exc()
        return _fail(
            args.json,
            stack,
            f"the program failed planning {stack_file.name} ({type(error).__name__}: {error}) "
            f"{_where(error, project)}; this is a bug in synapse-dl: please report it "
            "(SYNAPSE_DL_DEBUG=1 shows where)",
        )

    try:
        report = run_policy_pack(
            plan.resources,
            config_path=args.policy_config,
            pack_dir=pack,
            project=plan.project,
            stack=stack,
        )
    except PolicyConfigError as error:
        return _fail(args.json, stack, str(error))
    except PolicyPackStartError as error:
        # Its stderr's last line says why (an import error, a syntax error).
        reason = str(error).strip().splitlines()[-1]
        return _fail(args.json, stack, f"the policy pack in {pack} did not start: {reason}")

    base = None
    if args.against is not None:
        try:
            base = args.baseline or planned_at(args.against, stack_file, project)
        except BaselineError as error:
            return _fail(args.json, stack, f"--against {args.against}: {error}")
    document = plan_json(plan)
    cost = stack_cost(
        document["resources"],
        *prices_for(document["resources"], args.price_book),
        args.active_hours,
        base.resources if base else None,
    )
    _judge_budget(report, cost, plan)
    print(render_text(plan))
    print(render_policy(report))
    document["policy"] = report.to_json()
    blocking = False
    if base is not None:
        _against(base, document, plan.stand_ins)
        blocking = any(f["blocking"] for f in document["against"]["findings"])
    print(render_cost(cost))
    document["cost"] = cost
    write_json(args.json, document)
    if report.has_mandatory:
        return EXIT_MANDATORY_VIOLATION
    return EXIT_BLOCKING_CHANGE if blocking else EXIT_PLANNED
