"""Writing a file whole or not at all: a temporary file beside it, renamed over it.

An interrupted write leaves the old file or the new one, never part of one; a write that fails
leaves what was there. Standard library only.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _mode_for_new_file() -> int:
    # mkstemp makes files only their owner may read; the file gets what open() would give it.
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_text_atomically(path: Path, text: str) -> None:
    """`text` (UTF-8) in `path`, its folder made: a temporary file beside it, renamed over it."""
    write_bytes_atomically(path, text.encode("utf-8"))


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """`data` in `path`, its folder made: a temporary file beside it, renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, _mode_for_new_file())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
