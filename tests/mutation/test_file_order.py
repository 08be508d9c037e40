"""mutation/file_order.py: a mutant's tests file by file, the cheapest file first."""

from __future__ import annotations

import json

from mutation import file_order
from mutation.file_order import order_by_file_cost

SECONDS = {
    "tests/slow.py::a": 27.0,
    "tests/slow.py::b": 1.0,
    "tests/fast.py::a": 0.5,
    "tests/fast.py::b": 0.2,
    "tests/middle.py::a": 3.0,
}


def test_files_run_cheapest_first_and_each_files_tests_together_in_their_order():
    nodeids = ["tests/slow.py::a", "tests/fast.py::b", "tests/middle.py::a", "tests/slow.py::b"]
    nodeids.append("tests/fast.py::a")

    order = [nodeids[i] for i in order_by_file_cost(nodeids, SECONDS)]

    assert order == [
        "tests/fast.py::b",
        "tests/fast.py::a",
        "tests/middle.py::a",
        "tests/slow.py::a",
        "tests/slow.py::b",
    ]


def test_a_file_mutmut_did_not_time_counts_as_free_and_ties_keep_their_order():
    nodeids = ["tests/middle.py::a", "tests/new.py::x", "tests/other.py::y", "tests/new.py::z"]

    order = [nodeids[i] for i in order_by_file_cost(nodeids, SECONDS)]

    assert order == ["tests/new.py::x", "tests/new.py::z", "tests/other.py::y", nodeids[0]]


class Item:
    def __init__(self, nodeid: str) -> None:
        self.nodeid = nodeid


def reorder(monkeypatch, tmp_path, mutant: str) -> list[str]:
    (tmp_path / "mutmut-stats.json").write_text(json.dumps({"duration_by_test": SECONDS}))
    monkeypatch.chdir(tmp_path)  # mutmut runs the tests in mutants/, where its stats are
    monkeypatch.setenv("MUTANT_UNDER_TEST", mutant)
    items = [Item("tests/slow.py::a"), Item("tests/fast.py::a")]
    file_order.pytest_collection_modifyitems(None, None, items)
    return [item.nodeid for item in items]


def test_the_tests_of_a_mutant_are_reordered(monkeypatch, tmp_path):
    order = reorder(monkeypatch, tmp_path, "synapse_dl.workspace.x_tags__mutmut_3")

    assert order == ["tests/fast.py::a", "tests/slow.py::a"]


def test_mutmuts_own_runs_keep_pytests_order(monkeypatch, tmp_path):
    # Collecting stats, checking that a failure is seen, the clean run.
    for run in ("stats", "fail", ""):
        assert reorder(monkeypatch, tmp_path, run) == ["tests/slow.py::a", "tests/fast.py::a"]
