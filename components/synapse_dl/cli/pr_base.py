"""`pr-check --base REF`: the pull request's base checked out once, and each stack planned
there (`<out>/<stack>.base.json`), for its plan here to be compared with."""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from synapse_dl.cli import user_cache
from synapse_dl.cli.baseline import PLANNED_AT, plan_in_tree, read_baseline
from synapse_dl.cli.output_files import write_json
from synapse_dl.project import StackFile


@dataclass(frozen=True)
class BaseTree:
    """The pull request's base, checked out: where each stack is planned first."""

    ref: str
    commit: str
    tree: Path
    top: Path

    @property
    def name(self) -> str:
        return f"{self.ref} ({self.commit[:12]})"


def base_plan(
    base: BaseTree, stack: StackFile, out_dir: Path, project: Path, timeout_s: float
) -> tuple[Path | None, str | None]:
    """The stack planned at the base (`<out>/<stack>.base.json`), or None, and a note for the
    summary. A plan of the same commit, stack and code is reused from the cache: a commit's
    plan does not change."""
    path = out_dir / f"{stack.name}.base.json"
    path.unlink(missing_ok=True)
    try:
        key = _base_key(base, stack, project)
        cached = user_cache.read_fresh(_cached(key), key)
        if cached is not None:
            write_json(path, {**cached[0], PLANNED_AT: base.name})
            return path, None
        print(f"pr_check: planning stack {stack.name} at {base.ref}", file=sys.stderr)
        if plan_in_tree(base.tree, base.top, stack.path, project, path, timeout_s) is None:
            write_json(path, {"stack": stack.name, "resources": [], PLANNED_AT: base.name})
            return path, f"Stack {stack.name} is not at {base.name}: all of it is new."
        document = {**json.loads(path.read_text(encoding="utf-8")), PLANNED_AT: base.name}
        write_json(path, document)
        read_baseline(path)
    except (OSError, ValueError) as error:  # BaselineError is a ValueError
        return None, f"Stack {stack.name} not compared with {base.name}: {error}"
    user_cache.save(_cached(key), key, document)
    return path, None


def _cached(key: str) -> Path:
    return user_cache.cache_dir() / "base-plans" / f"{key}.json"


def _base_key(base: BaseTree, stack: StackFile, project: Path) -> str:
    """What decides a base plan: the commit, which stack of which project, and the code that
    plans it when the commit does not carry it (the installed package and provider SDK)."""
    decides = [
        base.commit,
        stack.path.resolve().as_posix(),
        project.resolve().as_posix(),
        metadata.version("synapse-dl"),
        metadata.version("pulumi-azure-native"),
    ]
    return hashlib.sha256(json.dumps(decides).encode()).hexdigest()
