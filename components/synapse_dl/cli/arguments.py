"""The arguments several commands share: which project, and which of its stacks, checked once
the command line is parsed (a missing project or stack is a usage error, exit 2)."""

from __future__ import annotations

import argparse
from pathlib import Path

from synapse_dl.cli.argument_types import existing_file, project_folder
from synapse_dl.cli.argument_types import stack_name as stack_name_argument
from synapse_dl.cli.output_files import (
    EXIT_USAGE,
    OutputPathError,
    check_output_file,
    project_inputs,
    write_json,
)
from synapse_dl.project import (
    PROJECT_FILE,
    ProjectNotFoundError,
    find_project_dir,
    root_stack_files,
    stack_file_path,
    stack_name,
)


def add_project_dir_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--project-dir",
        type=project_folder,
        help=f"the Pulumi project (default: the nearest folder from here up with a {PROJECT_FILE})",
    )


def add_stack_arguments(parser: argparse.ArgumentParser, verb: str) -> None:
    """`--stack NAME` (Pulumi.NAME.yaml, default dev) or `--stack-file FILE`; `verb` says
    what the command does with it ("plans", "checks")."""
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--stack",
        default="dev",
        type=stack_name_argument,
        help=f"{verb} Pulumi.<stack>.yaml (default: dev)",
    )
    source.add_argument("--stack-file", type=existing_file, help=f"{verb} this stack file")


class UsageError(Exception):
    """A command line the parser took that names something missing (a project, a stack)."""


def check_project_and_stack(args: argparse.Namespace) -> None:
    """Settle `args.project_dir` (the project around the working directory by default) and,
    where the command takes one, `args.stack_file` (the stack's file in it); UsageError when
    there is no project or no such stack."""
    if args.project_dir is None:
        try:
            args.project_dir = find_project_dir()
        except ProjectNotFoundError as error:
            raise UsageError(str(error)) from None
    if getattr(args, "stack", None) is None or getattr(args, "stack_file", None) is not None:
        return
    path: Path = stack_file_path(args.project_dir, args.stack)
    if not path.is_file():
        stacks = ", ".join(s.name for s in root_stack_files(args.project_dir)) or "none"
        raise UsageError(
            f"argument --stack: {args.stack!r}: no {path.name} in {args.project_dir} "
            f"(its stacks: {stacks})"
        )
    args.stack_file = path


def report_usage_error(args: argparse.Namespace, message: str) -> None:
    """Where the command writes JSON (--json), the error goes there too, so a file from an
    earlier run never stands for this one; nothing is written where it may not be."""
    path = getattr(args, "json", None)
    if path is None:
        return
    inputs = project_inputs(args.project_dir, getattr(args, "stack_file", None))
    try:
        check_output_file("--json", path, inputs)
    except OutputPathError:
        return
    stack = stack_name(args.stack_file) if args.stack_file else args.stack
    write_json(path, {"stack": stack, "error": message, "exitStatus": EXIT_USAGE})
