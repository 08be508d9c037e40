"""The digits data set: Spark writes it to Parquet, each rank reads its own shard back.

scikit-learn ships `load_digits` (1,797 8x8 images) inside the package, so nothing downloads
at run time. On Synapse the same code writes to and reads from the data lake path given to
the job (`abfss://...`), which the readers reach through fsspec.

Two readers over the same shards (row groups i % size == rank): Petastorm, the Horovod
launcher's (the GPU runtimes ship it), and `parquet_shards`, pyarrow alone, the spark
launcher's (Petastorm cannot import on Spark 3.5's pyarrow 19). Both yield `Batch`es.

Shipped to the cluster in common.zip (the jobs' `../common` pyFiles entry): imports only
what the Spark runtime has, and imports Spark and Petastorm inside the functions that need
them, because the training processes use this module without a Spark session, and Spark 3.5
has no Petastorm.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlparse

import numpy as np

# At the top, not inside a function: the training processes get this module by value, and an
# import inside a function would look for a parquet_shards file they do not have.
from parquet_shards import ParquetShard

FEATURES = 64  # 8x8 pixels
CLASSES = 10
TEST_FRACTION = 0.2
SPLIT_SEED = 42
# More Parquet files than processes, each one row group: the readers shard by row group, so
# each of N processes gets whole files and no row is read by two of them.
FILES_PER_SPLIT = 8
COLUMNS = ("id", "features", "label")
# The reader each launcher's processes use.
READERS = {"horovod": "petastorm", "spark": "pyarrow"}


def as_url(path: str) -> str:
    """A URL for the readers and fsspec: local paths become absolute `file://` URLs."""
    if urlparse(path).scheme:
        return path.rstrip("/")
    return "file://" + os.path.abspath(path)


def split_url(data_url: str, split: str) -> str:
    return f"{as_url(data_url)}/{split}"


@dataclass(frozen=True)
class PreparedData:
    train_url: str
    test_url: str
    train_rows: int
    test_rows: int


def prepare_digits(spark, data_path: str, overwrite: bool = False) -> PreparedData:
    """Write digits as Parquet under `data_path` (train/, test/) unless it is already there.

    Columns: `id` (the row of load_digits, to check shards), `features` (64 floats scaled to
    [0, 1]), `label`. The split is fixed by SPLIT_SEED so every run sees the same test set.
    """
    from pyspark.sql import types as T
    from sklearn.datasets import load_digits

    train_url, test_url = split_url(data_path, "train"), split_url(data_path, "test")
    if overwrite or not (_exists(spark, train_url) and _exists(spark, test_url)):
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
        for split, url in (("train", train_url), ("test", test_url)):
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
    return PreparedData(
        train_url=train_url,
        test_url=test_url,
        train_rows=spark.read.parquet(train_url).count(),
        test_rows=spark.read.parquet(test_url).count(),
    )


def _exists(spark, url: str) -> bool:
    # Spark's own file system API reads the same URLs it writes (file://, abfss://).
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(url + "/_SUCCESS")
    return path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).exists(path)


@dataclass(frozen=True)
class Batch:
    ids: np.ndarray  # int64 [n]
    features: np.ndarray  # float32 [n, 64]
    labels: np.ndarray  # int64 [n]

    def take(self, index) -> Batch:
        return Batch(self.ids[index], self.features[index], self.labels[index])


def _as_batch(columns) -> Batch:
    return Batch(
        ids=np.asarray(columns.id, dtype=np.int64),
        features=np.stack(columns.features).astype(np.float32, copy=False),
        labels=np.asarray(columns.label, dtype=np.int64),
    )


def table_batch(table) -> Batch:
    """A pyarrow Table of the digits columns as a Batch, without a copy where pyarrow allows."""
    features = table.column("features").combine_chunks().flatten().to_numpy()
    return Batch(
        ids=table.column("id").to_numpy().astype(np.int64, copy=False),
        features=features.reshape(-1, FEATURES).astype(np.float32, copy=False),
        labels=table.column("label").to_numpy().astype(np.int64, copy=False),
    )


@contextmanager
def open_shard_reader(
    url: str, rank: int, size: int, *, epochs: int | None, seed: int = 0, reader: str
) -> Iterator[Iterable[Batch]]:
    """This rank's shard (row groups i with i % size == rank) as Batches, one per row group.

    `epochs=None` loops forever: ranks then take the same number of steps each epoch even
    when their shards differ by a row group, so no rank waits on a missing allreduce.
    `reader` is "petastorm" or "pyarrow" (READERS).
    """
    if reader == "petastorm":
        with _petastorm_reader(url, rank, size, epochs, seed) as row_groups:
            yield (_as_batch(columns) for columns in row_groups)
    elif reader == "pyarrow":
        shard = ParquetShard(url, rank, size, COLUMNS)
        yield (table_batch(table) for table in shard.row_groups(epochs, seed))
    else:
        raise ValueError(
            f"reader {reader!r} is not one of {', '.join(sorted(set(READERS.values())))}"
        )


def _petastorm_reader(url: str, rank: int, size: int, epochs: int | None, seed: int):
    from petastorm import make_batch_reader

    # Petastorm 0.12 calls pyarrow's legacy dataset API; pyarrow 10 warns on every row group.
    warnings.filterwarnings("ignore", category=FutureWarning, module="petastorm")
    return make_batch_reader(
        url,
        cur_shard=rank,
        shard_count=size,
        num_epochs=epochs,
        shuffle_row_groups=epochs is None,
        seed=seed,
        # Two reader threads: Petastorm keeps only workers + 2 row groups in flight and polls
        # every 10 ms, so with digits' small row groups one thread caps the reader at about
        # 50k rows/s and the "dummy" pool (no threads) at about 6k (bench/train_throughput.py).
        reader_pool_type="thread",
        workers_count=2,
    )


def batches(row_groups: Iterable[Batch], batch_size: int, seed: int = 0) -> Iterator[Batch]:
    """Rebatch a reader's row groups into shuffled batches of exactly `batch_size` rows.

    Each row group is shuffled together with the rows left over from the one before; a short
    tail (only at the end of a finite reader) comes out as a smaller last batch.
    """
    rng = np.random.default_rng(seed)
    left_over: Batch | None = None
    for group in row_groups:
        rows = group if left_over is None else _concat(left_over, group)
        rows = rows.take(rng.permutation(len(rows.ids)))
        full = len(rows.ids) // batch_size * batch_size
        for start in range(0, full, batch_size):
            yield rows.take(slice(start, start + batch_size))
        left_over = rows.take(slice(full, None))
    if left_over is not None and len(left_over.ids):
        yield left_over


def _concat(a: Batch, b: Batch) -> Batch:
    return Batch(
        np.concatenate([a.ids, b.ids]),
        np.concatenate([a.features, b.features]),
        np.concatenate([a.labels, b.labels]),
    )
