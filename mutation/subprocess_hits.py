"""pytest plugin for `make mutation` (mutmut): code that the tests run in a child process.

`synapse-dl pr-check` plans each stack in its own `python -m synapse_dl plan`, and the
component provider runs as `python provider <engine>`. mutmut switches mutants through the
MUTANT_UNDER_TEST variable, which a child process inherits, but it learns which tests reach
a function only from calls in the test process: without this plugin every function that only
a child process calls is "no tests", and none of its mutants is run.

So, while mutmut runs the tests:
- PYTHONPATH puts the mutated copy first (a child started from another folder would import
  the repository's own package through the editable install) and subprocess_site/, whose
  sitecustomize records the functions a child calls into MUTATION_HITS_DIR;
- after each test, what the children recorded counts as reached by that test;
- what a module- or session-scoped fixture reached while it was set up (pr-check's runs, the
  provider a test module shares) counts as reached by every test that uses the fixture, not
  only by the first one, during whose setup it ran: mutmut runs a mutant with the tests that
  reach its function, and such a fixture is set up again for whichever of its tests run;
- a test's time, from which mutmut sets each mutant's time limit, counts its setup too (the
  fixtures that start servers and providers), and the time of each shared fixture it uses:
  mutmut counts only the test's call, so a mutant whose tests set up a slow shared fixture
  ran past its limit and was counted killed by timeout.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

SITE = Path(__file__).with_name("subprocess_site")

# What each shared fixture's setup reached, by its definition (a module-scoped one is set up
# once per module that uses it: the union of those).
_fixture_hits: dict[Any, set[str]] = {}
# And how long its setup took, the longest where it was set up more than once.
_fixture_seconds: dict[Any, float] = {}
# The shared fixtures set up by the test being set up now (their time is in its setup's).
_set_up_now: set[Any] = set()


def _collecting() -> bool:
    return os.environ.get("MUTANT_UNDER_TEST") == "stats"


def pytest_configure(config: Any) -> None:
    if "MUTANT_UNDER_TEST" not in os.environ:
        return  # not under mutmut
    os.environ.setdefault("MUTATION_HITS_DIR", tempfile.mkdtemp(prefix="mutmut-hits-"))
    # mutmut runs the tests in its mutants/ folder, where the mutated package is in src/ and
    # the tests and the other folders they import (tests/, gitops/) are at the top.
    paths = [str(Path.cwd() / "src"), str(Path.cwd()), str(SITE), os.environ.get("PYTHONPATH", "")]
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)


def _take_child_hits(stats: set[str]) -> None:
    hits_dir = os.environ.get("MUTATION_HITS_DIR")
    if not hits_dir:
        return
    for path in Path(hits_dir).glob("*.txt"):
        # Moved aside first: a child still running writes its next calls to a new file.
        taken = path.rename(path.with_suffix(".taken"))
        stats.update(taken.read_text(encoding="utf-8").split())
        taken.unlink()


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef: Any, request: Any) -> Generator[None, None, None]:
    if not _collecting() or fixturedef.scope == "function":
        yield
        return
    from mutmut.state import state

    stats = state()._stats
    # What the test reached before this setup is set aside, so only the setup's own hits
    # (a fixture it depends on included) are filed under the fixture.
    before = set(stats)
    stats.clear()
    started = time.perf_counter()
    try:
        yield
    finally:
        elapsed = time.perf_counter() - started
        _fixture_seconds[fixturedef] = max(elapsed, _fixture_seconds.get(fixturedef, 0.0))
        _set_up_now.add(fixturedef)
        _take_child_hits(stats)
        _fixture_hits.setdefault(fixturedef, set()).update(stats)
        stats.update(before)


def _shared_fixtures(item: Any) -> list[Any]:
    return [
        fixturedef
        for name in item.fixturenames
        for fixturedef in item._fixtureinfo.name2fixturedefs.get(name, ())
        if fixturedef in _fixture_hits
    ]


def pytest_runtest_makereport(item: Any, call: Any) -> None:
    if not _collecting() or call.when != "setup":
        return
    from mutmut.state import state

    # A shared fixture set up for this test is in its setup's time; the time of one set up
    # earlier is added, since a mutant's run may start with any test that uses it.
    shared = sum(_fixture_seconds[f] for f in _shared_fixtures(item) if f not in _set_up_now)
    _set_up_now.clear()
    durations = state().duration_by_test  # mutmut sets the test's to 0 as it starts
    durations[item.nodeid] = durations.get(item.nodeid, 0.0) + call.duration + shared


@pytest.hookimpl(tryfirst=True)  # before mutmut's own teardown hook files this test's hits
def pytest_runtest_teardown(item: Any) -> None:
    if not _collecting():
        return
    from mutmut.state import state

    stats = state()._stats
    _take_child_hits(stats)
    for fixturedef in _shared_fixtures(item):
        stats.update(_fixture_hits[fixturedef])
