"""Runtime lifecycle: which pools sit on a Spark runtime that is past its end of support."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from synapse_dl.config.models import SparkPoolConfig


def lifecycle_warnings(pools: Iterable[SparkPoolConfig], today: dt.date | None = None) -> list[str]:
    today = today or dt.date.today()
    warnings = []
    for pool in pools:
        runtime = pool.runtime
        if runtime.is_past_end_of_support(today):
            warnings.append(
                f"pool {pool.name!r}: Spark {runtime.version} is past end of support "
                f"({runtime.end_of_support.isoformat()}): {runtime.lifecycle_note}"
            )
    return warnings
