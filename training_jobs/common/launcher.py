"""The driver side of a training job: arguments, data preparation, Horovod on Spark, result.

An entry script defines `train(config) -> dict` for one Horovod process and calls
`main(job_name, train)`. The driver prepares the data with Spark, runs `train` in
`--num-proc` Horovod processes as Spark tasks (`horovod.spark.run`, Gloo), writes every
rank's result to `<output>/run_summary.json` and prints one JSON line:
{"job", "epochs", "test_accuracy", "samples_per_second"}.

Shipped to the cluster as a `pyFiles` entry of each job.yaml.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import checkpoints
import digits_data
import fsspec

SUMMARY_FILE = "run_summary.json"


@dataclass(frozen=True)
class TrainConfig:
    """Everything one Horovod process needs; pickled to each of them."""

    job: str
    train_url: str
    test_url: str
    train_rows: int
    output_url: str
    epochs: int
    batch_size: int
    learning_rate: float  # per process; the job scales it by the number of processes
    resume: bool
    seed: int

    def steps_per_epoch(self, size: int) -> int:
        # Every rank takes the same number of steps (an allreduce each), together one pass
        # over the training rows.
        return max(1, self.train_rows // (self.batch_size * size))


def parse_args(job: str, argv: Sequence[str] | None, *, epochs: int, learning_rate: float):
    parser = argparse.ArgumentParser(prog=job, description=f"Train {job} with Horovod on Spark.")
    parser.add_argument(
        "--data",
        default="out/data/digits",
        help="where the digits Parquet is (written if missing): a local path or abfss:// URL",
    )
    parser.add_argument(
        "--output", default=f"out/{job}", help="checkpoints and run summary: path or URL"
    )
    parser.add_argument("--epochs", type=int, default=epochs, help="total epochs to reach")
    parser.add_argument("--batch-size", type=int, default=32, help="rows per process and step")
    parser.add_argument(
        "--learning-rate",
        type=float,
        default=learning_rate,
        help="per process; multiplied by the number of processes",
    )
    parser.add_argument("--num-proc", type=int, default=2, help="Horovod processes (Spark tasks)")
    parser.add_argument(
        "--no-resume",
        dest="resume",
        action="store_false",
        help="start from epoch 1 even when the output holds checkpoints",
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    for name in ("epochs", "batch_size", "num_proc"):
        if (value := getattr(args, name)) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1, got {value}")
    return args


def threads_per_process(local_size: int) -> int:
    """CPU threads for one process: the node's cores shared among its Horovod processes."""
    return max(1, (os.cpu_count() or 1) // max(1, local_size))


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
) -> dict:
    """What one Horovod process reports to the driver: the same shape for every job."""
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
    }


def run_horovod(train: Callable[[TrainConfig], dict], config: TrainConfig, num_proc: int):
    """Run `train` in `num_proc` Horovod processes on the active Spark; one result per rank."""
    import cloudpickle
    import horovod.spark

    # Ship the shared modules inside the pickled function, so the processes need no
    # PYTHONPATH set up for them on the executors.
    for module in (checkpoints, digits_data, sys.modules[__name__]):
        cloudpickle.register_pickle_by_value(module)
    env = dict(os.environ)
    # Horovod's Keras optimizer fails with Keras 3 (horovod issue 4290): tf_keras instead.
    env["TF_USE_LEGACY_KERAS"] = "1"
    return horovod.spark.run(
        train, args=(config,), num_proc=num_proc, use_gloo=True, env=env, verbose=1
    )


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
    epochs: int,
    learning_rate: float,
) -> dict:
    args = parse_args(job, argv, epochs=epochs, learning_rate=learning_rate)
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName(job).getOrCreate()
    try:
        data = digits_data.prepare_digits(spark, args.data)
        config = TrainConfig(
            job=job,
            train_url=data.train_url,
            test_url=data.test_url,
            train_rows=data.train_rows,
            output_url=digits_data.as_url(args.output),
            epochs=args.epochs,
            batch_size=args.batch_size,
            learning_rate=args.learning_rate,
            resume=args.resume,
            seed=args.seed,
        )
        ranks = run_horovod(train, config, args.num_proc)
    finally:
        spark.stop()
    final = {
        "job": job,
        "epochs": args.epochs,
        "test_accuracy": ranks[0]["test_accuracy"],
        "samples_per_second": ranks[0]["samples_per_second"],
    }
    write_summary(config.output_url, {"final": final, "config": asdict(config), "ranks": ranks})
    print(json.dumps(final), flush=True)
    return final
