"""Any Parquet dataset under a job's `--data`: its `train/` and `test/` splits, read by each
rank as its own shard and turned into batches of features and labels.

The columns are the job's (job.yaml `data.features`, `data.label`, `data.id`, passed as
`--features`, `--label`, `--id-column`): the features are one array column (`features`, a list
of floats per row) or several numeric columns, stacked into a float32 matrix; the label is one
column, kept in its type (int64 for classes, float32 for a value); an id column, when named,
lets a run prove its shards are disjoint.

Two readers over the same shards (row groups i % size == rank): Petastorm, the Horovod
launcher's (the GPU runtimes ship it), and `parquet_shards`, pyarrow alone, the spark
launcher's (Petastorm cannot import on Spark 3.5's pyarrow 19).
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
# import inside a function would look for a parquet_shards module they do not have.
from parquet_shards import ParquetShard

SPLITS = ("train", "test")
# The reader each launcher's processes use.
READERS = {"horovod": "petastorm", "spark": "pyarrow"}


def as_url(path: str) -> str:
    """A URL for the readers and fsspec: local paths become absolute `file://` URLs."""
    if urlparse(path).scheme:
        return path.rstrip("/")
    return "file://" + os.path.abspath(path)


def split_url(data_url: str, split: str) -> str:
    return f"{as_url(data_url)}/{split}"


def written(spark, data_path: str) -> bool:
    """Whether Spark finished writing both splits under `data_path` (their `_SUCCESS`): what
    a job's data preparation checks before it writes the data again."""
    jvm = spark.sparkContext._jvm
    config = spark.sparkContext._jsc.hadoopConfiguration()
    for split in SPLITS:
        # Spark's own file system API reads the URLs it writes (file://, abfss://).
        path = jvm.org.apache.hadoop.fs.Path(split_url(data_path, split) + "/_SUCCESS")
        if not path.getFileSystem(config).exists(path):
            return False
    return True


@dataclass(frozen=True)
class Columns:
    """Which columns are the features, the label and (optionally) the row's id."""

    features: tuple[str, ...]
    label: str
    id: str | None = None

    @property
    def read(self) -> list[str]:
        return [*self.features, self.label, *([self.id] if self.id else [])]


@dataclass(frozen=True)
class Batch:
    features: np.ndarray  # float32 [n, width]
    labels: np.ndarray  # [n]: int64 classes or float32 values
    ids: np.ndarray | None = None  # int64 [n] when the dataset has an id column

    def __len__(self) -> int:
        return len(self.labels)

    def take(self, index) -> Batch:
        ids = None if self.ids is None else self.ids[index]
        return Batch(self.features[index], self.labels[index], ids)


def _block(part: np.ndarray) -> np.ndarray:
    """A column as [n, k]: an array column (Petastorm gives [n, k], or n arrays) or scalars."""
    if part.dtype == object:
        part = np.stack(part)
    return part.reshape(len(part), -1)


def _matrix(parts: list[np.ndarray]) -> np.ndarray:
    """One [n, width] float32 matrix from array columns and scalar ones."""
    return np.concatenate([_block(p) for p in parts], axis=1).astype(np.float32, copy=False)


def _labels(values: np.ndarray) -> np.ndarray:
    if np.issubdtype(values.dtype, np.integer):
        return values.astype(np.int64, copy=False)
    return values.astype(np.float32, copy=False)


def table_batch(table, columns: Columns) -> Batch:
    """A pyarrow Table (one row group) as a Batch."""

    def column(name: str) -> np.ndarray:
        chunked = table.column(name).combine_chunks()
        try:
            flat = chunked.flatten().to_numpy()  # a list column: its values, row by row
            return flat.reshape(len(chunked), -1)
        except AttributeError:  # a scalar column has no flatten
            return chunked.to_numpy(zero_copy_only=False)

    ids = np.asarray(column(columns.id), dtype=np.int64) if columns.id else None
    features = np.concatenate(
        [np.asarray(column(name), dtype=np.float32).reshape(table.num_rows, -1)
         for name in columns.features], axis=1)  # fmt: skip
    return Batch(features, _labels(np.asarray(column(columns.label))), ids)


def _petastorm_batch(rows, columns: Columns) -> Batch:
    """A Petastorm batch (a namedtuple of columns) as a Batch."""
    ids = np.asarray(getattr(rows, columns.id), dtype=np.int64) if columns.id else None
    features = _matrix([np.asarray(getattr(rows, name)) for name in columns.features])
    return Batch(features, _labels(np.asarray(getattr(rows, columns.label))), ids)


def count_rows(url: str) -> int:
    """Rows of the Parquet files under `url`, from their footers."""
    return ParquetShard(url, 0, 1).num_rows


def feature_width(url: str, columns: Columns) -> int:
    """How many numbers make one row's features."""
    shard = ParquetShard(url, 0, 1, columns.read)
    first = next(iter(shard.row_groups(epochs=1)))
    return table_batch(first.slice(0, 1), columns).features.shape[1]


@contextmanager
def open_shard_reader(
    url: str,
    rank: int,
    size: int,
    columns: Columns,
    *,
    epochs: int | None,
    seed: int = 0,
    reader: str,
) -> Iterator[Iterable[Batch]]:
    """This rank's shard (row groups i with i % size == rank) as Batches, one per row group.

    `epochs=None` loops forever: ranks then take the same number of steps each epoch even
    when their shards differ by a row group, so no rank waits on a missing allreduce.
    `reader` is "petastorm" or "pyarrow" (READERS).
    """
    if reader == "petastorm":
        with _petastorm_reader(url, rank, size, columns, epochs, seed) as row_groups:
            yield (_petastorm_batch(rows, columns) for rows in row_groups)
    elif reader == "pyarrow":
        shard = ParquetShard(url, rank, size, columns.read)
        yield (table_batch(table, columns) for table in shard.row_groups(epochs, seed))
    else:
        raise ValueError(
            f"reader {reader!r} is not one of {', '.join(sorted(set(READERS.values())))}"
        )


def _petastorm_reader(url, rank, size, columns: Columns, epochs, seed):
    from petastorm import make_batch_reader

    # Petastorm 0.12 calls pyarrow's legacy dataset API; pyarrow 10 warns on every row group.
    warnings.filterwarnings("ignore", category=FutureWarning, module="petastorm")
    return make_batch_reader(
        url,
        schema_fields=columns.read,
        cur_shard=rank,
        shard_count=size,
        num_epochs=epochs,
        shuffle_row_groups=epochs is None,
        seed=seed,
        # Two reader threads: Petastorm keeps only workers + 2 row groups in flight and polls
        # every 10 ms, so with small row groups one thread caps the reader at about 50k rows/s
        # and the "dummy" pool (no threads) at about 6k (bench/train_throughput.py).
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
        rows = rows.take(rng.permutation(len(rows)))
        full = len(rows) // batch_size * batch_size
        for start in range(0, full, batch_size):
            yield rows.take(slice(start, start + batch_size))
        left_over = rows.take(slice(full, None))
    if left_over is not None and len(left_over):
        yield left_over


def _concat(a: Batch, b: Batch) -> Batch:
    ids = None if a.ids is None or b.ids is None else np.concatenate([a.ids, b.ids])
    return Batch(
        np.concatenate([a.features, b.features]), np.concatenate([a.labels, b.labels]), ids
    )
