"""Run a job on a local Spark the way a Synapse pool runs it: the job's entry script with its
pyFiles and arguments, here on `local[2]` with 2 training processes.

    python -m training_jobs.local_run [--spark 3.5] pytorch_digits [entry-script arguments...]

`--spark` names the Synapse runtime to run as; the launcher is the job's own or that
runtime's default (synapse_dl/facts/runtimes.py), and must be one the runtime can run. Without it,
the job runs as on the Spark 3.2 GPU runtime: the horovod launcher. Run it with the python of
the training environment made for that runtime (`make train` picks it): Spark's Python
processes use the same interpreter.

The job.yaml's sizes, Spark conf and data-lake paths are for the pool and are not applied:
a local run writes under out/ (the entry script's defaults) unless arguments say otherwise.

The driver is started as Python, with the spark-submit options in PYSPARK_SUBMIT_ARGS, not by
spark-submit itself: Spark 3.5's barrier tasks leave a non-daemon timer thread behind
("Barrier task timer for barrier() calls.", made a daemon in Spark 4.0 by SPARK-46895), so a
local spark-submit JVM, which hosts the executors, never exits after a spark-launcher job. A
JVM that Python started exits with Python. On a pool, executors are separate JVMs that end
with the application.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import shlex
import sys
from pathlib import Path

from synapse_dl.archive import shipped
from synapse_dl.config.job_definition import (
    JobDefinition,
    JobDefinitionError,
    discover_jobs,
    load_job_definition,
)
from synapse_dl.facts.runtimes import RUNTIMES

JOBS_ROOT = Path(__file__).resolve().parent
LOCAL_MASTER = "local[2]"
LOCAL_PROCESSES = 2
# What `make train JOB=...` has always run: the GPU runtime's launcher, Horovod.
DEFAULT_SPARK = "3.2"
# Only a CPU build of torch installs here without GBs of CUDA packages (torch 2.13.0), so
# torch is the one runtime package a local environment does not match.
NOT_MATCHED = {"torch"}


class LocalRunError(Exception):
    pass


def launcher_for(job: JobDefinition, spark_version: str) -> str:
    runtime = RUNTIMES[spark_version]
    launcher = job.launcher or runtime.default_launcher
    if launcher not in runtime.launchers:
        raise LocalRunError(
            f"job {job.name!r}: launcher = {launcher!r}: Spark {spark_version} can run only: "
            f"{', '.join(runtime.launchers)}"
        )
    return launcher


def runtime_mismatches(spark_version: str) -> list[str]:
    """Where this environment differs from the runtime's: Python, then preinstalled packages
    (one absent here counts too). Only runtimes with a published environment (3.4, 3.5) are
    compared: the horovod environment stands in for the retired GPU runtimes, whose Python 3.8
    and packages no longer install here."""
    runtime = RUNTIMES[spark_version]
    if not runtime.preinstalled:
        return []
    here = ".".join(map(str, sys.version_info[:2]))
    problems = []
    if here != runtime.python_minor:
        problems.append(f"python {here} (the runtime: {runtime.python})")
    for package, version in sorted(runtime.preinstalled.items()):
        if package in NOT_MATCHED:
            continue
        try:
            installed = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            installed = "absent"
        if installed != version:
            problems.append(f"{package} {installed} (the runtime: {version})")
    return problems


def submit_command(
    job_dir: Path, job_args: list[str], spark_version: str = DEFAULT_SPARK
) -> list[str]:
    """The driver's command line: the entry script, its launcher, then the caller's arguments."""
    job = load_job_definition(job_dir)
    return [
        sys.executable,
        str(job_dir / job.entry),
        "--launcher",
        launcher_for(job, spark_version),
        "--num-proc",
        str(LOCAL_PROCESSES),
        # The columns the job reads, as the plan passes them on a pool.
        *job.data.column_args(),
        *job_args,
    ]


def submit_env(job_dir: Path, master: str = LOCAL_MASTER) -> dict[str, str]:
    """The driver's environment: spark-submit's options for the JVM that pyspark starts."""
    job = load_job_definition(job_dir)
    # What a pool is given: a folder as its zip (common.zip), the same bytes the deploy uploads.
    py_files = [shipped((job_dir / f).resolve()) for f in job.pyFiles]
    options = ["--master", master]
    if py_files:
        options += ["--py-files", ",".join(map(str, py_files))]
    # No Spark UI (it would only take a port); Spark logs warnings and errors only. A barrier
    # stage asking for more task slots than local[2] has fails at once instead of retrying
    # 40 times at 15 s.
    for setting in (
        "spark.ui.enabled=false",
        "spark.log.level=WARN",
        "spark.ui.showConsoleProgress=false",
        "spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures=1",
    ):
        options += ["--conf", setting]
    env = dict(os.environ)
    env["PYSPARK_SUBMIT_ARGS"] = shlex.join([*options, "pyspark-shell"])
    # spark-submit puts the pyFiles on the driver's path (a zip itself, a module's folder);
    # the executors get them from Spark.
    paths = sorted({str(p if p.suffix in (".zip", ".egg") else p.parent) for p in py_files})
    env["PYTHONPATH"] = os.pathsep.join([*paths, *filter(None, [env.get("PYTHONPATH")])])
    # Driver, executors and the training processes all run this interpreter (this venv).
    env["PYSPARK_PYTHON"] = sys.executable
    env["PYSPARK_DRIVER_PYTHON"] = sys.executable
    env.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    return env


def main(argv: list[str]) -> None:
    known = [p.name for p in discover_jobs(JOBS_ROOT)]
    parser = argparse.ArgumentParser(prog="local_run", description=__doc__.splitlines()[0])
    parser.add_argument("--spark", default=DEFAULT_SPARK, choices=sorted(RUNTIMES))
    parser.add_argument("job", choices=known)
    args, job_args = parser.parse_known_args(argv)
    try:
        command = submit_command(JOBS_ROOT / args.job, job_args, args.spark)
    except (LocalRunError, JobDefinitionError) as error:
        sys.exit(f"local_run: {error}")
    if mismatches := runtime_mismatches(args.spark):
        print(
            f"local_run: warning: this environment is not Spark {args.spark}'s: "
            + "; ".join(mismatches),
            file=sys.stderr,
        )
    os.execve(command[0], command, submit_env(JOBS_ROOT / args.job))


if __name__ == "__main__":
    main(sys.argv[1:])
