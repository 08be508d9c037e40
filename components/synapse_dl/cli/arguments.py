"""The arguments several commands share: which project, and which of its stacks."""

from __future__ import annotations

import argparse
from pathlib import Path

from synapse_dl.project import PROJECT_FILE


def add_project_dir_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--project-dir",
        type=Path,
        help=f"the Pulumi project (default: the nearest folder from here up with a {PROJECT_FILE})",
    )


def add_stack_arguments(parser: argparse.ArgumentParser, verb: str) -> None:
    """`--stack NAME` (Pulumi.NAME.yaml, default dev) or `--stack-file FILE`; `verb` says
    what the command does with it ("plans", "checks")."""
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--stack", default="dev", help=f"{verb} Pulumi.<stack>.yaml (default: dev)")
    source.add_argument("--stack-file", type=Path, help=f"{verb} this stack file")
