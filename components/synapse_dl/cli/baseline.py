"""What `--against BASE` compares a plan with, in one shape: the resources, each with its URN,
type, name, inputs and `protect`.

BASE is one of:
- a plan JSON an earlier `synapse-dl plan --json` wrote (the base branch's, kept by a pipeline);
- the output of `pulumi stack export` (the deployed state, for those who have it): the stack
  and provider resources are left out, secrets masked as the plan masks them, file assets in the
  plan's shape, and values the offline plan makes up where Azure assigns its own (subscription,
  tenant and principal ids: the plan's `standIns`) are not judged;
- a git ref: the same stack file planned at that commit, in a temporary worktree, by the
  package's code at that commit when the ref holds it (this repository) and by the installed
  one otherwise. A stack file the commit does not have is an empty baseline: all is new.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synapse_dl.engine.offline_runtime import SECRET_MASK

# The state's type signatures (pulumi/pulumi sdk/go/common/resource/sig/sig.go): an object
# whose Key holds Secret is a secret, AssetSig a file asset.
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17"

# The key of a base plan's JSON that names the ref and commit it was planned at.
PLANNED_AT = "plannedAt"
# Where this repository keeps the package: a ref that has it is planned by its own code.
_OWN_PACKAGE = Path("components") / "synapse_dl" / "__init__.py"


class BaselineError(ValueError):
    """A baseline that is not a plan this command can compare with."""


@dataclass(frozen=True)
class Baseline:
    name: str  # as reports show it: the file, or the ref and its commit
    resources: list[Mapping[str, Any]]
    # From the deployed state: a value the offline plan made up cannot be judged against it.
    deployed: bool = False
    notes: list[str] = field(default_factory=list)


def read_baseline(path: Path) -> Baseline:
    """A plan JSON or a stack export; BaselineError naming the file when it is neither."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise BaselineError(f"{path}: not a plan JSON or a stack export ({error})") from None
    if isinstance(document, dict) and isinstance(document.get("deployment"), dict):
        return Baseline(str(path), _exported(document["deployment"], path), deployed=True)
    # A plan made at a git ref says so (`pr-check --base` writes it): the name reviewers know.
    name = document.get(PLANNED_AT) if isinstance(document, dict) else None
    return Baseline(name if isinstance(name, str) else str(path), _planned(document, path))


def _planned(document: Any, path: Path) -> list[Mapping[str, Any]]:
    if isinstance(document, dict) and "error" in document:
        raise BaselineError(f"{path}: the baseline plan failed ({document['error']})")
    resources = document.get("resources") if isinstance(document, dict) else None
    if not isinstance(resources, list) or not all(
        isinstance(r, dict)
        and isinstance(r.get("urn"), str)
        and isinstance(r.get("type"), str)
        and isinstance(r.get("inputs", {}), dict)
        for r in resources
    ):
        raise BaselineError(
            f"{path}: not a plan JSON (`synapse-dl plan --json` writes one: resources with "
            "urn, type, name and inputs) or a stack export (`pulumi stack export`)"
        )
    return resources


def _exported(deployment: Mapping[str, Any], path: Path) -> list[Mapping[str, Any]]:
    resources = deployment.get("resources") or []
    if not isinstance(resources, list) or not all(
        isinstance(r, dict) and isinstance(r.get("urn"), str) and isinstance(r.get("type"), str)
        for r in resources
    ):
        raise BaselineError(f"{path}: a stack export whose resources lack a urn or a type")
    return [
        {
            "urn": r["urn"],
            "type": r["type"],
            "name": r["urn"].rsplit("::", 1)[-1],
            "parent": r.get("parent", ""),
            "inputs": _as_planned(r.get("inputs") or {}),
            "protect": bool(r.get("protect")),
            "dependsOn": sorted(r.get("dependencies") or []),
        }
        for r in resources
        # The stack itself and the provider instances: the plan has neither.
        if not r["type"].startswith("pulumi:") and not r.get("delete")
    ]


