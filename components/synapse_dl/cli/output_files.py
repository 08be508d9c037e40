"""What the commands write (the plan's and the preflight's `--json`, pr-check's folder and
summary, the package schema, a lock): checked before the command reads anything, and written
atomically.

An output never destroys an input. A path that is also a file the command reads (a stack file,
the policy config, the project's own files), a folder where a file belongs, a file where a
folder belongs, or a place that cannot be written is a usage error naming the option and the
path, found before anything is read or removed. A file is written to a temporary file beside
it, then renamed over the old one: an interrupted run leaves the old file whole or the new one,
never part of one, and a run that writes nothing keeps what was there.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from synapse_dl.atomic_write import write_text_atomically
from synapse_dl.package_lock import LOCK_FOLDER
from synapse_dl.project import (
    POLICY_PACK_FOLDER,
    PROJECT_FILE,
    PROVIDER_FOLDER,
    TRAINING_JOBS_FOLDER,
    root_stack_files,
)

# argparse's exit status for a command used wrongly: every command's.
EXIT_USAGE = 2
# The folders of a project that hold what its commands read.
_INPUT_FOLDERS = (POLICY_PACK_FOLDER, TRAINING_JOBS_FOLDER, LOCK_FOLDER, PROVIDER_FOLDER)
# The program a project runs (Pulumi.yaml's `main`, by default).
_PROGRAM = "__main__.py"


class OutputPathError(ValueError):
    """An output path the command must not write; a usage error (EXIT_USAGE)."""

    def __init__(self, option: str, path: Path, problem: str):
        super().__init__(f"{option} {path}: {problem}")


def project_inputs(project: Path | None, *more: Path | None) -> list[Path]:
    """The files a command may read: the project's Pulumi.yaml, program and stack files, what
    its policy pack, jobs, locks and provider folders hold, and `more` (None where unknown)."""
    found = [path for path in more if path is not None]
    if project is None or not project.is_dir():
        return found
    found += [project / PROJECT_FILE, project / _PROGRAM]
    found += [stack.path for stack in root_stack_files(project)]
    for folder in _INPUT_FOLDERS:
        found += [path for path in (project / folder).rglob("*") if path.is_file()]
    for path in more:
        if path is not None and path.is_dir():
            found += [inner for inner in path.rglob("*") if inner.is_file()]
    return found


def _same_file(a: Path, b: Path) -> bool:
    if a.exists() and b.exists():
        return os.path.samefile(a, b)
    return a.resolve() == b.resolve()


def _writable_folder(option: str, path: Path, folder: Path) -> None:
    """`folder` exists as a folder this process may write in, or can be made where it may."""
    existing = folder
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise OutputPathError(option, path, f"{existing} is a file, not a folder")
    try:
        handle, probe = tempfile.mkstemp(dir=existing, prefix=".synapse-dl-probe-")
    except OSError as error:
        raise OutputPathError(
            option, path, f"cannot write in {existing} ({error.strerror or error})"
        ) from None
    os.close(handle)
    os.unlink(probe)


@contextmanager
def _path_errors_named(option: str, path: Path) -> Iterator[None]:
    # A path the system refuses to look at (a name too long, a loop of links): the option's
    # usage error, not a traceback.
    try:
        yield
    except OSError as error:
        raise OutputPathError(option, path, f"cannot be used ({error.strerror or error})") from None


def check_output_file(option: str, path: Path, inputs: Iterable[Path]) -> None:
    """Raises OutputPathError unless the command may write the file `path`."""
    with _path_errors_named(option, path):
        _check_output_file(option, path, inputs)


def _check_output_file(option: str, path: Path, inputs: Iterable[Path]) -> None:
    if any(_same_file(path, read) for read in inputs):
        raise OutputPathError(option, path, "is a file this command reads; name another file")
    if path.is_dir():
        raise OutputPathError(option, path, "is a folder; name a file in it")
    _writable_folder(option, path, path.parent)


def check_output_folder(
    option: str, path: Path, inputs: Iterable[Path], names: Iterable[str]
) -> None:
    """Raises OutputPathError unless the command may write the files `names` in folder `path`."""
    with _path_errors_named(option, path):
        _check_output_folder(option, path, inputs, names)


def _check_output_folder(
    option: str, path: Path, inputs: Iterable[Path], names: Iterable[str]
) -> None:
    if path.exists() and not path.is_dir():
        raise OutputPathError(option, path, "is a file; name a folder")
    inputs = list(inputs)
    for name in names:
        if any(_same_file(path / name, read) for read in inputs):
            raise OutputPathError(
                option, path, f"would write {name} over a file this command reads"
            )
    _writable_folder(option, path, path)


def write_text(path: Path, text: str) -> None:
    """`text` in `path`, atomically (synapse_dl.atomic_write)."""
    write_text_atomically(path, text)


def write_json(path: Path | None, document: Mapping[str, Any]) -> None:
    """`document` as indented JSON with a final newline, atomically; nothing without a path."""
    if path is not None:
        write_text(path, json.dumps(document, indent=2) + "\n")
