"""The driver side of a training job: arguments, data preparation, launch, result.

An entry script defines `train(config) -> dict` for one training process and calls
`main(job_name, train, framework=...)`. The driver prepares the data with Spark, starts
`--num-proc` processes as Spark tasks with the `--launcher` the job's runtime can run, writes
every rank's result to `<output>/run_summary.json` and prints one JSON line:
{"job", "epochs", "test_accuracy", "samples_per_second"}.

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

import importlib
import json
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType

import checkpoints
import digits_data
import fsspec
import job_arguments

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
    reader: str  # petastorm or pyarrow: digits_data.READERS[launcher]
    train_url: str
    test_url: str
    train_rows: int
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

    def steps_per_epoch(self, size: int) -> int:
        # Every rank takes the same number of steps (an allreduce each), together one pass
        # over the training rows.
        return max(1, self.train_rows // (self.batch_size * size))


def parse_args(job: str, argv: Sequence[str] | None, *, epochs: int, learning_rate: float):
    parser = job_arguments.build_parser(job, epochs=epochs, learning_rate=learning_rate)
    return job_arguments.parse(parser, None if argv is None else list(argv))


def rank_result(
    *,
    rank: int,
    size: int,
    start_epoch: int,
    steps_per_epoch: int,
    ids_seen: set[int],
    weights_sha256: str,
    correct: float,
    total: float,
    trained_samples: int,
    seconds: float,
    first_step_at: float,
) -> dict:
    """What one training process reports to the driver: the same shape for every job."""
    return {
        "rank": rank,
        "size": size,
        "start_epoch": start_epoch,
        "steps_per_epoch": steps_per_epoch,
        "ids_seen": sorted(ids_seen),
        "weights_sha256": weights_sha256,
        "test_accuracy": correct / total,
        # All ranks' samples: every rank trains the same number of steps in lockstep.
        "samples_per_second": trained_samples * size / seconds if trained_samples else 0.0,
        # Wall clock (time.time()) when training began in this process: launch overhead.
        "first_step_at": first_step_at,
    }


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


def launch(
    launcher: str,
    framework: str,
    train: Callable[[TrainConfig], dict],
    config: TrainConfig,
    num_proc: int,
) -> list[dict]:
    """Run `train` in `num_proc` processes with `launcher`; every rank's result, by rank."""
    if launcher == "horovod":
        import horovod_launcher

        ranks = horovod_launcher.run(train, config, num_proc, shared_modules())
    else:
        import spark_launcher

        ranks = spark_launcher.run(framework, train, config, num_proc, shared_modules())
    return sorted(ranks, key=lambda r: r["rank"])


def write_summary(output_url: str, summary: dict) -> None:
    fs, path = fsspec.core.url_to_fs(f"{output_url}/{SUMMARY_FILE}")
    fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
    with fs.open(path, "w") as f:
        json.dump(summary, f, indent=2)


def main(
    job: str,
    train: Callable[[TrainConfig], dict],
    argv: Sequence[str] | None = None,
    *,
    framework: str,
    epochs: int,
    learning_rate: float,
) -> dict:
    if framework not in FRAMEWORKS:
        raise ValueError(f"framework {framework!r} is not one of {', '.join(FRAMEWORKS)}")
    args = parse_args(job, argv, epochs=epochs, learning_rate=learning_rate)
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName(job).getOrCreate()
    try:
        data = digits_data.prepare_digits(spark, args.data)
        output_url = digits_data.as_url(args.output)
        saved = checkpoints.saved_epochs(output_url) if args.resume else []
        config = TrainConfig(
            job=job,
            launcher=args.launcher,
            reader=digits_data.READERS[args.launcher],
            train_url=data.train_url,
            test_url=data.test_url,
            train_rows=data.train_rows,
            output_url=output_url,
            epochs=args.epochs,
            batch_size=args.batch_size,
            learning_rate=args.learning_rate,
            resume_epoch=saved[-1] if saved else 0,
            seed=args.seed,
            threads=int(spark.conf.get("spark.task.cpus", "1")),
        )
        launched_at = time.time()
        ranks = launch(args.launcher, framework, train, config, args.num_proc)
    finally:
        spark.stop()
    final = {
        "job": job,
        "epochs": args.epochs,
        "test_accuracy": ranks[0]["test_accuracy"],
        "samples_per_second": ranks[0]["samples_per_second"],
    }
    launch_info = {
        "launcher": args.launcher,
        "processes": len(ranks),
        "seconds_to_first_step": ranks[0]["first_step_at"] - launched_at,
    }
    write_summary(
        output_url,
        {"final": final, "launch": launch_info, "config": asdict(config), "ranks": ranks},
    )
    print(json.dumps(final), flush=True)
    return final
