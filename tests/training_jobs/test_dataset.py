"""dataset: any Parquet dataset's columns read as batches of features and labels, and a
reader's row groups turned into fixed-size shuffled batches."""

from __future__ import annotations

import dataset  # a shared module: imported by its bare name, as on Spark (conftest.py)
import numpy as np
import pyarrow as pa
import pytest

WIDTH = 64


def row_groups(sizes: list[int]):
    """Row groups as the shard readers yield them: one Batch each."""
    start = 0
    for size in sizes:
        ids = np.arange(start, start + size, dtype=np.int64)
        features = np.repeat(ids.astype(np.float32)[:, None], WIDTH, axis=1)
        yield dataset.Batch(ids=ids, features=features, labels=ids % 10)
        start += size


def test_batches_have_exactly_the_batch_size_and_cover_every_row_once():
    out = list(dataset.batches(row_groups([45, 45, 44, 46]), batch_size=32))
    sizes = [len(b) for b in out]
    assert sizes == [32, 32, 32, 32, 32, 20]  # 180 rows: 5 full batches and the tail
    assert sorted(np.concatenate([b.ids for b in out]).tolist()) == list(range(180))


def test_batch_rows_keep_their_features_and_labels_together_after_shuffling():
    for batch in dataset.batches(row_groups([50, 50]), batch_size=16, seed=3):
        assert batch.features.shape == (len(batch.ids), 64)
        assert batch.features.dtype == np.float32
        assert (batch.features[:, 0] == batch.ids).all()
        assert (batch.labels == batch.ids % 10).all()


def test_rows_are_shuffled_within_the_buffer():
    first = next(dataset.batches(row_groups([64]), batch_size=32, seed=0))
    assert first.ids.tolist() != list(range(32))


DIGITS = dataset.Columns(("features",), "label", "id")


@pytest.mark.parametrize(
    ("table", "columns", "features", "labels"),
    [
        # one array column, integer classes
        (pa.table({"id": [7, 8], "features": pa.array([[1.0, 2.0], [3.0, 4.0]],
                                                       pa.list_(pa.float32())),
                   "label": [1, 0]}), DIGITS, [[1, 2], [3, 4]], [1, 0]),
        # several numeric columns, a value to predict
        (pa.table({"x": [1, 2], "y": [0.5, 1.5], "price": [10.0, 20.0]}),
         dataset.Columns(("x", "y"), "price"), [[1, 0.5], [2, 1.5]], [10.0, 20.0]),
        # an array column beside a scalar one
        (pa.table({"pixels": pa.array([[1.0], [2.0]], pa.list_(pa.float64())), "age": [30, 40],
                   "label": [0, 1]}), dataset.Columns(("pixels", "age"), "label"),
         [[1, 30], [2, 40]], [0, 1]),
    ],
)  # fmt: skip
def test_the_named_columns_become_a_float_matrix_and_labels_keep_their_kind(
    table, columns, features, labels
):
    batch = dataset.table_batch(table, columns)

    assert batch.features.dtype == np.float32 and batch.features.tolist() == features
    assert batch.labels.tolist() == labels
    kind = np.int64 if isinstance(labels[0], int) else np.float32
    assert batch.labels.dtype == kind
    assert (batch.ids is None) == (columns.id is None)


@pytest.mark.parametrize(
    "features",
    [np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32),  # Petastorm's 2-D array
     np.array([np.array([1.0, 2.0]), np.array([3.0, 4.0])], dtype=object)],  # or n arrays
)  # fmt: skip
def test_a_petastorm_batch_keeps_each_rows_features_together(features):
    from collections import namedtuple

    rows = namedtuple("rows", "id features label")(np.array([7, 8]), features, np.array([1, 0]))

    batch = dataset._petastorm_batch(rows, DIGITS)

    assert batch.features.tolist() == [[1, 2], [3, 4]] and batch.ids.tolist() == [7, 8]
