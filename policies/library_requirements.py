"""Reading a pool's libraryRequirements: a pip requirements.txt or a conda environment.yml.

Line-based on purpose (no packaging or YAML import): the pack must start fast, and a pool's
requirements are a flat list. Source for the two formats: docs "apache-spark-manage-pool-packages".
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?(?:\s*\[[^\]]*\])?"
_SPEC = r"(?:~=|===|==|!=|<=|>=|<|>)\s*[A-Za-z0-9._*+!-]+"
# name[extras] == version [; marker]: an exact pin (no wildcard, no range).
_PIP_PIN = re.compile(rf"^{_NAME}\s*===?\s*[^\s,;*<>=!~]+\s*(;.*)?\Z")
# Any well-formed requirement: a name, specifiers each with a version, a marker (PEP 508).
_PIP_REQUIREMENT = re.compile(rf"^{_NAME}\s*(?:{_SPEC}(?:\s*,\s*{_SPEC})*)?\s*(;.*)?\Z")
# name @ url (a direct reference), or a bare URL, VCS or path.
_PIP_DIRECT = re.compile(rf"^(?:{_NAME}\s*@\s*\S+|\S*://\S+|(?:git|hg|svn|bzr)\+\S+|[./]\S*)")
# conda: [channel::]name=version[=build] or name==version.
_CONDA_PIN = re.compile(
    r"^([A-Za-z0-9_.-]+::)?[A-Za-z0-9][A-Za-z0-9._-]*\s*==?\s*[^\s,*<>=!~]+(=[^\s*]+)?\Z"
)
_FILE_OPTIONS = ("-r", "--requirement", "-c", "--constraint")
_EDITABLE_OPTIONS = ("-e", "--editable")

# What a package line is, as the pinned-libraries policy judges it.
PINNED = "pinned"  # exactly one version from an index
UNPINNED = "unpinned"  # any version in a range, or any at all
DIRECT_URL = "direct URL"  # a URL, VCS or path: no index and no version stand behind it
REQUIREMENT_FILE = "requirement file"  # -r/-c: packages this file does not show
NOT_A_REQUIREMENT = "not a requirement"  # a line pip would refuse (`numpy===`)


@dataclass(frozen=True)
class LibrarySpec:
    """One package line: where it installs from ('pip' or 'conda') and what kind it is."""

    source: str
    spec: str
    kind: str

    @property
    def pinned(self) -> bool:
        return self.kind == PINNED


def _strip_comment(line: str) -> str:
    return re.sub(r"(^|\s)#.*", "", line).rstrip()


def _pip_kind(line: str) -> str | None:
    if line.startswith(_FILE_OPTIONS):
        return REQUIREMENT_FILE
    if line.startswith(_EDITABLE_OPTIONS):
        return DIRECT_URL
    if line.startswith("-"):
        return None  # an index or install option, not a package
    if _PIP_DIRECT.match(line):
        return DIRECT_URL
    if _PIP_PIN.match(line):
        return PINNED
    if _PIP_REQUIREMENT.match(line):
        return UNPINNED
    return NOT_A_REQUIREMENT


def _pip_spec(line: str) -> LibrarySpec | None:
    line = line.strip()
    kind = _pip_kind(line)
    return LibrarySpec("pip", line, kind) if kind is not None else None


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
        # A top-level key; YAML also lets a key's list start at column 0 (`- numpy`).
        if indent == 0 and not item.startswith("-"):
            in_dependencies, pip_indent = item == "dependencies:", None
            continue
        if not in_dependencies or not item.startswith("-"):
            continue
        item = item.removeprefix("-").strip().strip("'\"")
        if item == "pip:":
            pip_indent = indent
        elif pip_indent is not None and indent > pip_indent:
            if (spec := _pip_spec(item)) is not None:
                yield spec
        else:
            pip_indent = None
            yield LibrarySpec("conda", item, PINNED if _CONDA_PIN.match(item) else UNPINNED)


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
