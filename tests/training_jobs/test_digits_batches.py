"""digits_data.batches turns a reader's row groups into fixed-size shuffled batches."""

from __future__ import annotations

import digits_data  # a pyFiles module: imported by its bare name, as on Spark (conftest.py)
import numpy as np


def row_groups(sizes: list[int]):
    """Row groups as the shard readers yield them: one Batch each."""
    start = 0
    for size in sizes:
        ids = np.arange(start, start + size, dtype=np.int64)
        features = np.repeat(ids.astype(np.float32)[:, None], digits_data.FEATURES, axis=1)
        yield digits_data.Batch(ids=ids, features=features, labels=ids % 10)
        start += size


def test_batches_have_exactly_the_batch_size_and_cover_every_row_once():
    out = list(digits_data.batches(row_groups([45, 45, 44, 46]), batch_size=32))
    sizes = [len(b.ids) for b in out]
    assert sizes == [32, 32, 32, 32, 32, 20]  # 180 rows: 5 full batches and the tail
    assert sorted(np.concatenate([b.ids for b in out]).tolist()) == list(range(180))


def test_batch_rows_keep_their_features_and_labels_together_after_shuffling():
    for batch in digits_data.batches(row_groups([50, 50]), batch_size=16, seed=3):
        assert batch.features.shape == (len(batch.ids), 64)
        assert batch.features.dtype == np.float32
        assert (batch.features[:, 0] == batch.ids).all()
        assert (batch.labels == batch.ids % 10).all()


def test_rows_are_shuffled_within_the_buffer():
    first = next(digits_data.batches(row_groups([64]), batch_size=32, seed=0))
    assert first.ids.tolist() != list(range(32))
