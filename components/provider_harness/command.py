"""`python -m provider_harness schema [--out out/schema.json]`: start the component provider
as the engine does, ask it for the package schema, check it against Pulumi's metaschema and
write it. Exit 0 valid, 1 invalid (each problem on stderr), 2 the provider did not start."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from provider_harness.metaschema import schema_problems
from provider_harness.session import ProviderSession, ProviderStartError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m provider_harness")
    commands = parser.add_subparsers(dest="command", required=True)
    schema = commands.add_parser("schema", help="write the package schema the provider serves")
    schema.add_argument("--out", type=Path, default=Path("out/schema.json"))
    args = parser.parse_args(argv)

    try:
        with ProviderSession() as provider:
            document = provider.schema()
    except ProviderStartError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, indent=2) + "\n")
    problems = schema_problems(document)
    for problem in problems:
        print(f"error: {args.out}: {problem}", file=sys.stderr)
    if problems:
        return 1
    resources = ", ".join(sorted(document["resources"]))
    print(f"{args.out}: package {document['name']} {document['version']}: {resources}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
