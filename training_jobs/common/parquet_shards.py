"""One rank's shard of a Parquet data set, read with pyarrow alone.

The reader of the spark launcher: it works on any pyarrow from 10 to 19 (Synapse Spark 3.5
ships 19.0.0, which Petastorm cannot import). Shards are the same as Petastorm's: the row
groups of all the data set's files, in file-name order, and rank r reads those whose index i
has i % size == r. So shards are disjoint, cover the data set together, and differ in size by
at most one row group.

Shipped to the cluster as a `pyFiles` entry of each job.yaml.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import fsspec
import numpy as np
import pyarrow.parquet as pq


class ParquetShard:
    """Row groups `i % size == rank` of the `.parquet` files under `url` (local or abfss://)."""

    def __init__(self, url: str, rank: int, size: int, columns: Sequence[str] | None = None):
        if not 0 <= rank < size:
            raise ValueError(f"rank {rank} is not in 0..{size - 1}")
        self._fs, root = fsspec.core.url_to_fs(url)
        self._columns = list(columns) if columns is not None else None
        self._files: dict[str, pq.ParquetFile] = {}
        self._handles: list = []
        files = sorted(p for p in self._fs.find(root) if p.endswith(".parquet"))
        pieces = [(path, i) for path in files for i in range(self._open(path).num_row_groups)]
        if len(pieces) < size:
            raise ValueError(
                f"{url} has {len(pieces)} row groups, fewer than the {size} shards asked for: "
                "some ranks would get no data"
            )
        self.pieces: list[tuple[str, int]] = pieces[rank::size]

    def _open(self, path: str) -> pq.ParquetFile:
        # Kept open: each file's footer is parsed once, not once per row group and epoch.
        if path not in self._files:
            handle = self._fs.open(path, "rb")
            self._handles.append(handle)
            self._files[path] = pq.ParquetFile(handle)
        return self._files[path]

    @property
    def num_rows(self) -> int:
        return sum(self._open(p).metadata.row_group(i).num_rows for p, i in self.pieces)

    def row_groups(self, epochs: int | None = 1, seed: int = 0) -> Iterator:
        """The shard's row groups as pyarrow Tables, `epochs` times (None: without end).

        Without end, the order of row groups is shuffled each epoch, as Petastorm does when
        it loops; a finite read keeps the file order.
        """
        rng = np.random.default_rng(seed)
        epoch = 0
        while epochs is None or epoch < epochs:
            order = rng.permutation(len(self.pieces)) if epochs is None else range(len(self.pieces))
            for index in order:
                path, group = self.pieces[index]
                yield self._open(path).read_row_group(group, columns=self._columns)
            epoch += 1

    def close(self) -> None:
        for handle in self._handles:
            handle.close()
        self._handles.clear()
        self._files.clear()

    def __enter__(self) -> ParquetShard:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
