"""`synapse-dl`: the command line installed with the package.

    synapse-dl plan [--stack dev]        the offline plan of a stack, judged by the policy pack
    synapse-dl libraries [--stack dev]   each pool's libraries resolved against its runtime
    synapse-dl packages [--stack cpu]    the wheels of pools whose workspace blocks PyPI, locked
    synapse-dl pr-check [STACK_FILE ...] every stack planned and summarised (the pipelines' check)
    synapse-dl run-job --job NAME        a deployed training job, run on its pool and followed
    synapse-dl schema                    the component package's schema, checked
    synapse-dl new-job NAME --framework F a training job of your own, on the job API

Each command works on the Pulumi project around the working directory (the nearest folder
with a Pulumi.yaml), or on --project-dir. Exit status: each command's help gives its own;
2 is always a usage error.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from types import ModuleType

from synapse_dl.cli import libraries, new_job, packages, plan, pr_check, run_job, schema
from synapse_dl.cli.argument_types import Parser
from synapse_dl.cli.arguments import UsageError, check_project_and_stack, report_usage_error
from synapse_dl.version import PACKAGE, VERSION

COMMANDS: dict[str, ModuleType] = {
    "plan": plan,
    "libraries": libraries,
    "packages": packages,
    "pr-check": pr_check,
    "run-job": run_job,
    "schema": schema,
    "new-job": new_job,
}


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """The arguments, with `run` set to the chosen command's `run(args)`; every value checked
    (a usage error exits 2 with one line)."""
    parser = Parser(
        prog=PACKAGE, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"{PACKAGE} {VERSION}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    parsers = {}
    for name, module in COMMANDS.items():
        parsers[name] = command = commands.add_parser(
            name,
            help=module.HELP,
            description=module.__doc__,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(command)
        command.set_defaults(run=module.run)
    args = parser.parse_args(argv)
    # What the parser cannot see alone: the project, the stack in it, the environment.
    command = parsers[args.command]
    for action in command._actions:
        # argparse (3.11) stores [] without a type check for `--option=--`.
        if (
            type(action) is argparse._StoreAction
            and action.option_strings
            and getattr(args, action.dest) == []
        ):
            command.error(f"argument {action.option_strings[0]}: expected one value")
    try:
        check_project_and_stack(args)
    except UsageError as error:
        report_usage_error(args, str(error))
        command.error(str(error))
    if check := getattr(COMMANDS[args.command], "check_arguments", None):
        check(command, args)
    return args


def run(argv: list[str] | None = None) -> int:
    """Parse the arguments and run the command they name; its exit status."""
    if not os.environ.get("SYNAPSE_DL_DEBUG"):
        # azure-identity logs each credential it tried as a warning, which Python's last-resort
        # handler prints; the command's own one line says what to do.
        logging.getLogger("azure").addHandler(logging.NullHandler())
    args = parse(argv)
    try:
        return args.run(args)
    except OSError as error:
        # A file that could not be read or written after the command's own checks passed (a
        # full disk, a folder removed meanwhile): one line, not a traceback.
        print(f"error: {error}", file=sys.stderr)
        return 1
