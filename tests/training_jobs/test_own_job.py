"""A job of one's own, as `synapse-dl new-job` writes it, trains on the dataset it generates
(numeric columns named in its job.yaml, not the digits) under this environment's launcher."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from synapse_dl.cli.job_template import files
from synapse_dl.facts.runtimes import NODE_SPECS
from training_jobs import local_run

REPO = Path(__file__).resolve().parents[2]
FRAMEWORK_OF = {"horovod": "pytorch", "spark": "tensorflow"}
RUNTIME_OF = {"horovod": "3.2", "spark": "3.5"}

pytestmark = pytest.mark.training


def test_a_new_job_trains_on_its_own_columns(launcher, tmp_path):
    # One framework per environment, so that both are trained by `make test`.
    framework = FRAMEWORK_OF[launcher]
    jobs = tmp_path / "training_jobs"
    shutil.copytree(REPO / "training_jobs" / "common", jobs / "common")
    job_dir = jobs / "mymodel"
    job_dir.mkdir()
    node = NODE_SPECS[("MemoryOptimized", "Medium")]
    for name, text in files("mymodel", framework, "cpumedium", "Medium", node).items():
        (job_dir / name).write_text(text)
    if launcher == "horovod":  # the job.yaml names the spark launcher, which 3.2 cannot run
        text = (job_dir / "job.yaml").read_text()
        (job_dir / "job.yaml").write_text(text.replace("launcher: spark\n", ""))
    output = tmp_path / "out"
    command = local_run.submit_command(
        job_dir, ["--data", str(tmp_path / "data"), "--output", str(output), "--epochs", "6"],
        RUNTIME_OF[launcher],
    )  # fmt: skip

    done = subprocess.run(command, env=local_run.submit_env(job_dir), cwd=tmp_path,
                          capture_output=True, text=True, timeout=900)  # fmt: skip

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-6000:]
    final = json.loads(done.stdout.strip().splitlines()[-1])
    summary = json.loads((output / "run_summary.json").read_text())
    assert summary["final"] == final and final["job"] == "mymodel"
    # Three well-separated classes: far above chance (1/3) after a few epochs.
    assert final["test_accuracy"] > 0.8
    assert summary["config"]["columns"]["features"] == [f"x{i}" for i in range(8)]
    assert summary["config"]["width"] == 8
    # The id column proves the shards disjoint here too.
    shard_0, shard_1 = (set(r["ids_seen"]) for r in summary["ranks"])
    assert shard_0 and shard_1 and shard_0.isdisjoint(shard_1)
    assert [e["epoch"] for e in summary["epochs"]] == list(range(1, 7))
    # Rank 0 prints each epoch (on a pool, in the driver's or the executor's log).
    assert "epoch 6/6: " in done.stdout + done.stderr
    assert sys.executable == command[0]
