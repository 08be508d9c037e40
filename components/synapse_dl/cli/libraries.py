"""`synapse-dl libraries [--stack dev]`: can each pool's libraries install on its runtime?

Resolves each pool's rendered requirements with pip, as the pool would: for the runtime's
Python on Linux x86_64, wheels only, with the runtime's published packages installed. A pool
whose workspace blocks PyPI installs the wheels locked in workspace_packages/<stack>.lock.json,
which the deploy uploads: those are judged instead (each wheel's tags, the runtime's packages
they change). Says per pool what would be installed, which runtime packages change version,
or why it cannot install. Nothing is installed.

Exit status: 0 every pool can install; 1 a pool cannot, or the stack config is invalid;
2 the package index does not answer (never a pass).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from packaging.utils import canonicalize_name

from synapse_dl.cli.arguments import add_project_dir_argument, add_stack_arguments
from synapse_dl.cli.output_files import (
    EXIT_USAGE,
    OutputPathError,
    check_output_file,
    project_inputs,
    write_json,
)
from synapse_dl.cli.preflight.check import PoolVerdict, needs_index, stack_verdicts
from synapse_dl.cli.preflight.index import (
    IndexUnreachableError,
    add_index_url_argument,
    check_index_url,
    check_reachable,
    display_url,
)
from synapse_dl.config.errors import ConfigError
from synapse_dl.config.stack_file import read_stack_file
from synapse_dl.package_lock import lock_path
from synapse_dl.project import stack_name

HELP = "check that each pool's libraries can install on its runtime, before deploying"

EXIT_INSTALLABLE = 0
EXIT_NOT_INSTALLABLE = 1
EXIT_NO_INDEX = 2


check_arguments = check_index_url


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_stack_arguments(parser, "checks")
    add_index_url_argument(parser, "the package index the pools install from")
    parser.add_argument("--json", type=Path, help="also writes the verdicts as JSON here")
    add_project_dir_argument(parser)


def render(verdict: PoolVerdict) -> str:
    lines = [f"{verdict.heading}: {verdict.outcome()}"]
    if not verdict.ok:
        return "\n".join(lines + [f"    {p}" for p in verdict.problems])
    replaced = {r.name: r.runtime_version for r in verdict.replacements}
    for install in verdict.installs:
        old = replaced.get(canonicalize_name(install.name))
        note = f", replacing the runtime's {old}" if old else ""
        lines.append(f"    {install.name} {install.version}{note}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    # The parser settled the project and the stack's file (cli/arguments.py).
    project, stack_file = args.project_dir, args.stack_file
    stack = stack_name(stack_file)

    def fail(message: str, status: int) -> int:
        print(f"error: {message}", file=sys.stderr)
        write_json(args.json, {"stack": stack, "error": message, "exitStatus": status})
        return status

    if args.json is not None:
        try:
            check_output_file("--json", args.json, project_inputs(project, stack_file))
        except OutputPathError as error:
            print(f"error: {error}", file=sys.stderr)
            return EXIT_USAGE
    try:
        config = read_stack_file(stack_file)
    except ConfigError as error:
        return fail(str(error), EXIT_NOT_INSTALLABLE)
    try:
        # A pool whose workspace blocks PyPI gets its locked wheels; the others the index's.
        if needs_index(config):
            check_reachable(args.index_url)
        verdicts = stack_verdicts(config, lock_path(project, stack), stack, args.index_url)
    except IndexUnreachableError as error:
        return fail(
            f"no package index answers ({error}); the libraries were not checked. "
            "Give a reachable one with --index-url or PIP_INDEX_URL",
            EXIT_NO_INDEX,
        )
    except ConfigError as error:
        return fail(str(error), EXIT_NOT_INSTALLABLE)

    print(f"libraries of stack {stack}, resolved against {display_url(args.index_url)}")
    for verdict in verdicts:
        print(render(verdict))
    status = EXIT_INSTALLABLE if all(v.ok for v in verdicts) else EXIT_NOT_INSTALLABLE
    write_json(
        args.json,
        {
            "stack": stack,
            "indexUrl": display_url(args.index_url),
            "pools": [v.to_json() for v in verdicts],
            "exitStatus": status,
        },
    )
    return status
