"""Each job really trains on digits: local[2] Spark, 2 processes, each on its own shard, with
the launcher of this training environment (conftest.py):
- horovod: `horovod.spark.run`, Petastorm (the Spark 3.1/3.2 GPU runtimes' path);
- spark: TorchDistributor or MultiWorkerMirroredStrategy in barrier tasks, pyarrow (Spark 3.5).

Per job, one output folder sees three runs, the way an interrupted job would:
  1. `--epochs 2`: stops after epoch 2 (checkpoints 1 and 2);
  2. `--epochs 8`: resumes and trains epochs 3..8, the run whose accuracy is checked;
  3. `--epochs 1 --no-resume`: starts again from epoch 1 although checkpoints exist.
Resumption is read from the checkpoints themselves (each records its epoch and the epoch its
run started after), not from logs. The first run is logged to MLflow through
MLFLOW_TRACKING_URI, the second through `--mlflow-tracking-uri`, the third not at all: a
local MLflow file store, read back with MLflow's own client.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n"
JOBS = ["pytorch_digits", "tensorflow_digits"]
INTERRUPTED_AFTER = 2
EPOCHS = 8
# 10 classes, so chance is 0.1; a linear model gets about 0.95 on digits' 8x8 images. A small
# MLP after 8 epochs lands at 0.95-0.98 here; 0.9 leaves room for run-to-run variation
# (shuffling, thread timing) while still failing a model that did not learn or whose
# ranks drifted apart.
ACCURACY_THRESHOLD = 0.9
DIGITS_ROWS = 1797

pytestmark = pytest.mark.training


# The runtime each launcher's local runs play (local_run --spark).
RUNTIME_OF = {"horovod": "3.2", "spark": "3.5"}
READER_OF = {"horovod": "petastorm", "spark": "pyarrow"}


def run_job(
    job: str, launcher: str, data: Path, output: Path, *args: str, env: dict | None = None
) -> dict:
    """`python -m training_jobs.local_run` on local[2]; returns the run summary."""
    command = [sys.executable, "-m", "training_jobs.local_run", "--spark", RUNTIME_OF[launcher]]
    command += [job, "--data", str(data), "--output", str(output), *args]
    # No MLflow unless asked; mlflow 3 uses a file store only with MLFLOW_ALLOW_FILE_STORE
    # (here a test's store; a pool logs to a server).
    outer = {k: v for k, v in os.environ.items() if k != "MLFLOW_TRACKING_URI"}
    env = {**outer, "MLFLOW_ALLOW_FILE_STORE": "true", **(env or {})}
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=900, env=env)
    assert done.returncode == 0, f"{job} failed:\n{done.stdout[-4000:]}\n{done.stderr[-8000:]}"
    final = json.loads(done.stdout.strip().splitlines()[-1])
    summary = json.loads((output / "run_summary.json").read_text())
    assert summary["final"] == final
    return summary


def read_checkpoint(job: str, path: Path) -> dict:
    """Epoch, the epoch the writing run started after, and when the file was written."""
    if job == "pytorch_digits":
        import torch

        state = torch.load(io.BytesIO(path.read_bytes()), weights_only=True)
        epoch, started_after = state["epoch"], state["started_after_epoch"]
        learning_rate = state["optimizer"]["param_groups"][0]["lr"]
    else:
        with np.load(path, allow_pickle=False) as saved:
            epoch, started_after = saved["epoch"], saved["started_after_epoch"]
            learning_rate = saved["learning_rate"]
    return {
        "epoch": int(epoch),
        "started_after_epoch": int(started_after),
        "learning_rate": float(learning_rate),
        # Training is deterministic (fixed seeds, fixed shard order), so a rewritten
        # checkpoint can hold the same bytes: its modification time tells it was rewritten.
        "mtime_ns": path.stat().st_mtime_ns,
    }


def checkpoints_of(job: str, output: Path) -> dict[int, dict]:
    files = sorted((output / "checkpoints").glob("epoch-*.ckpt"))
    return {int(f.stem.split("-")[1]): read_checkpoint(job, f) for f in files}


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    # Shared by both jobs: the first run prepares the Parquet, later runs reuse it.
    return tmp_path_factory.mktemp("data") / "digits"


@pytest.fixture(scope="module", params=JOBS)
def job_runs(request, launcher, data_dir, tmp_path_factory) -> dict:
    job = request.param
    output = tmp_path_factory.mktemp(job) / "output"
    mlflow_uri = (tmp_path_factory.mktemp("mlflow") / "mlruns").as_uri()
    first = run_job(
        job, launcher, data_dir, output, "--epochs", str(INTERRUPTED_AFTER),
        env={"MLFLOW_TRACKING_URI": mlflow_uri},
    )  # fmt: skip
    after_first = checkpoints_of(job, output)
    first_curves = (output / "training_curves.png").read_bytes()
    resumed = run_job(
        job, launcher, data_dir, output, "--epochs", str(EPOCHS),
        "--mlflow-tracking-uri", mlflow_uri,
    )  # fmt: skip
    after_resume = checkpoints_of(job, output)
    resumed_curves = (output / "training_curves.png").read_bytes()
    restarted = run_job(job, launcher, data_dir, output, "--epochs", "1", "--no-resume")
    after_restart = checkpoints_of(job, output)
    return {
        "mlflow_uri": mlflow_uri,
        "curves": {"first": first_curves, "resumed": resumed_curves},
        "job": job,
        "launcher": launcher,
        "data": data_dir,
        "first": first,
        "resumed": resumed,
        "restarted": restarted,
        "after_first": after_first,
        "after_resume": after_resume,
        "after_restart": after_restart,
    }


def test_resumed_run_reaches_the_accuracy_threshold_on_the_held_out_digits(job_runs):
    final = job_runs["resumed"]["final"]
    assert final["job"] == job_runs["job"]
    assert final["epochs"] == EPOCHS
    assert final["test_accuracy"] >= ACCURACY_THRESHOLD
    assert final["samples_per_second"] > 0


def test_the_run_used_this_environments_launcher_and_its_reader(job_runs):
    summary = job_runs["resumed"]
    assert summary["launch"]["launcher"] == job_runs["launcher"]
    assert summary["config"]["launcher"] == job_runs["launcher"]
    assert summary["config"]["reader"] == READER_OF[job_runs["launcher"]]
    assert summary["launch"]["processes"] == 2
    assert summary["launch"]["seconds_to_first_step"] > 0


def test_the_optimizer_ran_at_the_learning_rate_scaled_by_the_number_of_processes(job_runs):
    per_process = job_runs["resumed"]["config"]["learning_rate"]
    assert per_process == 0.05
    rates = [c["learning_rate"] for c in job_runs["after_resume"].values()]
    assert len(rates) == EPOCHS
    assert rates == pytest.approx([per_process * 2] * EPOCHS)


def test_two_processes_train_on_disjoint_shards_covering_the_training_set(job_runs):
    ranks = job_runs["resumed"]["ranks"]
    assert [r["rank"] for r in ranks] == [0, 1]
    assert all(r["size"] == 2 for r in ranks)
    shard_0, shard_1 = (set(r["ids_seen"]) for r in ranks)
    assert shard_0 and shard_1
    assert shard_0.isdisjoint(shard_1)
    # 6 epochs at 22 steps x 32 rows per rank pass over each shard several times.
    train_rows = job_runs["resumed"]["config"]["train_rows"]
    assert train_rows == DIGITS_ROWS - int(DIGITS_ROWS * 0.2)
    assert len(shard_0 | shard_1) == train_rows


def test_ranks_end_with_identical_weights(job_runs):
    ranks = job_runs["resumed"]["ranks"]
    assert ranks[0]["weights_sha256"] == ranks[1]["weights_sha256"]
    # and the processes computed the same test accuracy from their allreduced counts
    assert ranks[0]["test_accuracy"] == ranks[1]["test_accuracy"]


def test_learning_is_checkpointed_every_epoch_by_rank_0(job_runs):
    assert sorted(job_runs["after_first"]) == [1, 2]
    assert sorted(job_runs["after_resume"]) == list(range(1, EPOCHS + 1))
    assert all(c["epoch"] == e for e, c in job_runs["after_resume"].items())


def test_a_run_stopped_after_epoch_2_resumes_at_epoch_3(job_runs):
    first, resumed = job_runs["after_first"], job_runs["after_resume"]
    assert all(first[e]["started_after_epoch"] == 0 for e in (1, 2))
    # Epochs 3.. were written by a run that started after epoch 2 ...
    for epoch in range(INTERRUPTED_AFTER + 1, EPOCHS + 1):
        assert resumed[epoch]["started_after_epoch"] == INTERRUPTED_AFTER
    # ... and the checkpoints of epochs 1 and 2 were not written again.
    for epoch in (1, 2):
        assert resumed[epoch]["mtime_ns"] == first[epoch]["mtime_ns"]
    assert all(r["start_epoch"] == INTERRUPTED_AFTER + 1 for r in job_runs["resumed"]["ranks"])
    assert job_runs["resumed"]["config"]["resume_epoch"] == INTERRUPTED_AFTER


def test_no_resume_starts_again_at_epoch_1_despite_existing_checkpoints(job_runs):
    resumed, restarted = job_runs["after_resume"], job_runs["after_restart"]
    # Epoch 1 was trained and checkpointed again, from scratch (resuming would have found
    # epoch 8 and trained nothing) ...
    assert restarted[1]["mtime_ns"] > resumed[1]["mtime_ns"]
    assert restarted[1]["started_after_epoch"] == 0
    # ... and later epochs' checkpoints are left as they were.
    assert restarted[EPOCHS]["mtime_ns"] == resumed[EPOCHS]["mtime_ns"]
    assert all(r["start_epoch"] == 1 for r in job_runs["restarted"]["ranks"])


def test_spark_wrote_the_digits_as_parquet_files_the_readers_can_shard(job_runs):
    for split in ("train", "test"):
        files = list((job_runs["data"] / split).glob("*.parquet"))
        assert len(files) >= 4, f"{split}: {len(files)} files, too few to split in 2 shards"


def test_each_epoch_of_the_run_has_its_loss_metric_speed_and_time(job_runs):
    history = job_runs["resumed"]["epochs"]
    # The resumed run trained epochs 3..8: one entry each, the same on every rank.
    assert [e["epoch"] for e in history] == list(range(INTERRUPTED_AFTER + 1, EPOCHS + 1))
    assert job_runs["resumed"]["ranks"][1]["history"] == history
    for entry in history:
        assert set(entry) == {"epoch", "loss", "test_loss", "accuracy", "samples_per_second",
                              "elapsed_seconds"}  # fmt: skip
        assert entry["loss"] > 0 and entry["test_loss"] > 0 and entry["samples_per_second"] > 0
    assert history[-1]["accuracy"] == job_runs["resumed"]["final"]["test_accuracy"]
    assert history[-1]["test_loss"] < job_runs["first"]["epochs"][0]["test_loss"]
    times = [e["elapsed_seconds"] for e in history]
    assert times == sorted(times)


def test_each_run_draws_its_training_curves_beside_its_summary(job_runs):
    first, resumed = job_runs["curves"]["first"], job_runs["curves"]["resumed"]
    assert first.startswith(PNG) and resumed.startswith(PNG)
    # Each run drew its own epochs (1-2, then 3-8).
    assert first != resumed


def test_mlflow_has_a_run_per_run_that_asked_with_each_epochs_figures_and_the_outputs(
    job_runs, tmp_path, monkeypatch
):
    from mlflow.tracking import MlflowClient

    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")  # mlflow 3 (run_job)
    client = MlflowClient(tracking_uri=job_runs["mlflow_uri"])
    experiment = client.get_experiment_by_name(job_runs["job"])
    runs = client.search_runs([experiment.experiment_id], order_by=["attributes.start_time"])
    # The first run (the environment variable) and the resumed one (the argument); the third
    # run had no tracking URI.
    assert len(runs) == 2
    for run, summary in zip(runs, (job_runs["first"], job_runs["resumed"]), strict=True):
        assert run.info.status == "FINISHED"
        assert run.data.tags["mlflow.runName"] == job_runs["job"]
        assert run.data.params["epochs"] == str(summary["final"]["epochs"])
        assert run.data.params["launcher"] == job_runs["launcher"]
        for key in ("loss", "test_loss", "accuracy", "samples_per_second"):
            logged = [(m.step, m.value) for m in client.get_metric_history(run.info.run_id, key)]
            assert sorted(logged) == [(e["epoch"], e[key]) for e in summary["epochs"]]
        artifacts = {a.path for a in client.list_artifacts(run.info.run_id)}
        assert artifacts == {"run_summary.json", "training_curves.png"}
    folder = client.download_artifacts(runs[1].info.run_id, "", str(tmp_path))
    assert json.loads((Path(folder) / "run_summary.json").read_text()) == job_runs["resumed"]
