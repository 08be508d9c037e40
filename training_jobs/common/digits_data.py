"""The digits data set, the bundled jobs' example data: Spark writes it as Parquet under the
job's `--data` (`train/`, `test/`), which the shared reader (dataset.py) then reads like any
other dataset, by the columns the job.yaml names (`features`, `label`, `id`).

scikit-learn ships `load_digits` (1,797 8x8 images) inside the package, so nothing downloads
at run time. On Synapse the same code writes to the data lake path given to the job
(`abfss://...`).

Shipped to the cluster in common.zip (the jobs' `../common` pyFiles entry); imports Spark
inside the function that needs it.
"""

from __future__ import annotations

import numpy as np
from dataset import SPLITS, split_url, written

FEATURES = 64  # 8x8 pixels
CLASSES = 10
TEST_FRACTION = 0.2
SPLIT_SEED = 42
# More Parquet files than processes, each one row group: the readers shard by row group, so
# each of N processes gets whole files and no row is read by two of them.
FILES_PER_SPLIT = 8


def prepare_digits(spark, data_path: str, overwrite: bool = False) -> None:
    """Write digits as Parquet under `data_path` (train/, test/) unless it is already there.

    Columns: `id` (the row of load_digits, to check shards), `features` (64 floats scaled to
    [0, 1]), `label`. The split is fixed by SPLIT_SEED so every run sees the same test set.
    """
    from pyspark.sql import types as T
    from sklearn.datasets import load_digits

    if overwrite or not written(spark, data_path):
        digits = load_digits()
        features = (digits.data / 16.0).astype(np.float32)
        order = np.random.default_rng(SPLIT_SEED).permutation(len(features))
        test_ids = set(order[: int(len(order) * TEST_FRACTION)].tolist())
        schema = T.StructType(
            [
                T.StructField("id", T.LongType(), False),
                T.StructField("features", T.ArrayType(T.FloatType(), False), False),
                T.StructField("label", T.LongType(), False),
            ]
        )
        for split in SPLITS:
            url = split_url(data_path, split)
            rows = [
                (i, features[i].tolist(), int(digits.target[i]))
                for i in range(len(features))
                if (i in test_ids) == (split == "test")
            ]
            (
                spark.createDataFrame(rows, schema)
                .repartition(FILES_PER_SPLIT)
                .write.mode("overwrite")
                .parquet(url)
            )
