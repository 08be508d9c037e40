"""Training throughput under both launchers, and the spark launcher's reader, as figures.

Training: a small CNN (about 30 ms of compute per step at one thread), so that the figures
measure scaling rather than allreduce latency. Every process runs one thread; each times its
own steady-state steps (after warm-up) and the driver takes all ranks' samples over the
slowest rank's time. Side by side, on local[2] Spark:
  - 1 process (no gradient sync);
  - 2 processes under the horovod launcher (horovod.spark.run, DistributedOptimizer);
  - 2 processes under the spark launcher (TorchDistributor, DistributedDataParallel);
  - 2 processes without gradient sync: the compute-only ceiling of 2 processes here;
  - time from calling the launcher to the first training step, per launcher.
Reader: parquet_shards (the spark launcher's) against raw pyarrow (`pq.read_table` per
file) on Parquet with ~64 MiB row groups, both ending in pyarrow Tables; Petastorm (the
horovod launcher's) for reference.

Each figure is the median of --runs interleaved runs, with the range. Targets: spark launcher
>= 0.85 of the ceiling; spark launcher >= horovod launcher; reader >= 0.9 of raw pyarrow.

Run with the horovod training environment, which has both launchers (`make bench-training`):
    .venv-train/bin/python bench/train_throughput.py
The reader figures are measured there (pyarrow 10) and, when .venv-train-3.5 exists, again on
the Spark 3.5 runtime's pyarrow 19. Prints figures only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "training_jobs" / "common"))
# pyFiles modules, imported by their bare names as on Spark.
import launcher  # noqa: E402
import spark_launcher  # noqa: E402
import torch_parallel  # noqa: E402

ROW_GROUP_BYTES = 64 * 2**20


@dataclass(frozen=True)
class Steps:
    """What each process runs: `sync` is "horovod", "spark" or "none" (no gradient sync)."""

    sync: str
    batch_size: int
    warmup_steps: int
    timed_steps: int
    seed: int = 0


def cnn():
    from torch import nn

    # About 11 MFLOP a 28x28 image forward, 14k parameters: compute dominates the allreduce.
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(16, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 32, 3, padding=1),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(32, 10),
    )


def train_cnn(steps: Steps) -> dict:
    """One process: warm up, then time steady-state steps of the CNN on synthetic images."""
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(1)
    model = cnn()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    if steps.sync == "none":
        rank = int(os.environ.get("RANK", "0"))
    else:
        ranks = torch_parallel.ranks(steps.sync)
        rank = ranks.rank
        model, optimizer = ranks.parallelize(model, optimizer)
    generator = torch.Generator().manual_seed(steps.seed + rank)
    images = torch.rand(steps.batch_size, 1, 28, 28, generator=generator)
    labels = torch.randint(0, 10, (steps.batch_size,), generator=generator)

    def step() -> None:
        optimizer.zero_grad()
        F.cross_entropy(model(images), labels).backward()
        optimizer.step()

    first_step_at = time.time()
    for _ in range(steps.warmup_steps):
        step()
    started = time.perf_counter()
    for _ in range(steps.timed_steps):
        step()
    return {
        "rank": rank,
        "first_step_at": first_step_at,
        "seconds": time.perf_counter() - started,
    }


def run_training(spark, sync: str, processes: int, steps: Steps) -> tuple[float, float]:
    """Samples/s of all processes together, and seconds from launch to the first step."""
    modules = launcher.shared_modules()
    launched = time.time()
    if sync == "horovod":
        import horovod_launcher

        ranks = horovod_launcher.run(train_cnn, steps, processes, modules)
    else:
        ranks = spark_launcher.run("pytorch", train_cnn, steps, processes, modules)
    slowest = max(r["seconds"] for r in ranks)
    samples = processes * steps.timed_steps * steps.batch_size
    return samples / slowest, min(r["first_step_at"] for r in ranks) - launched


def compute_ms_per_step(steps: Steps) -> float:
    """One process, in this one, no Spark: the compute a step costs at one thread."""
    single = train_cnn(Steps("none", steps.batch_size, steps.warmup_steps, steps.timed_steps))
    return 1000 * single["seconds"] / steps.timed_steps


# --- reader ------------------------------------------------------------------------------


def write_parquet(folder: Path, row_groups: int, files: int) -> tuple[int, float]:
    """Digits-shaped rows (id, 64 float features, label) in ~64 MiB row groups; rows, MiB."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows_per_group = ROW_GROUP_BYTES // (8 + 64 * 4 + 4 + 8)
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True)
    for f in range(files):
        n = rows_per_group * (row_groups // files)
        features = rng.random((n, 64), dtype=np.float32)
        table = pa.table(
            {
                "id": np.arange(n, dtype=np.int64),
                # list<float>, as Spark writes ArrayType(FloatType) columns.
                "features": pa.ListArray.from_arrays(
                    pa.array(np.arange(0, 64 * n + 1, 64, dtype=np.int32)),
                    pa.array(features.reshape(-1)),
                ),
                "label": rng.integers(0, 10, n),
            }
        )
        pq.write_table(table, folder / f"part-{f}.parquet", row_group_size=rows_per_group)
    group = pq.ParquetFile(folder / "part-0.parquet").metadata.row_group(0)
    return rows_per_group * row_groups, group.total_byte_size / 2**20


def shard_reader_rows_per_second(folder: Path) -> float:
    from parquet_shards import ParquetShard

    started = time.perf_counter()
    shard = ParquetShard(str(folder), 0, 1, ("id", "features", "label"))
    rows = sum(t.num_rows for t in shard.row_groups(epochs=1))
    return rows / (time.perf_counter() - started)


def raw_pyarrow_rows_per_second(folder: Path) -> float:
    import pyarrow.parquet as pq

    started = time.perf_counter()
    rows = sum(pq.read_table(f).num_rows for f in sorted(folder.glob("*.parquet")))
    return rows / (time.perf_counter() - started)


def petastorm_rows_per_second(folder: Path) -> float:
    import dataset

    started = time.perf_counter()
    columns = dataset.Columns(("features",), "label", "id")
    with dataset.open_shard_reader(
        dataset.as_url(str(folder)), 0, 1, columns, epochs=1, reader="petastorm"
    ) as groups:
        rows = sum(len(batch) for batch in groups)
    return rows / (time.perf_counter() - started)


# --- report ------------------------------------------------------------------------------


def summary(values: list[float], unit: str = "", digits: int = 0) -> str:
    def fmt(v: float) -> str:
        return f"{v:,.{digits}f}"

    return f"{fmt(statistics.median(values))}{unit} [{fmt(min(values))}-{fmt(max(values))}]"


def measure_training(args) -> list[str]:
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("train_throughput")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "1")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    runs: dict[tuple[str, str, int], list[float]] = {
        ("1 process, no sync", "none", 1): [],
        ("2 processes, horovod launcher", "horovod", 2): [],
        ("2 processes, spark launcher (TorchDistributor)", "spark", 2): [],
        ("2 processes, no sync (compute-only ceiling)", "none", 2): [],
    }
    launch: dict[str, list[float]] = {"horovod": [], "spark": []}
    try:
        ms = compute_ms_per_step(Steps("none", args.batch_size, args.warmup_steps, 20))
        for _ in range(args.runs):
            for key, results in runs.items():
                _, sync, processes = key
                steps = Steps(sync, args.batch_size, args.warmup_steps, args.timed_steps)
                throughput, to_first_step = run_training(spark, sync, processes, steps)
                results.append(throughput)
                if sync in launch:
                    launch[sync].append(to_first_step)
    finally:
        spark.stop()

    median = {key[0]: statistics.median(v) for key, v in runs.items()}
    spark_2 = median["2 processes, spark launcher (TorchDistributor)"]
    horovod_2 = median["2 processes, horovod launcher"]
    ceiling = median["2 processes, no sync (compute-only ceiling)"]
    lines = [
        f"training: small CNN, {ms:.0f} ms of compute per step at 1 thread, batch "
        f"{args.batch_size}, {args.timed_steps} timed steps; samples/s, median [range] of "
        f"{args.runs} interleaved runs"
    ]
    lines += [f"  {name:<48} {summary(results)}" for (name, _, _), results in runs.items()]
    lines.append(
        f"  spark launcher / ceiling {spark_2 / ceiling:.2f} (target >= 0.85); "
        f"spark / horovod {spark_2 / horovod_2:.2f} (target >= 1.0); "
        f"2 processes / 1 process {spark_2 / median['1 process, no sync']:.2f}"
    )
    lines.append(
        f"launch to first step (2 processes): horovod {summary(launch['horovod'], ' s', 1)}, "
        f"spark {summary(launch['spark'], ' s', 1)}"
    )
    return lines


