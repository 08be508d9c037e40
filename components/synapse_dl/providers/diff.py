"""The dynamic providers' diff: local, by key."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pulumi.dynamic import DiffResult


def diff_by_keys(
    olds: dict[str, Any],
    news: dict[str, Any],
    *,
    replace_keys: Iterable[str],
    update_keys: Iterable[str],
) -> DiffResult:
    """A change to a replace key replaces the resource; to an update key, updates it in place.

    Local: diffing asks nothing of Azure, so an unchanged resource costs no call.
    """
    replaces = [key for key in replace_keys if olds.get(key) != news.get(key)]
    updates = [key for key in update_keys if olds.get(key) != news.get(key)]
    return DiffResult(changes=bool(replaces or updates), replaces=replaces)
