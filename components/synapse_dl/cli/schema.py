"""`synapse-dl schema [--out out/schema.json]`: start the project's component provider
(provider/) as the engine does, ask it for the package schema, check it against Pulumi's
package metaschema and write it.

Exit status: 0 valid, 1 invalid (each problem on stderr) or no project, 2 the provider did
not start, or an --out the command must not write (a file it reads, a folder, a place that
cannot be written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from synapse_dl.cli.arguments import add_project_dir_argument
from synapse_dl.cli.metaschema import schema_problems
from synapse_dl.cli.output_files import (
    EXIT_USAGE,
    OutputPathError,
    check_output_file,
    project_inputs,
    write_json,
)
from synapse_dl.engine.provider_host import ProviderSession, ProviderStartError
from synapse_dl.project import PROVIDER_FOLDER

HELP = "write the package schema the component provider serves, checked against the metaschema"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=Path("out/schema.json"))
    add_project_dir_argument(parser)


def run(args: argparse.Namespace) -> int:
    project = args.project_dir  # the parser settled it
    provider_dir = project / PROVIDER_FOLDER
    try:
        check_output_file("--out", args.out, project_inputs(project, provider_dir))
    except OutputPathError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if not (provider_dir / "PulumiPlugin.yaml").is_file():
        print(
            f"error: no component provider in {provider_dir} (no PulumiPlugin.yaml)",
            file=sys.stderr,
        )
        return 2
    try:
        with ProviderSession(provider_dir) as provider:
            document = provider.schema()
    except ProviderStartError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    write_json(args.out, document)
    problems = schema_problems(document)
    for problem in problems:
        print(f"error: {args.out}: {problem}", file=sys.stderr)
    if problems:
        return 1
    resources = ", ".join(sorted(document["resources"]))
    print(f"{args.out}: package {document['name']} {document['version']}: {resources}")
    return 0