def _as_planned(value: Any) -> Any:
    """A state value in the plan's shape: secrets masked, assets as {fileAsset, sha256}, the
    dynamic providers' pickled code (`__provider`) left out."""
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG:
            return SECRET_MASK
        if value.get(SIG_KEY) == ASSET_SIG:
            return {"fileAsset": value.get("path"), "sha256": value.get("hash")}
        return {k: _as_planned(v) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list):
        return [_as_planned(v) for v in value]
    return value


def _git(project: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(project), *args], capture_output=True, text=True, check=False
        )
    except OSError:  # no git
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def repository_top(project: Path) -> str | None:
    """The root of the git repository the project is in; None outside one."""
    return _git(project, "rev-parse", "--show-toplevel")


def commit_of(project: Path, ref: str) -> str | None:
    """The commit `ref` names in the project's repository; None when it names none."""
    if ref.startswith("-"):  # never an option to git
        return None
    return _git(project, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")


@contextmanager
def worktree_at(project: Path, commit: str) -> Iterator[Path]:
    """The repository at `commit`, checked out in a temporary folder, then removed."""
    top = repository_top(project)
    if top is None:
        raise BaselineError(f"{project} is not in a git repository")
    with tempfile.TemporaryDirectory(prefix="synapse-dl-base-") as folder:
        tree = Path(folder) / "tree"
        if _git(Path(top), "worktree", "add", "--detach", "--quiet", str(tree), commit) is None:
            raise BaselineError(f"git could not check out {commit[:12]} in {tree}")
        try:
            yield tree
        finally:
            _git(Path(top), "worktree", "remove", "--force", str(tree))


def plan_in_tree(
    tree: Path, top: Path, stack_file: Path, project: Path, out: Path, timeout_s: float
) -> Path | None:
    """Plan `stack_file` as it is in `tree` (the repository `top` at another commit), its JSON
    written to `out`; None when the commit has no such stack file."""
    try:
        there = tree / stack_file.resolve().relative_to(top)
        project_there = tree / project.resolve().relative_to(top)
    except ValueError:
        raise BaselineError(
            f"{stack_file} or {project} is outside the git repository {top}: a commit of it "
            "holds neither"
        ) from None
    if not there.is_file():
        return None
    # The base's cost is priced with this plan's prices: the base plan asks for none.
    env = {**os.environ, "SYNAPSE_DL_PRICES_URL": "none"}
    if (tree / _OWN_PACKAGE).is_file():
        env["PYTHONPATH"] = os.pathsep.join(
            [str(tree / _OWN_PACKAGE.parent.parent), env.get("PYTHONPATH", "")]
        ).rstrip(os.pathsep)
    command = [sys.executable, "-m", "synapse_dl", "plan", "--stack-file", str(there)]
    command += ["--project-dir", str(project_there), "--json", str(out)]
    try:
        subprocess.run(
            command, cwd=project_there, env=env, capture_output=True, timeout=timeout_s, check=False
        )
    except subprocess.TimeoutExpired:
        raise BaselineError(f"the plan at the base did not finish in {timeout_s:g} s") from None
    return out


def planned_at(ref: str, stack_file: Path, project: Path, timeout_s: float = 900) -> Baseline:
    """`stack_file` planned at the commit `ref` names."""
    commit = commit_of(project, ref)
    top = repository_top(project)
    if commit is None or top is None:
        raise BaselineError(f"{ref!r} is neither a file nor a commit of {project}'s repository")
    name = f"{ref} ({commit[:12]})"
    with worktree_at(project, commit) as tree, tempfile.TemporaryDirectory() as scratch:
        written = plan_in_tree(
            tree, Path(top), stack_file, project, Path(scratch) / "base.json", timeout_s
        )
        if written is None:
            return Baseline(name, [], notes=[f"{stack_file.name} is not at {name}: all is new"])
        if not written.is_file():
            raise BaselineError(f"the plan of {stack_file.name} at {name} wrote nothing")
        baseline = read_baseline(written)
    return Baseline(name, baseline.resources)
