"""The spark launcher: Spark's own barrier tasks start the training processes.

For Spark 3.4 and 3.5, which cannot run Horovod (synapse_dl/facts/runtimes.py):
- PyTorch: `pyspark.ml.torch.distributor.TorchDistributor` runs torchrun in `num_proc` barrier
  tasks, one process each; this module initialises the process group around the job's
  training function and gathers every rank's result to rank 0, the only one it returns.
- TensorFlow: `num_proc` barrier tasks each start one worker process with a TF_CONFIG naming
  every worker (addresses from the barrier's task infos, ports gathered with allGather), for
  `tf.distribute.MultiWorkerMirroredStrategy`. spark-tensorflow-distributor did this and is
  deprecated, so the few lines live here.

GPUs: a task that Spark gives GPUs (`spark.task.resource.gpu.amount`) sees only those;
otherwise it sees none. Both pickle with pyspark's cloudpickle, so the job's shared modules are
registered by value there: the processes have no path to the job's pyFiles.

Shipped to the cluster in common.zip, the jobs' `../common` pyFiles entry.
"""

from __future__ import annotations

import collections
import gc
import json
import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable
from types import ModuleType


def run(
    framework: str, train: Callable, config, num_proc: int, modules: list[ModuleType]
) -> list[dict]:
    """Run `train(config)` in `num_proc` processes; every rank's result."""
    from pyspark import cloudpickle
    from pyspark.sql import SparkSession

    for module in modules:
        cloudpickle.register_pickle_by_value(module)
    spark = SparkSession.active()
    gpus_per_task = float(spark.conf.get("spark.task.resource.gpu.amount", "0"))
    if framework == "pytorch":
        return _run_torch(train, config, num_proc, use_gpu=gpus_per_task >= 1)
    return _run_tensorflow(spark, train, config, num_proc)


def _run_torch(train: Callable, config, num_proc: int, *, use_gpu: bool) -> list[dict]:
    from pyspark.ml.torch.distributor import TorchDistributor

    # All three arguments explicit: the defaults (local_mode=True, use_gpu=True) would run
    # every process on the driver and ask for GPUs.
    distributor = TorchDistributor(num_processes=num_proc, local_mode=False, use_gpu=use_gpu)
    return distributor.run(_torch_process, train, config)


def _torch_process(train: Callable, config) -> list[dict] | None:
    """One torchrun process: the job's `train` inside a process group; rank 0 returns all."""
    import torch
    import torch.distributed as dist

    if torch.cuda.is_available():
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
    dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    try:
        rank = dist.get_rank()
        result = train(config)
        gathered: list = [None] * dist.get_world_size()
        dist.all_gather_object(gathered, result)
    finally:
        # The job's DistributedDataParallel model sits in reference cycles; freed only after
        # its process group is gone, it aborts the process at exit ("terminate called without
        # an active exception", about 1 run in 5 here with torch 2.13 and gloo).
        gc.collect()
        dist.destroy_process_group()
    return gathered if rank == 0 else None


def _run_tensorflow(spark, train: Callable, config, num_proc: int) -> list[dict]:
    from pyspark import cloudpickle

    payload = cloudpickle.dumps((train, config))
    tasks = spark.sparkContext.parallelize(range(num_proc), num_proc)
    return tasks.barrier().mapPartitions(lambda _: [_tensorflow_task(payload)]).collect()


# What each TensorFlow worker process runs: the pickled function on its argument.
_WORKER = """
import sys
from pyspark import cloudpickle
with open(sys.argv[1], "rb") as f:
    train, config = cloudpickle.load(f)
result = train(config)
with open(sys.argv[2], "wb") as f:
    cloudpickle.dump(result, f)
"""


def _tensorflow_task(payload: bytes) -> dict:
    """One barrier task: agree on the workers' addresses, then run one worker process."""
    from pyspark import BarrierTaskContext, cloudpickle

    context = BarrierTaskContext.get()
    rank = context.partitionId()
    host = context.getTaskInfos()[rank].address.split(":")[0]
    workers = context.allGather(f"{host}:{_free_port(host)}")
    env = dict(os.environ)
    env["TF_CONFIG"] = json.dumps(
        {"cluster": {"worker": workers}, "task": {"type": "worker", "index": rank}}
    )
    gpus = context.resources().get("gpu")
    env["CUDA_VISIBLE_DEVICES"] = ",".join(gpus.addresses) if gpus else ""
    with tempfile.TemporaryDirectory() as folder:
        function_file = os.path.join(folder, "function.pkl")
        result_file = os.path.join(folder, "result.pkl")
        with open(function_file, "wb") as f:
            f.write(payload)
        _run_worker([sys.executable, "-c", _WORKER, function_file, result_file], env)
        with open(result_file, "rb") as f:
            return cloudpickle.load(f)


def _free_port(host: str) -> int:
    # Free now; the worker binds it a moment later (the same small race TorchDistributor has).
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def _run_worker(command: list[str], env: dict[str, str]) -> None:
    """Run a worker, its output passed on to the task's log; fail with its last lines."""
    tail: collections.deque[str] = collections.deque(maxlen=100)
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as worker:
        assert worker.stdout is not None
        for line in worker.stdout:
            tail.append(line)
            sys.stdout.write(line)
    if worker.returncode != 0:
        raise RuntimeError(
            f"TensorFlow worker exited with {worker.returncode}; its last lines:\n" + "".join(tail)
        )
