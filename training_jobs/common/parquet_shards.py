"""One rank's shard of a Parquet data set, read with pyarrow alone.

The reader of the spark launcher: it works on any pyarrow from 10 to 19 (Synapse Spark 3.5
ships 19.0.0, which Petastorm cannot import). Shards are the same as Petastorm's: the row
groups of all the data set's files, in file-name order, and rank r reads those whose index i
has i % size == r. So shards are disjoint, cover the data set together, and differ in size by
at most one row group.

Shipped to the cluster in common.zip, the jobs' `../common` pyFiles entry.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

import fsspec
import numpy as np
import pyarrow.dataset as ds
import pyarrow.fs as pafs

# Row groups read at once, ahead of the consumer: one row group decodes on about one core
# (its big column on one thread), so two in flight overlap reading with training and keep up
# with pyarrow's whole-file `read_table` (bench/train_throughput.py).
READ_AHEAD = 2


def _parquet_files(url: str) -> tuple:
    """The filesystem to read with and the `.parquet` files under `url`, in name order.

    Local paths go through pyarrow's own filesystem, as `pq.read_table` does (a Python file
    object in between costs a third of the speed here); other URLs (abfss:// on Synapse,
    through adlfs, which the runtime ships) through fsspec.
    """
    parsed = urlparse(url)
    if parsed.scheme in ("", "file"):
        root = parsed.path if parsed.scheme else url
        infos = pafs.LocalFileSystem().get_file_info(pafs.FileSelector(root, recursive=True))
        return pafs.LocalFileSystem(), sorted(i.path for i in infos if i.path.endswith(".parquet"))
    fs, root = fsspec.core.url_to_fs(url)
    return fs, sorted(p for p in fs.find(root) if p.endswith(".parquet"))


class ParquetShard:
    """Row groups `i % size == rank` of the `.parquet` files under `url` (local or abfss://,
    through fsspec)."""

    def __init__(
        self,
        url: str,
        rank: int,
        size: int,
        columns: Sequence[str] | None = None,
        read_ahead: int = READ_AHEAD,
    ):
        if not 0 <= rank < size:
            raise ValueError(f"rank {rank} is not in 0..{size - 1}")
        fs, files = _parquet_files(url)
        dataset = ds.dataset(files, format="parquet", filesystem=fs)
        # One fragment per row group, files in name order (the dataset keeps the list's order).
        pieces = [
            group for fragment in dataset.get_fragments() for group in fragment.split_by_row_group()
        ]
        if len(pieces) < size:
            raise ValueError(
                f"{url} has {len(pieces)} row groups, fewer than the {size} shards asked for: "
                "some ranks would get no data"
            )
        self.pieces = pieces[rank::size]
        self._columns = list(columns) if columns is not None else None
        self._read_ahead = max(1, read_ahead)

    @property
    def num_rows(self) -> int:
        """Rows in the shard, from the files' footers."""
        return sum(group.num_rows for piece in self.pieces for group in piece.row_groups)

    def _order(self, epochs: int | None, seed: int) -> Iterator:
        rng = np.random.default_rng(seed)
        epoch = 0
        while epochs is None or epoch < epochs:
            order = rng.permutation(len(self.pieces)) if epochs is None else range(len(self.pieces))
            for index in order:
                yield self.pieces[index]
            epoch += 1

    def row_groups(self, epochs: int | None = 1, seed: int = 0) -> Iterator:
        """The shard's row groups as pyarrow Tables, in order, `epochs` times (None: without
        end), each read ahead of the consumer on `read_ahead` threads.

        Without end, the order of row groups is shuffled each epoch, as Petastorm does when
        it loops; a finite read keeps the file order.
        """
        with ThreadPoolExecutor(self._read_ahead, thread_name_prefix="parquet-shard") as pool:
            in_flight: deque = deque()
            try:
                for piece in self._order(epochs, seed):
                    in_flight.append(pool.submit(piece.to_table, columns=self._columns))
                    if len(in_flight) == self._read_ahead:
                        yield in_flight.popleft().result()
                while in_flight:
                    yield in_flight.popleft().result()
            finally:
                # A consumer that stops early (an endless read) leaves reads to drop.
                for future in in_flight:
                    future.cancel()
