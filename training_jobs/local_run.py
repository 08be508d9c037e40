"""Run a job on a local Spark the way Synapse runs it: spark-submit of the job's entry
script with its pyFiles, here on `local[2]` with 2 Horovod processes.

    python -m training_jobs.local_run pytorch_digits [entry-script arguments...]

The job.yaml's sizes, Spark conf and data-lake paths are for the pool and are not applied:
a local run writes under out/ (the entry script's defaults) unless arguments say otherwise.
Run it with the training venv's python: Spark's Python processes use the same interpreter.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from training_jobs.definition import discover_jobs, load_job_definition

JOBS_ROOT = Path(__file__).resolve().parent
LOCAL_MASTER = "local[2]"
LOCAL_PROCESSES = 2


def submit_command(job_dir: Path, job_args: list[str], master: str = LOCAL_MASTER) -> list[str]:
    job = load_job_definition(job_dir)
    spark_submit = Path(sys.executable).parent / "spark-submit"
    command = [str(spark_submit), "--master", master]
    if job.pyFiles:
        py_files = ",".join(str((job_dir / f).resolve()) for f in job.pyFiles)
        command += ["--py-files", py_files]
    # No Spark UI (it would only take a port); Spark logs warnings and errors only.
    command += ["--conf", "spark.ui.enabled=false", "--conf", "spark.log.level=WARN"]
    return [*command, str(job_dir / job.entry), "--num-proc", str(LOCAL_PROCESSES), *job_args]


def submit_env() -> dict[str, str]:
    env = dict(os.environ)
    # Driver, executors and Horovod's processes all run this interpreter (this venv).
    env["PYSPARK_PYTHON"] = sys.executable
    env["PYSPARK_DRIVER_PYTHON"] = sys.executable
    env.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    return env


def main(argv: list[str]) -> None:
    known = [p.name for p in discover_jobs(JOBS_ROOT)]
    if not argv or argv[0] not in known:
        given = argv[0] if argv else "(none)"
        sys.exit(f"local_run: job {given!r} unknown; the jobs are: {', '.join(known)}")
    command = submit_command(JOBS_ROOT / argv[0], argv[1:])
    os.execve(command[0], command, submit_env())


if __name__ == "__main__":
    main(sys.argv[1:])
