"""`synapse-dl new-job`: a job folder of one's own on the job API, which plans on a stack once
listed in its jobs; misuse writes nothing."""

from __future__ import annotations

import json
import shutil

import pytest

from synapse_dl.cli import main
from tests.cli_runs import project_copy, run_plan

FILES = ("Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.cpu.yaml", "__main__.py")
FOLDERS = ("policies", "training_jobs", "workspace_packages")


@pytest.fixture
def project(tmp_path):
    return project_copy(tmp_path / "project", FILES, FOLDERS)


def _new_job(project, *argv: str) -> int:
    try:
        return main(["new-job", *argv, "--project-dir", str(project)])
    except SystemExit as exited:
        return int(exited.code or 0)


@pytest.mark.parametrize("framework", ["pytorch", "tensorflow"])
def test_a_new_job_plans_on_the_cpu_stack_once_listed_in_its_jobs(project, framework, tmp_path):
    assert _new_job(project, "mymodel", "--framework", framework) == 0
    folder = project / "training_jobs" / "mymodel"
    assert sorted(p.name for p in folder.iterdir()) == ["job.yaml", "test_mymodel.py", "train.py"]
    train = (folder / "train.py").read_text()
    assert ("from torch import nn" in train) == (framework == "pytorch")
    assert f'framework="{framework}"' in train
    # The train.py is the model and the example data, and little else.
    assert len(train.splitlines()) <= 80
    stack = project / "Pulumi.cpu.yaml"
    stack.write_text(
        stack.read_text().replace("  synapse-dl:jobs:\n", "  synapse-dl:jobs:\n    - mymodel\n", 1)
    )
    out = tmp_path / "plan.json"

    code, text, err = run_plan("--stack", "cpu", "--project-dir", str(project), "--json", str(out))

    assert code == 0, text + err
    assert "SparkJobDefinition  mymodel-definition" in text
    [definition] = [r for r in json.loads(out.read_text())["resources"]
                    if r["name"] == "mymodel-definition"]  # fmt: skip
    args = definition["inputs"]["jobProperties"]["args"]
    assert args[args.index("--features") + 1] == "x0,x1,x2,x3,x4,x5,x6,x7"
    assert definition["inputs"]["targetBigDataPool"] == "cpumedium"


def test_an_existing_folder_is_left_as_it_is(project, capsys):
    folder = project / "training_jobs" / "pytorch_digits"
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}

    assert _new_job(project, "pytorch_digits", "--framework", "pytorch") == 2

    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before
    assert "exists; nothing was written" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["1job", "my-job", "my job", "", "a" * 64, "../x", "jöb"])
def test_a_name_that_is_no_job_name_is_a_usage_error(project, name, capsys):
    assert _new_job(project, name, "--framework", "pytorch") == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert sorted(p.name for p in (project / "training_jobs").iterdir() if p.is_dir()) == [
        "build", "common", "pytorch_digits", "tensorflow_digits"
    ]  # fmt: skip


def test_a_project_without_the_shared_job_code_is_a_usage_error(project, capsys):
    # A project that took the stacks and the package but not training_jobs/common.
    shutil.rmtree(project / "training_jobs" / "common")
    assert _new_job(project, "mymodel", "--framework", "pytorch") == 2
    err = capsys.readouterr().err
    assert f"{project / 'training_jobs' / 'common'} has no training.py" in err
    assert "copy training_jobs/common from synapse-dl's repository" in err
    assert not (project / "training_jobs" / "mymodel").exists()


def test_a_pool_that_is_no_spark_3_5_cpu_pool_is_a_usage_error(project, capsys):
    assert _new_job(project, "mymodel", "--framework", "pytorch", "--pool", "gpularge") == 2
    assert "is not a Spark 3.5 CPU pool of the project's stacks (cpumedium, dataprep)" in (
        capsys.readouterr().err
    )
    assert not (project / "training_jobs" / "mymodel").exists()
