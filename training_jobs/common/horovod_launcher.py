"""The horovod launcher: `horovod.spark.run` starts the training processes as Spark tasks.

The Spark 3.1/3.2 GPU runtimes ship Horovod and Petastorm; nothing later can run them
(synapse_dl/facts/runtimes.py). Gloo connects the processes; on a GPU each pins the GPU of its
local rank.

Shipped to the cluster in common.zip, the jobs' `../common` pyFiles entry.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from types import ModuleType


def run(train: Callable, config, num_proc: int, modules: list[ModuleType]) -> list[dict]:
    """Run `train(config)` in `num_proc` Horovod processes; one result per rank."""
    import cloudpickle
    import horovod.spark

    # Horovod pickles with cloudpickle: the shared modules travel inside the pickled function.
    for module in modules:
        cloudpickle.register_pickle_by_value(module)
    env = dict(os.environ)
    # Horovod's Keras optimizer fails with Keras 3 (horovod issue 4290): tf_keras instead.
    env["TF_USE_LEGACY_KERAS"] = "1"
    return horovod.spark.run(
        train, args=(config,), num_proc=num_proc, use_gloo=True, env=env, verbose=1
    )
