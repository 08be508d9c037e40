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

    with pytest.raises(ValueError, match="stack name 'dev' comes from both"):
        stack_files_from_paths(
            [str(tmp_path / "Pulumi.dev.yaml"), str(tmp_path / "a" / "Pulumi.dev.yaml")]
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
