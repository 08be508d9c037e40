"""Running the command in-process as a user runs it, and projects of their own to run it on."""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
from pathlib import Path

from synapse_dl.cli import main
from tests.conftest import ROOT


def run_plan(*argv: str) -> tuple[int, str, str]:
    """`synapse-dl plan ARGV`: its exit status, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["plan", *argv])
        except SystemExit as exited:
            code = int(exited.code or 0)
    return code, out.getvalue(), err.getvalue()


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com",
                    *args], check=True, capture_output=True)  # fmt: skip


def project_copy(folder: Path, files: tuple[str, ...], folders: tuple[str, ...]) -> Path:
    """A copy of this project's `files` and `folders` in `folder`, for a test to change."""
    folder.mkdir()
    for name in files:
        shutil.copy(ROOT / name, folder / name)
    for name in folders:
        shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def committed(repo: Path) -> Path:
    """`repo` as a git repository with one commit on `main`."""
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    return repo
