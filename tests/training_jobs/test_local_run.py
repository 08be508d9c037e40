"""local_run: which launcher a local run takes, and the driver it starts."""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from synapse_dl.archive import folder_zip, shipped
from synapse_dl.config.job_definition import discover_jobs, load_job_definition
from training_jobs import local_run

JOBS_ROOT = Path(__file__).resolve().parents[2] / "training_jobs"


def job_with(tmp_path: Path, **changes) -> Path:
    root = tmp_path / "training_jobs"
    shutil.copytree(JOBS_ROOT / "common", root / "common")
    shutil.copytree(JOBS_ROOT / "pytorch_digits", root / "pytorch_digits")
    job_file = root / "pytorch_digits" / "job.yaml"
    job_file.write_text(yaml.safe_dump({**yaml.safe_load(job_file.read_text()), **changes}))
    return root / "pytorch_digits"


def test_a_default_run_plays_the_gpu_runtime_with_the_horovod_launcher():
    command = local_run.submit_command(JOBS_ROOT / "pytorch_digits", ["--epochs", "2"])
    assert command == [
        sys.executable,
        str(JOBS_ROOT / "pytorch_digits" / "train.py"),
        "--launcher",
        "horovod",
        "--num-proc",
        "2",
        # the columns of the job.yaml's dataset, as the plan passes them on a pool
        *["--features", "features", "--label", "label", "--id-column", "id"],
        "--epochs",
        "2",
    ]


def test_a_spark_3_5_run_takes_the_spark_launcher():
    command = local_run.submit_command(JOBS_ROOT / "tensorflow_digits", [], "3.5")
    assert command[2:4] == ["--launcher", "spark"]


def test_a_job_whose_launcher_the_runtime_cannot_run_is_refused(tmp_path):
    job_dir = job_with(tmp_path, launcher="horovod")
    with pytest.raises(local_run.LocalRunError) as raised:
        local_run.submit_command(job_dir, [], "3.5")
    assert str(raised.value) == (
        "job 'pytorch_digits': launcher = 'horovod': Spark 3.5 can run only: spark"
    )


def test_the_driver_gets_spark_submits_options_and_the_shared_zip_on_its_path():
    job_dir = JOBS_ROOT / "pytorch_digits"
    env = local_run.submit_env(job_dir)
    options = shlex.split(env["PYSPARK_SUBMIT_ARGS"])
    [common] = [shipped((job_dir / f).resolve()) for f in load_job_definition(job_dir).pyFiles]

    # The folder goes as one zip, the same bytes the deploy uploads.
    assert common.name == "common.zip" and common.read_bytes() == folder_zip(JOBS_ROOT / "common")
    assert options[:4] == ["--master", "local[2]", "--py-files", str(common)]
    assert options[-1] == "pyspark-shell"
    assert "spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures=1" in options
    assert env["PYTHONPATH"].split(":")[0] == str(common)
    assert env["PYSPARK_PYTHON"] == env["PYSPARK_DRIVER_PYTHON"] == sys.executable


def test_an_unknown_job_is_refused_listing_the_jobs(capsys):
    with pytest.raises(SystemExit):
        local_run.main(["no_such_job"])
    assert "invalid choice: 'no_such_job' (choose from 'pytorch_digits', 'tensorflow_digits')" in (
        capsys.readouterr().err
    )


def test_the_shared_modules_are_the_folders_and_every_job_ships_the_folder():
    import launcher  # a shared module (conftest.py puts training_jobs/common on the path)

    common = sorted(p.stem for p in (JOBS_ROOT / "common").glob("*.py"))
    assert launcher.shared_module_names() == common
    for job_dir in discover_jobs(JOBS_ROOT):
        assert load_job_definition(job_dir).pyFiles == ["../common"], job_dir.name
