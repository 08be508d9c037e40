"""Plans run one after another in one process (the tests, pr-check's, the mutation run):
nothing of one plan may build up into the next."""

from __future__ import annotations

import pickle

from synapse_dl.engine.offline_runtime import plan_stack
from tests.conftest import ROOT


def test_a_plan_leaves_the_pickler_as_it_found_it():
    # pulumi wraps this method once per dynamic resource it serializes and never unwraps it:
    # a few hundred plans' worth of wrappers end in a RecursionError.
    before = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]

    plan = plan_stack(ROOT / "Pulumi.cpu.yaml")

    assert any(r.type.startswith("pulumi-python:dynamic/") for r in plan.resources)
    assert pickle._Pickler._batch_setitems is before  # type: ignore[attr-defined]
