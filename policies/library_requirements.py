"""Reading a pool's libraryRequirements: a pip requirements.txt or a conda environment.yml.

Line-based on purpose (no packaging or YAML import): the pack must start fast, and a pool's
requirements are a flat list. Source for the two formats: docs "apache-spark-manage-pool-packages".
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

# name[extras] == version [; marker]: an exact pin (no wildcard, no range).
_PIP_PIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?\s*===?\s*[^\s,;*<>=!~]+\s*(;.*)?$")
# conda: [channel::]name=version[=build] or name==version.
_CONDA_PIN = re.compile(
    r"^([A-Za-z0-9_.-]+::)?[A-Za-z0-9][A-Za-z0-9._-]*\s*==?\s*[^\s,*<>=!~]+(=[^\s*]+)?$"
)
# pip options that name more packages than they pin (requirement files, editable installs).
_PIP_PACKAGE_OPTIONS = ("-r", "--requirement", "-c", "--constraint", "-e", "--editable")


@dataclass(frozen=True)
class LibrarySpec:
    """One package line: where it installs from ('pip' or 'conda') and whether it is pinned."""

    source: str
    spec: str
    pinned: bool


def _strip_comment(line: str) -> str:
    return re.split(r"(^|\s)#", line, maxsplit=1)[0].rstrip()


def _pip_spec(line: str) -> LibrarySpec | None:
    line = line.strip()
    if line.startswith("-") and not line.startswith(_PIP_PACKAGE_OPTIONS):
        return None  # an index or install option, not a package
    return LibrarySpec("pip", line, bool(_PIP_PIN.match(line)))


def _pip_specs(content: str) -> Iterator[LibrarySpec]:
    for raw in content.splitlines():
        line = _strip_comment(raw)
        if line.strip() and (spec := _pip_spec(line)) is not None:
            yield spec


def _conda_specs(content: str) -> Iterator[LibrarySpec]:
    in_dependencies, pip_indent = False, None
    for raw in content.splitlines():
        line = _strip_comment(raw)
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        item = line.strip()
        if indent == 0:
            in_dependencies, pip_indent = item == "dependencies:", None
            continue
        if not in_dependencies or not item.startswith("-"):
            continue
        item = item[1:].strip().strip("'\"")
        if item == "pip:":
            pip_indent = indent
        elif pip_indent is not None and indent > pip_indent:
            if (spec := _pip_spec(item)) is not None:
                yield spec
        else:
            pip_indent = None
            yield LibrarySpec("conda", item, bool(_CONDA_PIN.match(item)))


def is_conda_environment(filename: str | None, content: str) -> bool:
    if filename:
        return filename.lower().endswith((".yml", ".yaml"))
    return re.search(r"^dependencies:", content, re.MULTILINE) is not None


def library_specs(library_requirements: Mapping[str, Any] | None) -> list[LibrarySpec]:
    """The package lines of a libraryRequirements {content, filename}; [] when there is none."""
    if not library_requirements:
        return []
    content = library_requirements.get("content") or ""
    filename = library_requirements.get("filename")
    if is_conda_environment(filename, content):
        return list(_conda_specs(content))
    return list(_pip_specs(content))
