"""parquet_shards.ParquetShard, the spark launcher's reader: disjoint row-group shards that
cover the data set, on the pyarrow of each training environment (10.0.1 and 19.0.0)."""

from __future__ import annotations

from pathlib import Path

import dataset
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from parquet_shards import ParquetShard

WIDTH = 64
DIGITS = dataset.Columns(("features",), "label", "id")


def write_dataset(folder: Path, groups_per_file: list[int], rows_per_group: int = 10) -> Path:
    """Parquet files part-0.parquet, part-1.parquet... with `id` numbering rows in file order,
    so row group g of the data set (in file-name order) holds ids g*rows .. (g+1)*rows-1."""
    folder.mkdir(parents=True)
    next_id = 0
    for i, groups in enumerate(groups_per_file):
        ids = np.arange(next_id, next_id + groups * rows_per_group, dtype=np.int64)
        features = pa.array([[float(x)] * WIDTH for x in ids], pa.list_(pa.float32()))
        table = pa.table({"id": ids, "features": features, "label": ids % 10})
        pq.write_table(table, folder / f"part-{i}.parquet", row_group_size=rows_per_group)
        next_id += len(ids)
    (folder / "_SUCCESS").write_text("")  # Spark's marker: not data
    return folder


def ids_of(tables) -> list[int]:
    return [i for table in tables for i in table.column("id").to_pylist()]


def test_each_rank_reads_row_groups_i_mod_size_in_file_name_order(tmp_path):
    data = write_dataset(tmp_path / "data", [3, 2, 2])  # 7 row groups of 10 rows

    shard = ParquetShard(data.as_uri(), 1, 3)
    groups = [ids_of([t])[0] // 10 for t in shard.row_groups(epochs=1)]

    assert groups == [1, 4]


def test_shards_are_disjoint_and_together_cover_every_row(tmp_path):
    data = write_dataset(tmp_path / "data", [3, 2, 2, 1])
    seen = []
    for rank in range(3):
        shard = ParquetShard(str(data), rank, 3)
        seen.append(set(ids_of(shard.row_groups(epochs=1))))

    assert all(a.isdisjoint(b) for i, a in enumerate(seen) for b in seen[i + 1 :])
    assert set().union(*seen) == set(range(80))
    assert sorted(len(s) for s in seen) == [20, 30, 30]


def test_num_rows_counts_the_shards_rows_from_the_footers(tmp_path):
    data = write_dataset(tmp_path / "data", [3, 2], rows_per_group=7)

    shard = ParquetShard(str(data), 0, 2)
    assert shard.num_rows == 21
    assert len(ids_of(shard.row_groups(epochs=1))) == 21


def test_a_finite_read_repeats_the_shard_in_order_and_an_endless_one_shuffles_it(tmp_path):
    data = write_dataset(tmp_path / "data", [4, 4])
    shard = ParquetShard(str(data), 0, 2)
    twice = [ids_of([t])[0] // 10 for t in shard.row_groups(epochs=2)]
    endless = shard.row_groups(epochs=None, seed=1)
    epochs = [[ids_of([next(endless)])[0] // 10 for _ in range(4)] for _ in range(3)]
    endless.close()  # stops the reads still in flight

    assert twice == [0, 2, 4, 6, 0, 2, 4, 6]
    assert all(sorted(epoch) == [0, 2, 4, 6] for epoch in epochs)
    assert len({tuple(epoch) for epoch in epochs}) > 1


def test_only_the_asked_columns_are_read(tmp_path):
    data = write_dataset(tmp_path / "data", [2])

    table = next(ParquetShard(str(data), 0, 1, columns=["id", "label"]).row_groups())

    assert table.column_names == ["id", "label"]


@pytest.mark.parametrize("read_ahead", [1, 2, 5])
def test_reading_ahead_keeps_the_order_of_the_row_groups(tmp_path, read_ahead):
    data = write_dataset(tmp_path / "data", [5, 4])

    shard = ParquetShard(str(data), 0, 1, read_ahead=read_ahead)

    assert [ids_of([t])[0] // 10 for t in shard.row_groups(epochs=2)] == list(range(9)) * 2


def test_fewer_row_groups_than_shards_is_an_error_naming_both(tmp_path):
    data = write_dataset(tmp_path / "data", [1, 1])

    with pytest.raises(ValueError, match=r"has 2 row groups, fewer than the 3 shards asked for"):
        ParquetShard(str(data), 0, 3)


def test_a_rank_outside_the_world_is_an_error(tmp_path):
    data = write_dataset(tmp_path / "data", [2])

    with pytest.raises(ValueError, match=r"rank 2 is not in 0..1"):
        ParquetShard(str(data), 2, 2)


def test_the_reader_turns_row_groups_into_batches_with_their_rows_together(tmp_path):
    data = write_dataset(tmp_path / "data", [2, 1])

    with dataset.open_shard_reader(str(data), 0, 1, DIGITS, epochs=1, reader="pyarrow") as groups:
        batches = list(groups)

    assert [len(b) for b in batches] == [10, 10, 10]
    for batch in batches:
        assert batch.features.dtype == np.float32
        assert batch.features.shape == (10, WIDTH)
        assert (batch.features[:, 0] == batch.ids).all()
        assert (batch.labels == batch.ids % 10).all()


def test_an_unknown_reader_is_an_error(tmp_path):
    data = write_dataset(tmp_path / "data", [1])

    reader = dataset.open_shard_reader(str(data), 0, 1, DIGITS, epochs=1, reader="arrow")
    with pytest.raises(ValueError, match=r"reader 'arrow' is not one of petastorm, pyarrow"):
        reader.__enter__()


@pytest.mark.environment("horovod")
def test_petastorm_and_pyarrow_give_a_rank_the_same_rows(tmp_path):
    data = write_dataset(tmp_path / "data", [3, 2, 2])
    url = dataset.as_url(str(data))

    for rank in range(2):
        shards = {}
        for reader in ("petastorm", "pyarrow"):
            with dataset.open_shard_reader(url, rank, 2, DIGITS, epochs=1, reader=reader) as groups:
                shards[reader] = sorted(i for batch in groups for i in batch.ids.tolist())
        assert shards["petastorm"] == shards["pyarrow"]
