"""A folder of Python modules shipped as one zip file, which Spark puts on the path of every
process (`--py-files`, `spark.submit.pyFiles` take `.zip`): the shared code of the training
jobs is one file on the lake, and adding a module to the folder is the whole change.

The zip is the same bytes for the same files (names sorted, fixed times and modes), so its
content address, and the blob it is uploaded as, change only when a module does. It is
written under the system's temporary folder, by content: the program that plans it and the
provider that uploads it run on the same machine, and each run writes it again.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
import zipfile
from pathlib import Path

from synapse_dl.atomic_write import write_bytes_atomically

# What goes in: the folder's Python modules and packages, not caches.
_SKIPPED_PARTS = {"__pycache__"}
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can record


def folder_zip(folder: Path) -> bytes:
    """The `.py` files under `folder`, by their path in it, as a deterministic zip."""
    files = sorted(
        path
        for path in folder.rglob("*.py")
        if path.is_file() and not _SKIPPED_PARTS & set(path.relative_to(folder).parts)
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(folder).as_posix(), date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def shipped(path: Path) -> Path:
    """The file Spark is given for `path`: the file itself, or a folder's zip
    (`<folder name>.zip`, written once per content)."""
    if not path.is_dir():
        return path
    data = folder_zip(path)
    digest = hashlib.sha256(data).hexdigest()[:16]
    target = Path(tempfile.gettempdir()) / "synapse-dl-archives" / digest / f"{path.name}.zip"
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomically(target, data)
    return target
