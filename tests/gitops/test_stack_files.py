"""Which files are stacks, and what the stacks are called."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from synapse_dl.project import root_stack_files, stack_files_from_paths, stack_name

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("file_name", "stack"),
    [
        ("Pulumi.dev.yaml", "dev"),
        ("Pulumi.prod-weu.yml", "prod-weu"),
        ("noncompliant.yaml", "noncompliant"),
    ],
)
def test_a_stack_is_named_after_its_file(file_name, stack):
    assert stack_name(Path(file_name)) == stack


def test_root_stacks_are_the_pulumi_stack_files_only(tmp_path):
    for name in ("Pulumi.yaml", "Pulumi.prod.yaml", "Pulumi.dev.yaml", "other.yaml"):
        (tmp_path / name).write_text("config: {}\n")

    assert [s.name for s in root_stack_files(tmp_path)] == ["dev", "prod"]


def test_two_files_with_one_stack_name_are_refused(tmp_path):
    (tmp_path / "a").mkdir()
    for folder in (tmp_path, tmp_path / "a"):
        (folder / "Pulumi.dev.yaml").write_text("config: {}\n")

    with pytest.raises(ValueError) as refused:
        stack_files_from_paths(
            [str(tmp_path / "Pulumi.dev.yaml"), str(tmp_path / "a" / "Pulumi.dev.yaml")]
        )

    root = tmp_path.resolve()
    assert str(refused.value) == (
        f"stack name 'dev' comes from both {root / 'Pulumi.dev.yaml'} and "
        f"{root / 'a' / 'Pulumi.dev.yaml'}: the plan JSON files would overwrite each other; "
        "rename one"
    )


def test_stack_files_given_by_path_are_named_and_resolved(tmp_path, monkeypatch):
    (tmp_path / "Pulumi.prod.yaml").write_text("config: {}\n")
    (tmp_path / "fixture.yaml").write_text("config: {}\n")
    monkeypatch.chdir(tmp_path)

    stacks = stack_files_from_paths(["Pulumi.prod.yaml", "fixture.yaml"])

    assert [(s.name, s.path) for s in stacks] == [
        ("prod", tmp_path.resolve() / "Pulumi.prod.yaml"),
        ("fixture", tmp_path.resolve() / "fixture.yaml"),
    ]


def test_a_stack_file_that_does_not_exist_is_named_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    with pytest.raises(ValueError) as refused:
        stack_files_from_paths(["Pulumi.nope.yaml"])

    assert str(refused.value) == (
        "stack file 'Pulumi.nope.yaml' does not exist (give a Pulumi.<stack>.yaml path)"
    )


def test_the_matrix_listing_prints_the_repository_stacks_as_json():
    proc = subprocess.run(
        # -S: no site-packages, as on a runner before anything is installed
        [sys.executable, "-S", "-m", "gitops.stacks"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )

    stacks = json.loads(proc.stdout)
    assert "dev" in stacks
    assert stacks == sorted(p.name.split(".")[1] for p in REPO.glob("Pulumi.*.yaml"))
