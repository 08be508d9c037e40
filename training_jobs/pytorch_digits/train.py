"""Digits classifier in PyTorch, trained data-parallel on Spark.

Run as a Spark batch job (`spark-submit --py-files common.zip train.py --data ... --output ...
--launcher horovod|spark`), the way Synapse runs it. Its own part is the model; the shared
job API (common/training.py) writes the digits to Parquet the first time (digits_data), gives
each process its own shard, averages the gradients (Horovod, or DistributedDataParallel under
TorchDistributor), checkpoints every epoch and resumes, evaluates and reports.
"""

from __future__ import annotations

import digits_data
import training


def model(width: int):
    from torch import nn

    # A small MLP: digits needs no more, and it keeps CPU runs short.
    return nn.Sequential(nn.Linear(width, 64), nn.ReLU(), nn.Linear(64, digits_data.CLASSES))


if __name__ == "__main__":
    training.main(
        "pytorch_digits",
        framework="pytorch",
        model=model,
        loss="cross_entropy",
        metric=training.accuracy,
        prepare=digits_data.prepare_digits,
    )
