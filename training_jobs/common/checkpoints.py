"""Per-epoch checkpoints under a job's output location, local or on the data lake.

Files are `<output>/checkpoints/epoch-NNNN.ckpt`; the payload is the framework's own
serialization (torch.save, numpy .npz); the run summary and curves are written the same way
(`write`). fsspec reaches local paths and, on Synapse,
`abfss://` (adlfs). A checkpoint is written under a temporary name and then renamed, so
an interrupted write never passes for the latest checkpoint.

Shipped to the cluster in common.zip, the jobs' `../common` pyFiles entry.
"""

from __future__ import annotations

import re

import fsspec

_NAME = re.compile(r"epoch-([0-9]{4})\.ckpt\Z")


def checkpoint_dir(output_url: str) -> str:
    return f"{output_url.rstrip('/')}/checkpoints"


def checkpoint_url(output_url: str, epoch: int) -> str:
    return f"{checkpoint_dir(output_url)}/epoch-{epoch:04d}.ckpt"


def write(url: str, payload: bytes) -> str:
    """Write a file of the output under a temporary name, then rename it; returns its URL."""
    fs, path = fsspec.core.url_to_fs(url)
    fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
    with fs.open(path + ".partial", "wb") as f:
        f.write(payload)
    fs.mv(path + ".partial", path)
    return url


def save(output_url: str, epoch: int, payload: bytes) -> str:
    """Write the checkpoint of `epoch`; returns its URL."""
    return write(checkpoint_url(output_url, epoch), payload)


def saved_epochs(output_url: str) -> list[int]:
    fs, path = fsspec.core.url_to_fs(checkpoint_dir(output_url))
    if not fs.exists(path):
        return []
    names = (str(entry).rsplit("/", 1)[-1] for entry in fs.ls(path, detail=False))
    return sorted(int(m.group(1)) for name in names if (m := _NAME.search(name)))


def read(output_url: str, epoch: int) -> bytes:
    """The payload of the checkpoint of `epoch` (one of `saved_epochs`)."""
    with fsspec.open(checkpoint_url(output_url, epoch), "rb") as f:
        return f.read()
