"""Throughput of the pytorch_digits job's input pipeline and of its training, printed as figures.

(a) Petastorm's batch reader (what each Horovod process uses) against pyarrow reading the
    same Parquet files directly, both ending in the same numpy batches: rows/s and the ratio.
    Target: reader >= 0.5x raw pyarrow.
(b) Training samples/s of the job with 1 and with 2 Horovod processes on local[2] Spark,
    from the job's own run summary: the ratio. Target: 2 processes >= 1.5x one process.

Run with the training venv: `.venv-train/bin/python bench/train_throughput.py`.
Prints figures only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "training_jobs" / "common"))
import digits_data  # noqa: E402  (a pyFiles module, imported by its bare name as on Spark)

JOB = "pytorch_digits"


def run_job(data: Path, output: Path, num_proc: int, epochs: int) -> dict:
    command = [sys.executable, "-m", "training_jobs.local_run", JOB, "--num-proc", str(num_proc)]
    command += ["--data", str(data), "--output", str(output), "--epochs", str(epochs)]
    command += ["--no-resume"]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{JOB} with {num_proc} processes failed:\n{done.stderr[-4000:]}")
    return json.loads((output / "run_summary.json").read_text())["final"]


def petastorm_rows_per_second(url: str, epochs: int) -> float:
    rows = 0
    started = time.perf_counter()
    with digits_data.open_shard_reader(url, 0, 1, epochs=epochs) as reader:
        for columns in reader:
            rows += len(digits_data._as_batch(columns).ids)
    return rows / (time.perf_counter() - started)


def pyarrow_rows_per_second(path: Path, epochs: int) -> float:
    import pyarrow.parquet as pq

    files = sorted(path.glob("*.parquet"))
    rows = 0
    started = time.perf_counter()
    for _ in range(epochs):
        for file in files:
            table = pq.read_table(file)
            features = table.column("features").combine_chunks().flatten().to_numpy()
            batch = digits_data.Batch(
                ids=table.column("id").to_numpy(),
                features=features.reshape(-1, digits_data.FEATURES).astype(np.float32),
                labels=table.column("label").to_numpy(),
            )
            rows += len(batch.ids)
    return rows / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--read-epochs", type=int, default=200, help="passes over the data")
    parser.add_argument("--train-epochs", type=int, default=6)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "digits"
        # The 2-process run first: it also prepares the Parquet both readers then read.
        two = run_job(data, Path(tmp) / "two", 2, args.train_epochs)
        one = run_job(data, Path(tmp) / "one", 1, args.train_epochs)

        train = data / "train"
        petastorm = petastorm_rows_per_second(digits_data.as_url(str(train)), args.read_epochs)
        pyarrow = pyarrow_rows_per_second(train, args.read_epochs)

    print(
        f"reader: petastorm {petastorm:,.0f} rows/s, pyarrow {pyarrow:,.0f} rows/s, "
        f"ratio {petastorm / pyarrow:.2f} (target >= 0.5)"
    )
    print(
        f"training: 1 process {one['samples_per_second']:,.0f} samples/s, "
        f"2 processes {two['samples_per_second']:,.0f} samples/s, "
        f"ratio {two['samples_per_second'] / one['samples_per_second']:.2f} (target >= 1.5)"
    )
    print(
        f"test accuracy: 1 process {one['test_accuracy']:.3f}, "
        f"2 processes {two['test_accuracy']:.3f}"
    )


if __name__ == "__main__":
    main()
