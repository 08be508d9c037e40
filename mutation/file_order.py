"""pytest plugin for `make mutation` (mutmut): a mutant's tests, cheapest test file first.

mutmut runs a mutant with `pytest -x` and the tests that reach its function, passed as node
ids in the order of a Python set: a different order in every process, with one file's tests
scattered among the others'. pytest keeps that order, so a module-scoped fixture (the
component provider, 11 to 27 s to start under mutation; pr-check's runs) was set up again
each time its file came round, and a killed mutant often ran slow tests before the one that
fails.

Here a mutant's tests run file by file, the file whose tests took least time when mutmut
timed them (mutants/mutmut-stats.json) first; within a file, in pytest's order. What is
killed and what survives does not change, only how soon `-x` stops: the tests are
independent of each other across files (the suite passes in any file order).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

STATS = Path("mutmut-stats.json")  # in mutants/, where mutmut runs the tests


def _running_a_mutant() -> bool:
    # Not the stats run ("stats"), the check that a failure is seen ("fail"), or the clean run.
    return "__mutmut_" in os.environ.get("MUTANT_UNDER_TEST", "")


def _file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def order_by_file_cost(nodeids: list[str], seconds: dict[str, float]) -> list[int]:
    """Positions of `nodeids` in run order: grouped by file, the cheapest file first (a test
    mutmut did not time counts as 0 s), each file's tests in their given order."""
    cost: dict[str, float] = {}
    first: dict[str, int] = {}
    for position, nodeid in enumerate(nodeids):
        path = _file_of(nodeid)
        cost[path] = cost.get(path, 0.0) + seconds.get(nodeid, 0.0)
        first.setdefault(path, position)
    return sorted(
        range(len(nodeids)),
        key=lambda i: (cost[_file_of(nodeids[i])], first[_file_of(nodeids[i])], i),
    )


def pytest_collection_modifyitems(session: Any, config: Any, items: list[Any]) -> None:
    if not _running_a_mutant() or not STATS.exists():
        return
    seconds = json.loads(STATS.read_text(encoding="utf-8"))["duration_by_test"]
    order = order_by_file_cost([item.nodeid for item in items], seconds)
    items[:] = [items[i] for i in order]
