"""Answers from the network kept for a day: the Azure Retail Prices API's prices and the
library preflight's verdicts. Each entry holds its key and when it was saved; an entry of
another key, an older one or one this code cannot read is asked again, never trusted.

The folder is $SYNAPSE_DL_CACHE, else $XDG_CACHE_HOME/synapse-dl, else ~/.cache/synapse-dl;
removing it loses nothing but time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from synapse_dl.atomic_write import write_text_atomically

CACHE_VARIABLE = "SYNAPSE_DL_CACHE"
MAX_AGE = dt.timedelta(hours=24)


def cache_dir() -> Path:
    if folder := os.environ.get(CACHE_VARIABLE):
        return Path(folder)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "synapse-dl"


def read_fresh(path: Path, key: str, now: dt.datetime | None = None) -> tuple[Any, str] | None:
    """(the value, when it was saved) of a fresh entry for `key`; None otherwise."""
    now = now or dt.datetime.now(dt.UTC)
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        saved = dt.datetime.fromisoformat(entry["saved"])
        if entry["key"] != key or not dt.timedelta(0) <= now - saved < MAX_AGE:
            return None
        return entry["value"], entry["saved"]
    except (OSError, ValueError, KeyError, TypeError):
        return None  # none yet, or not one this code wrote: ask again


def save(path: Path, key: str, value: Any, now: dt.datetime | None = None) -> None:
    """Keep `value` under `key`; a cache that cannot be written costs time, never the run."""
    now = now or dt.datetime.now(dt.UTC)
    entry = json.dumps({"key": key, "saved": now.isoformat(), "value": value})
    with contextlib.suppress(OSError):
        write_text_atomically(path, entry)
