"""Data parallelism inside one PyTorch training process, for either launcher.

A job's training function is written once against `ranks(launcher)`; only how gradients are
averaged differs:
- horovod: `hvd.DistributedOptimizer` in the processes `horovod.spark.run` started;
- spark: `DistributedDataParallel` over the process group the spark launcher initialised in
  each TorchDistributor process (gloo on CPU, nccl on a GPU).

Shipped to the cluster in common.zip, the jobs' `../common` pyFiles entry.
"""

from __future__ import annotations

import os


class _Ranks:
    rank: int
    size: int
    local_rank: int

    def device(self):
        """One GPU per process, picked by local rank; else the CPU."""
        import torch

        if torch.cuda.is_available():
            torch.cuda.set_device(self.local_rank)
            return torch.device("cuda", self.local_rank)
        return torch.device("cpu")


class HorovodRanks(_Ranks):
    def __init__(self) -> None:
        import horovod.torch as hvd

        hvd.init()
        self._hvd = hvd
        self.rank, self.size, self.local_rank = hvd.rank(), hvd.size(), hvd.local_rank()

    def parallelize(self, model, optimizer):
        """The model and optimizer to train with; every rank starts from rank 0's state."""
        hvd = self._hvd
        optimizer = hvd.DistributedOptimizer(optimizer, named_parameters=model.named_parameters())
        hvd.broadcast_parameters(model.state_dict(), root_rank=0)
        hvd.broadcast_optimizer_state(optimizer, root_rank=0)
        return model, optimizer

    def all_sum(self, values: list[float]) -> list[float]:
        import torch

        summed = self._hvd.allreduce(torch.tensor(values, dtype=torch.float64), op=self._hvd.Sum)
        return summed.tolist()


class SparkRanks(_Ranks):
    def __init__(self) -> None:
        import torch.distributed as dist

        # spark_launcher initialises the process group before the training function runs.
        self._dist = dist
        self.rank, self.size = dist.get_rank(), dist.get_world_size()
        # TorchDistributor starts one process per Spark task: local rank 0 of its own node.
        self.local_rank = int(os.environ.get("LOCAL_RANK", "0"))

    def parallelize(self, model, optimizer):
        """The model and optimizer to train with; DDP starts every rank from rank 0's weights."""
        import torch
        from torch.nn.parallel import DistributedDataParallel

        device_ids = [self.local_rank] if torch.cuda.is_available() else None
        return DistributedDataParallel(model, device_ids=device_ids), optimizer

    def all_sum(self, values: list[float]) -> list[float]:
        import torch

        # nccl reduces only GPU tensors; gloo CPU ones.
        summed = torch.tensor(values, dtype=torch.float64, device=self.device())
        self._dist.all_reduce(summed)
        return summed.tolist()


def ranks(launcher: str) -> HorovodRanks | SparkRanks:
    if launcher == "horovod":
        return HorovodRanks()
    if launcher == "spark":
        return SparkRanks()
    raise ValueError(f"launcher {launcher!r} is not horovod or spark")