def measure_reader(args) -> list[str]:
    import pyarrow

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "rows"
        rows, group_mib = write_parquet(folder, args.row_groups, files=2)
        raw_pyarrow_rows_per_second(folder)  # warm the page cache for both
        reader: list[float] = []
        raw: list[float] = []
        petastorm: list[float] = []
        has_petastorm = importlib.util.find_spec("petastorm") is not None
        for run in range(args.reader_runs):
            # Alternate which goes first, so neither always reads after the other.
            pair = [(reader, shard_reader_rows_per_second), (raw, raw_pyarrow_rows_per_second)]
            for results, measure in pair[:: 1 if run % 2 == 0 else -1]:
                results.append(measure(folder))
        # Afterwards: Petastorm leaves its threads' memory behind, which slows the next read.
        for _ in range(args.reader_runs if has_petastorm else 0):
            petastorm.append(petastorm_rows_per_second(folder))
    ratio = statistics.median(reader) / statistics.median(raw)
    line = (
        f"reader on pyarrow {pyarrow.__version__} ({rows:,} rows, {args.row_groups} row groups "
        f"of {group_mib:.0f} MiB): parquet_shards {summary(reader)} rows/s, raw pyarrow "
        f"{summary(raw)} rows/s, ratio {ratio:.2f} (target >= 0.9)"
    )
    if petastorm:
        line += f"; petastorm {summary(petastorm)} rows/s"
    return [line]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="interleaved runs per figure")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--timed-steps", type=int, default=40)
    parser.add_argument("--warmup-steps", type=int, default=5)
    parser.add_argument("--row-groups", type=int, default=4, help="~64 MiB row groups to read")
    # Reads take a second each but vary more than training runs on a shared 2-core machine.
    parser.add_argument("--reader-runs", type=int, default=7, help="interleaved reads per figure")
    parser.add_argument("--reader-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reader_only:
        print("\n".join(measure_reader(args)))
        return

    lines = measure_training(args) + measure_reader(args)
    # The spark launcher's reader also on the Spark 3.5 runtime's pyarrow, where it runs.
    spark35 = REPO / ".venv-train-3.5" / "bin" / "python"
    if spark35.exists():
        command = [str(spark35), __file__, "--reader-only", "--reader-runs", str(args.reader_runs)]
        command += ["--row-groups", str(args.row_groups)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        lines += done.stdout.splitlines() if done.returncode == 0 else [done.stderr[-2000:]]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
