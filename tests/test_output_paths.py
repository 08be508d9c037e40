"""Outputs never destroy inputs: every path a command writes is checked before the command
reads anything, and written atomically.

Each command's output option, against each kind of path it must not write: a file the command
reads, a folder where a file belongs, a file where a folder belongs, a place that cannot be
written. Each is a usage error (2) with one line naming the option and the path; the input is
left as it was, and nothing is planned.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from synapse_dl.cli import main
from synapse_dl.cli.output_files import write_text
from tests.conftest import ROOT

# Linux refuses new files under /sys even to root.
UNWRITABLE = Path("/sys/synapse-dl-test/out.json")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of this project to write into (the tests must not write the repository's)."""
    copy = tmp_path / "project"
    copy.mkdir()
    for name in ("Pulumi.yaml", "Pulumi.dev.yaml", "__main__.py"):
        shutil.copy(ROOT / name, copy / name)
    for folder in ("policies", "provider", "training_jobs"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# (command and its other arguments, the output option): every file option of every command.
FILE_OPTIONS = [
    (("plan", "--stack", "dev"), "--json"),
    (("libraries", "--stack", "dev", "--index-url", "http://127.0.0.1:1/simple"), "--json"),
    (("schema",), "--out"),
    (("pr-check", "--out", "{out}"), "--summary"),
]


def _bad_file_paths(project: Path) -> dict[str, tuple[Path, str]]:
    (project / "a-file").write_text("kept\n")
    return {
        "the stack file": (project / "Pulumi.dev.yaml", "is a file this command reads"),
        "the project file": (project / "Pulumi.yaml", "is a file this command reads"),
        "the program": (project / "__main__.py", "is a file this command reads"),
        "a policy pack file": (
            project / "policies" / "__main__.py",
            "is a file this command reads",
        ),
        "a folder": (project / "policies", "is a folder; name a file in it"),
        "under a file": (
            project / "a-file" / "out.json",
            f"{project / 'a-file'} is a file, not a folder",
        ),
        "an unwritable place": (UNWRITABLE, "cannot write in /sys"),
    }


@pytest.mark.parametrize(("command", "option"), FILE_OPTIONS, ids=lambda v: str(v))
@pytest.mark.parametrize(
    "kind",
    [
        "the stack file",
        "the project file",
        "the program",
        "a policy pack file",
        "a folder",
        "under a file",
        "an unwritable place",
    ],
)
def test_an_output_file_that_would_harm_an_input_is_a_usage_error_before_anything_is_read(
    capsys, project, tmp_path, command, option, kind
):
    path, problem = _bad_file_paths(project)[kind]
    before = path.read_bytes() if path.is_file() else None
    argv = [a.replace("{out}", str(tmp_path / "out")) for a in command]

    code, out, err = _run(capsys, *argv, option, str(path), "--project-dir", str(project))

    assert code == 2
    assert out == ""
    [line] = err.splitlines()
    assert line.split(": ", 1)[1].startswith(f"{option} {path}: {problem}"), line
    if before is not None:
        assert path.read_bytes() == before


def test_pr_checks_folder_is_not_a_file_and_its_files_are_not_inputs(capsys, project, tmp_path):
    (tmp_path / "a-file").write_text("kept\n")
    stack = project / "Pulumi.dev.yaml"

    code, out, err = _run(capsys, "pr-check", "--out", str(tmp_path / "a-file"), str(stack))
    assert (code, out) == (2, "")
    assert err == f"pr_check: --out {tmp_path / 'a-file'}: is a file; name a folder\n"
    # The policy config sits where the check would write the dev stack's plan.
    config = tmp_path / "out" / "dev.json"
    config.parent.mkdir()
    config.write_text("{}\n")
    code, _, err = _run(
        capsys,
        "pr-check",
        str(stack),
        "--out",
        str(tmp_path / "out"),
        "--policy-config",
        str(config),
        "--project-dir",
        str(project),
    )
    assert code == 2
    assert err == (
        f"pr_check: --out {tmp_path / 'out'}: would write dev.json over a file this command reads\n"
    )
    assert config.read_text() == "{}\n"
    assert (tmp_path / "a-file").read_text() == "kept\n"


def test_the_plans_json_replaces_an_earlier_one_whole_and_keeps_it_when_nothing_replaces_it(
    capsys, project, tmp_path, monkeypatch
):
    out = tmp_path / "plan.json"
    out.write_text('{"stack": "earlier"}\n')

    def broken(path: Path, text: str) -> None:
        raise OSError(28, "No space left on device", str(path))

    # A write that fails leaves the earlier file as it was (nothing removed it first), and is
    # one line, not a traceback.
    monkeypatch.setattr("synapse_dl.cli.output_files.write_text_atomically", broken)
    code, _, err = _run(capsys, "plan", "--json", str(out), "--project-dir", str(project))
    assert (code, err) == (1, f"error: [Errno 28] No space left on device: '{out}'\n")
    assert json.loads(out.read_text()) == {"stack": "earlier"}
    monkeypatch.undo()

    assert _run(capsys, "plan", "--json", str(out), "--project-dir", str(project))[0] == 0
    assert json.loads(out.read_text())["stack"] == "dev"
    # No temporary file is left beside it.
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([project.name, "plan.json"])


def test_a_file_is_written_whole_with_the_mode_a_new_file_gets(tmp_path):
    path = tmp_path / "deep" / "er" / "summary.md"

    write_text(path, "first\n")
    write_text(path, "second\n")

    assert path.read_text() == "second\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["summary.md"]
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
