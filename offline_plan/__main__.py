"""`python -m offline_plan --stack dev [--json plan.json]`: the offline plan of a stack.

Exit status: 0 planned; 1 invalid config or a program error (nothing planned).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from components.config import ConfigError
from offline_plan.mocks import PROJECT_DIR, plan_stack, stack_name_of
from offline_plan.render import plan_json, render_text

EXIT_INVALID_CONFIG = 1


def _write_json(path: Path | None, document: dict) -> None:
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, indent=2) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="offline_plan", description=__doc__)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--stack", default="dev", help="plans Pulumi.<stack>.yaml (default: dev)")
    source.add_argument("--stack-file", type=Path, help="plans this stack file")
    parser.add_argument("--json", type=Path, help="also writes the plan as JSON here")
    args = parser.parse_args(argv)

    stack_file = args.stack_file or PROJECT_DIR / f"Pulumi.{args.stack}.yaml"
    stack = stack_name_of(stack_file)
    if not stack_file.is_file():
        print(f"error: no stack file {stack_file}", file=sys.stderr)
        return EXIT_INVALID_CONFIG
    try:
        plan = plan_stack(stack_file)
    except (ConfigError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        _write_json(args.json, {"stack": stack, "error": str(error)})
        return EXIT_INVALID_CONFIG

    print(render_text(plan))
    _write_json(args.json, plan_json(plan))
    return 0


if __name__ == "__main__":
    sys.exit(main())
