"""Find the stack files of the repository and name their stacks.

A stack file is `Pulumi.<stack>.yaml` at the repository root (Pulumi's own
convention); a file with another name (a test fixture) takes its stem as the name.

`python -m gitops.stacks` prints the root stacks as a JSON list, the shape a
GitHub Actions matrix (`fromJSON`) and an Azure Pipelines template loop take.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from offline_plan.contract import STACK_FILE, stack_name

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class StackFile:
    name: str
    path: Path


def root_stack_files(root: Path = REPO_ROOT) -> list[StackFile]:
    """Every `Pulumi.<stack>.yaml` at the root, sorted by stack name."""
    files = [p for p in root.iterdir() if p.is_file() and STACK_FILE.match(p.name)]
    return sorted((StackFile(stack_name(p), p) for p in files), key=lambda s: s.name)


def stack_files_from_paths(paths: list[str]) -> list[StackFile]:
    """Stack files named on the command line, each checked to exist, names unique."""
    stacks: list[StackFile] = []
    seen: dict[str, Path] = {}
    for raw in paths:
        path = Path(raw).resolve()
        if not path.is_file():
            raise ValueError(f"stack file {raw!r} does not exist (give a Pulumi.<stack>.yaml path)")
        name = stack_name(path)
        if name in seen:
            raise ValueError(
                f"stack name {name!r} comes from both {seen[name]} and {path}: "
                "the plan JSON files would overwrite each other; rename one"
            )
        seen[name] = path
        stacks.append(StackFile(name, path))
    return stacks


def main() -> int:
    print(json.dumps([s.name for s in root_stack_files()]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
