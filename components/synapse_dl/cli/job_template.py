"""What `synapse-dl new-job` writes: a job folder on the job API (training_jobs/common/
training.py) that plans, deploys and trains locally on a small dataset it generates."""

from __future__ import annotations

from synapse_dl.facts.runtimes import NodeSpec

# The shared job code the job's pyFiles name (`../common`, below), and its job API.
SHARED_FOLDER = "common"
SHARED_ENTRY = "training.py"
# The example dataset: rows of numeric columns in three classes.
FEATURE_COLUMNS = tuple(f"x{i}" for i in range(8))
CLASSES = 3

JOB_YAML = """\
# {name}: a {framework} job on the shared job API (training_jobs/common/training.py). Its own
# part is train.py: the model, and the data it generates the first time (replace it with your
# own Parquet: train/ and test/ under data.path, with the columns named below).
# Train it locally: make train JOB={name} SPARK=3.5. Deploy it: add `- {name}` to a stack's
# `jobs` (with `pool:` there to place it on another pool of that stack).
name: {name}
description: {description}
pool: {pool}
framework: {framework}
launcher: spark
entry: train.py
# The shared code, shipped as one file (common.zip).
pyFiles:
  - ../common
args: ["--num-proc", "2", "--epochs", "10"]
# Sized for the pool's {size} nodes ({vcores} vCores, {memory} GB): the driver on the head
# node, one executor (one training process) on each of two workers.
driver:
  cores: {driver_cores}
  memory: {driver_memory}g
executor:
  cores: {vcores}
  memory: {executor_memory}g
numExecutors: 2
conf:
  # Training needs its processes running at once: no executors taken away mid-job.
  spark.dynamicAllocation.enabled: "false"
  # One task per executor: each process gets the executor's cores as threads.
  spark.task.cpus: "{vcores}"
data:
  path: training/data/{name}
  features: [{features}]
  label: label
  id: id
output:
  path: training/output/{name}
"""

PREPARE = '''

def prepare(spark, data_path: str) -> None:
    """An example dataset, written the first time: {classes} classes of rows of {width}
    numbers around three centres. Replace it with your own data (or drop it, and `prepare`
    below, when the data is already on the lake)."""
    import dataset
    import numpy as np
    from pyspark.sql import types as T

    if dataset.written(spark, data_path):
        return
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 3, size=({classes}, {width}))
    labels = rng.integers(0, {classes}, size=3000)
    rows = centres[labels] + rng.normal(0, 1, size=(len(labels), {width}))
    schema = T.StructType(
        [T.StructField("id", T.LongType(), False)]
        + [T.StructField(name, T.DoubleType(), False) for name in COLUMNS]
        + [T.StructField("label", T.LongType(), False)]
    )
    test = np.arange(len(labels)) % 5 == 0  # a fifth of the rows, held out
    for split, chosen in (("train", ~test), ("test", test)):
        table = [
            (int(i), *map(float, rows[i]), int(labels[i])) for i in np.flatnonzero(chosen)
        ]
        # Several files, one row group each: each process reads whole row groups.
        spark.createDataFrame(table, schema).repartition(8).write.mode("overwrite").parquet(
            dataset.split_url(data_path, split)
        )
'''

TRAIN_PY = '''\
"""{name}: {description}

Its own part is the model (and the example data); the shared job API (common/training.py)
gives each process its own shard, averages the gradients, checkpoints every epoch and resumes,
evaluates every epoch and reports (`make train JOB={name} SPARK=3.5`).
"""

from __future__ import annotations

import training

CLASSES = {classes}
COLUMNS = {columns!r}


def model(width: int):
{model}
{prepare}

if __name__ == "__main__":
    training.main(
        "{name}",
        framework="{framework}",
        model=model,
        loss="cross_entropy",
        metric=training.accuracy,
        prepare=prepare,
    )
'''

MODELS = {
    "pytorch": """\
    from torch import nn

    return nn.Sequential(nn.Linear(width, 32), nn.ReLU(), nn.Linear(32, CLASSES))""",
    "tensorflow": """\
    import tensorflow as tf

    keras = tf.keras
    return keras.Sequential(
        [
            keras.layers.Input(shape=(width,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(CLASSES),
        ]
    )""",
}

TEST_PY = '''\
"""{name}: what its own part must hold, checked in a training environment
(`.venv-train-3.5/bin/python -m pytest training_jobs/{name}`)."""

import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "common")]

import train


def test_the_model_gives_a_score_per_class_for_each_row():
    rows = np.zeros((4, len(train.COLUMNS)), dtype=np.float32)
{check}
'''

CHECKS = {
    "pytorch": """\
    import torch

    assert tuple(train.model(len(train.COLUMNS))(torch.from_numpy(rows)).shape) == (
        4, train.CLASSES
    )""",
    "tensorflow": """\
    import tf_parallel

    tf_parallel._import_tensorflow()  # Keras 2, as the job runs it
    assert tuple(train.model(len(train.COLUMNS))(rows).shape) == (4, train.CLASSES)""",
}


def files(name: str, framework: str, pool: str, size: str, node: NodeSpec) -> dict[str, str]:
    """The job folder's files, by name."""
    description = f"A {framework} classifier trained data-parallel on Spark (synapse-dl new-job)."
    # What the bundled jobs leave a node besides the executor: 8 GB (its overhead and the OS).
    executor_memory = node.memory_gb - 8
    width = len(FEATURE_COLUMNS)
    prepare = PREPARE.format(classes=CLASSES, width=width)
    return {
        "job.yaml": JOB_YAML.format(
            name=name,
            framework=framework,
            description=description,
            pool=pool,
            size=size,
            vcores=node.vcores,
            memory=node.memory_gb,
            driver_cores=max(1, node.vcores // 2),
            driver_memory=executor_memory // 2,
            executor_memory=executor_memory,
            features=", ".join(FEATURE_COLUMNS),
        ),  # fmt: skip
        "train.py": TRAIN_PY.format(
            name=name,
            description=description,
            classes=CLASSES,
            columns=FEATURE_COLUMNS,
            model=MODELS[framework],
            prepare=prepare,
            framework=framework,
        ),  # fmt: skip
        f"test_{name}.py": TEST_PY.format(name=name, check=CHECKS[framework]),
    }
