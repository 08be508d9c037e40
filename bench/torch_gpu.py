"""The PyTorch job's training processes on a GPU, as the spark launcher runs them, as figures.

On a Spark 3.5 pool with GPUs, TorchDistributor starts torchrun in each barrier task and
every process runs `spark_launcher._torch_process`: the process group (nccl when the process
sees a GPU), the job's `train`, every rank's result gathered to rank 0. This runs that same
function under torchrun with no Spark, so it can run where there is a GPU and no Java:

    python bench/torch_gpu.py prepare DATA     # with a training environment: Spark writes
                                               # the digits Parquet, as the job's driver does
    python bench/torch_gpu.py run DATA OUTPUT  # where torch is: each case below, then figures

Cases (each a fresh OUTPUT subfolder): the GPU, one process (nccl; nccl allows one process a
GPU); then the same output resumed for more epochs (checkpoints loaded onto the GPU); and the
CPU with 1 and 2 processes (gloo, CUDA hidden), for comparison. Prints each case's result
(test accuracy, samples per second, seconds) and what the process saw; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
JOB_FOLDERS = (REPO / "training_jobs" / "common", REPO / "training_jobs" / "pytorch_digits")


def _import_job():
    # pyFiles modules, imported by their bare names as on Spark.
    sys.path[:0] = [str(folder) for folder in JOB_FOLDERS]
    import launcher
    import spark_launcher
    import train

    return launcher, spark_launcher, train


def prepare(data: str) -> None:
    from pyspark.sql import SparkSession

    sys.path.insert(0, str(JOB_FOLDERS[0]))
    import digits_data

    spark = SparkSession.builder.master("local[2]").appName("torch_gpu").getOrCreate()
    try:
        digits_data.prepare_digits(spark, data)
    finally:
        spark.stop()


def worker(data: str, output: str, epochs: int, result_file: str) -> None:
    """One torchrun process: the spark launcher's process function on the job's `train`."""
    import torch

    launcher, spark_launcher, train = _import_job()
    import functools

    import checkpoints
    import dataset
    import torch_loop
    import training

    train_url = dataset.split_url(data, "train")
    output_url = dataset.as_url(output)
    saved = checkpoints.saved_epochs(output_url)
    columns = dataset.Columns(("features",), "label", "id")
    config = launcher.TrainConfig(
        job="pytorch_digits",
        launcher="spark",
        reader=dataset.READERS["spark"],
        train_url=train_url,
        test_url=dataset.split_url(data, "test"),
        train_rows=dataset.count_rows(train_url),
        columns=columns,
        width=dataset.feature_width(train_url, columns),
        output_url=output_url,
        epochs=epochs,
        batch_size=32,
        learning_rate=0.05,
        resume_epoch=saved[-1] if saved else 0,
        seed=0,
        threads=1,
    )
    job = training.Job("pytorch_digits", "pytorch", train.model)
    ranks = spark_launcher._torch_process(functools.partial(torch_loop.train, job), config)
    if ranks is not None:
        seen = {
            "torch": torch.__version__,
            "cuda": torch.cuda.is_available(),
            "device": torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu",
        }
        Path(result_file).write_text(json.dumps({"seen": seen, "ranks": ranks}))


def run_case(name: str, data: str, output: Path, epochs: int, processes: int, gpu: bool) -> dict:
    env = dict(os.environ)
    if not gpu:
        env["CUDA_VISIBLE_DEVICES"] = ""
    result_file = output / f"{name}.result.json"
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--standalone",
            f"--nproc_per_node={processes}",
            __file__,
            "worker",
            data,
            str(output / "job"),
            str(epochs),
            str(result_file),
        ],
        env=env,
        check=True,
    )
    wall = time.perf_counter() - started
    result = json.loads(result_file.read_text())
    ranks = result["ranks"]
    return {
        "case": name,
        **result["seen"],
        "processes": len(ranks),
        "start_epoch": ranks[0]["start_epoch"],
        "epochs": epochs,
        "test_accuracy": round(ranks[0]["test_accuracy"], 4),
        "samples_per_second": round(ranks[0]["samples_per_second"]),
        "same_weights_on_every_rank": len({r["weights_sha256"] for r in ranks}) == 1,
        "wall_seconds": round(wall, 1),
    }


def run(data: str, output: str) -> None:
    root = Path(output)
    cases = [
        ("gpu-1proc", root / "gpu", 8, 1, True),
        # The same output: resumes from epoch 8's checkpoint, loaded onto the GPU.
        ("gpu-1proc-resumed", root / "gpu", 12, 1, True),
        ("cpu-1proc", root / "cpu1", 8, 1, False),
        ("cpu-2proc", root / "cpu2", 8, 2, False),
    ]
    for name, folder, epochs, processes, gpu in cases:
        folder.mkdir(parents=True, exist_ok=True)
        print(json.dumps(run_case(name, data, folder, epochs, processes, gpu)), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("prepare").add_argument("data")
    run_parser = commands.add_parser("run")
    run_parser.add_argument("data")
    run_parser.add_argument("output")
    worker_parser = commands.add_parser("worker")
    for name in ("data", "output", "epochs", "result_file"):
        worker_parser.add_argument(name)
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(args.data)
    elif args.command == "run":
        run(args.data, args.output)
    else:
        worker(args.data, args.output, int(args.epochs), args.result_file)


if __name__ == "__main__":
    main()
