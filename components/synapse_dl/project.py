"""The Pulumi project a `synapse-dl` command works on, and its stack files.

The project is found as the Pulumi CLI finds it: the nearest folder, from the working
directory up, that holds a `Pulumi.yaml`. A stack file is `Pulumi.<stack>.yaml` in it (Pulumi's
own convention); a file with another name (a test fixture) takes its stem as the stack name.

Standard library only: the pipelines' first step (`python3 -m gitops.stacks`) loads this file
with the runner's Python before anything is installed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

PROJECT_FILE = "Pulumi.yaml"
STACK_FILE = re.compile(r"Pulumi\.(?P<name>[^/]+)\.ya?ml")

# Folders of a project laid out as this repository is.
POLICY_PACK_FOLDER = "policies"
PROVIDER_FOLDER = "provider"
TRAINING_JOBS_FOLDER = "training_jobs"


class ProjectNotFoundError(LookupError):
    """No Pulumi.yaml in the working directory or any folder above it."""


def find_project_dir(start: Path | None = None) -> Path:
    """The nearest folder from `start` (default: the working directory) up with a Pulumi.yaml."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / PROJECT_FILE).is_file():
            return folder
    raise ProjectNotFoundError(
        f"no {PROJECT_FILE} in {here} or any folder above it: run synapse-dl inside a Pulumi "
        "project, or name the project with --project-dir"
    )


def stack_name(path: Path) -> str:
    """`Pulumi.dev.yaml` -> `dev`; any other file -> its stem."""
    match = STACK_FILE.fullmatch(path.name)
    return match.group("name") if match else path.stem


def stack_file_path(project: Path, stack: str) -> Path:
    """The stack's file in the project: `Pulumi.<stack>.yaml`."""
    return project / f"Pulumi.{stack}.yaml"


@dataclass(frozen=True)
class StackFile:
    name: str
    path: Path


def root_stack_files(root: Path) -> list[StackFile]:
    """Every `Pulumi.<stack>.yaml` in the project folder, sorted by stack name."""
    files = [p for p in root.iterdir() if p.is_file() and STACK_FILE.fullmatch(p.name)]
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
