"""The driver side of a training job: arguments, data preparation, launch, result.

An entry script calls `training.main(...)` with what is its own (training.py); this module
reads the arguments, lets the job prepare its data with Spark, starts `--num-proc` processes
as Spark tasks with the `--launcher` the job's runtime can run, each running its framework's
loop (torch_loop, tf_loop), writes every rank's result and each epoch's figures to
`<output>/run_summary.json`, draws the curves to `<output>/training_curves.png` (curves) and
prints one JSON line: {"job", "epochs", "test_loss", "test_<metric>", "samples_per_second"}.
With an MLflow tracking URI, the run is logged there too (tracking).

Launchers (synapse_dl/facts/runtimes.py says which runtime runs which):
- horovod: `horovod.spark.run` (horovod_launcher), data through Petastorm; the 3.1/3.2 GPU
  runtimes.
- spark: Spark's own barrier tasks (spark_launcher): TorchDistributor for PyTorch,
  MultiWorkerMirroredStrategy for TensorFlow; data through pyarrow; Spark 3.4 and 3.5.

Both keep one contract: disjoint shards, the learning rate scaled by the number of processes,
checkpoints by rank 0 every epoch and a re-run resuming from the last one, every rank's result
in the summary.

Shipped to the cluster in common.zip, the jobs' `../common` pyFiles entry.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import sys
import tempfile
import time
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType

import checkpoints
import curves
import dataset
import job_arguments
import tracking

SUMMARY_FILE = "run_summary.json"
LAUNCHERS = job_arguments.LAUNCHERS
FRAMEWORKS = ("pytorch", "tensorflow")
# The shared modules are the ones beside this one: training_jobs/common, which a job ships
# as one file (common.zip). Adding a module to the folder is the whole change.


@dataclass(frozen=True)
class TrainConfig:
    """Everything one training process needs; pickled to each of them."""

    job: str
    launcher: str
    reader: str  # petastorm or pyarrow: dataset.READERS[launcher]
    train_url: str
    test_url: str
    train_rows: int
    columns: dataset.Columns
    width: int  # the numbers in one row's features
    output_url: str
    epochs: int
    batch_size: int
    learning_rate: float  # per process; the job scales it by the number of processes
    # The checkpoint every rank starts from (0: none). The driver picks it, so all ranks
    # load the same one without a broadcast.
    resume_epoch: int
    seed: int
    # CPU threads per process: the cores Spark gives each task (spark.task.cpus), so
    # processes sharing a node never oversubscribe it.
    threads: int
    # The MLflow run rank 0 logs each epoch to; None: no tracking URI.
    tracking: tracking.Run | None = None

    def steps_per_epoch(self, size: int) -> int:
        # Every rank takes the same number of steps (an allreduce each), together one pass
        # over the training rows.
        return max(1, self.train_rows // (self.batch_size * size))


def parse_args(job: str, argv: Sequence[str] | None, *, epochs: int, learning_rate: float):
    parser = job_arguments.build_parser(job, epochs=epochs, learning_rate=learning_rate)
    return job_arguments.parse(parser, None if argv is None else list(argv))


def shared_module_names() -> list[str]:
    """The modules beside this one: in its zip (on a pool, and under `make train`) or its
    folder (imported from the source tree)."""
    here = Path(__file__).parent
    if zipfile.is_zipfile(here):
        with zipfile.ZipFile(here) as archive:
            names = [n for n in archive.namelist() if "/" not in n and n.endswith(".py")]
    else:
        names = [p.name for p in here.glob("*.py")]
    return sorted(name.removesuffix(".py") for name in names)


def shared_modules() -> list[ModuleType]:
    """The shared modules, imported.

    The launchers pickle them by value with the training function, because the processes
    they start (torchrun, a TensorFlow worker, Horovod's tasks) have no path to them. A module
    that cannot import here (one of the other framework's) is not needed by this job.
    """
    modules = []
    for name in shared_module_names():
        try:
            modules.append(importlib.import_module(name))
        except ImportError as error:
            if getattr(error, "name", None) == name:
                raise
    return modules


def launch(job, config: TrainConfig, num_proc: int) -> list[dict]:
    """Run the job's framework loop in `num_proc` processes with the config's launcher; every
    rank's result, by rank."""
    loop = importlib.import_module("torch_loop" if job.framework == "pytorch" else "tf_loop")
    train = functools.partial(loop.train, job)
    if config.launcher == "horovod":
        import horovod_launcher

        ranks = horovod_launcher.run(train, config, num_proc, shared_modules())
    else:
        import spark_launcher

        ranks = spark_launcher.run(job.framework, train, config, num_proc, shared_modules())
    return sorted(ranks, key=lambda r: r["rank"])


def start_tracking(job, args) -> tracking.Run | None:
    """The MLflow run, opened before anything is trained; a tracking URI that cannot be used
    ends the job with a message naming it."""
    uri = tracking.configured_uri(args.mlflow_tracking_uri)
    if uri is None:
        return None
    params = {
        key: getattr(args, key)
        for key in ("launcher", "num_proc", "epochs", "batch_size", "learning_rate", "seed")
    }
    try:
        return tracking.start(uri, args.mlflow_experiment, job.name, {**params, "data": args.data})
    except tracking.TrackingError as error:
        sys.exit(f"{job.name}: MLflow tracking URI {tracking.shown(uri)!r}: {error}")


def write_outputs(output_url: str, job_name: str, summary: dict) -> dict[str, bytes]:
    """run_summary.json and, where matplotlib is installed, training_curves.png, under the
    output; the files by name. The curves never fail a run that trained."""
    files = {SUMMARY_FILE: json.dumps(summary, indent=2).encode()}
    try:
        files[curves.CURVES_FILE] = curves.png(job_name, summary["epochs"])
    except Exception as error:  # matplotlib absent or failing: the figures are in the summary
        print(f"{job_name}: no {curves.CURVES_FILE}: {error}", file=sys.stderr)
    for name, payload in files.items():
        checkpoints.write(f"{output_url}/{name}", payload)
    return files


def log_outputs(run: tracking.Run | None, files: dict[str, bytes]) -> None:
    """The output files as the MLflow run's artifacts, and the run closed."""
    if run is None:
        return
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for name, payload in files.items():
            paths.append(os.path.join(folder, name))
            with open(paths[-1], "wb") as f:
                f.write(payload)
        tracking.finish(run, paths)


def run(job, argv: Sequence[str] | None = None, *, epochs: int, learning_rate: float) -> dict:
    """The job's driver: its final JSON line, printed and returned."""
    args = parse_args(job.name, argv, epochs=epochs, learning_rate=learning_rate)
    columns = dataset.Columns(tuple(args.features.split(",")), args.label, args.id_column)
    from pyspark.sql import SparkSession

    run_tracking = start_tracking(job, args)
    spark = SparkSession.builder.appName(job.name).getOrCreate()
    try:
        if job.prepare is not None:
            job.prepare(spark, args.data)
        train_url = dataset.split_url(args.data, "train")
        output_url = dataset.as_url(args.output)
        saved = checkpoints.saved_epochs(output_url) if args.resume else []
        config = TrainConfig(
            job=job.name,
            launcher=args.launcher,
            reader=dataset.READERS[args.launcher],
            train_url=train_url,
            test_url=dataset.split_url(args.data, "test"),
            train_rows=dataset.count_rows(train_url),
            columns=columns,
            width=dataset.feature_width(train_url, columns),
            output_url=output_url,
            epochs=args.epochs,
            batch_size=args.batch_size,
            learning_rate=args.learning_rate,
            resume_epoch=saved[-1] if saved else 0,
            seed=args.seed,
            threads=int(spark.conf.get("spark.task.cpus", "1")),
            tracking=run_tracking,
        )
        launched_at = time.time()
        ranks = launch(job, config, args.num_proc)
    except BaseException:
        tracking.finish(run_tracking, [], failed=True)
        raise
    finally:
        spark.stop()
    metric = f"test_{job.metric_name}" if job.metric_name else None
    final = {
        "job": job.name,
        "epochs": args.epochs,
        "test_loss": ranks[0]["test_loss"],
        **({metric: ranks[0][metric]} if metric else {}),
        "samples_per_second": ranks[0]["samples_per_second"],
    }
    launch_info = {
        "launcher": args.launcher,
        "processes": len(ranks),
        "seconds_to_first_step": ranks[0]["first_step_at"] - launched_at,
    }
    shown_config = asdict(config)
    if run_tracking:  # no password in the summary
        shown_config["tracking"]["uri"] = tracking.shown(run_tracking.uri)
    files = write_outputs(
        output_url,
        job.name,
        {
            "final": final,
            "launch": launch_info,
            "config": shown_config,
            "epochs": ranks[0]["history"],
            "ranks": ranks,
        },
    )
    log_outputs(run_tracking, files)
    print(json.dumps(final), flush=True)
    return final
