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
- after each test, what the children recorded counts as reached by that test.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

SITE = Path(__file__).with_name("subprocess_site")


def pytest_configure(config: Any) -> None:
    if "MUTANT_UNDER_TEST" not in os.environ:
        return  # not under mutmut
    os.environ.setdefault("MUTATION_HITS_DIR", tempfile.mkdtemp(prefix="mutmut-hits-"))
    # mutmut runs the tests in its mutants/ folder, where the mutated synapse_dl/ is.
    paths = [str(Path.cwd()), str(SITE), os.environ.get("PYTHONPATH", "")]
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)


@pytest.hookimpl(tryfirst=True)  # before mutmut's own teardown hook files this test's hits
def pytest_runtest_teardown(item: Any) -> None:
    hits_dir = os.environ.get("MUTATION_HITS_DIR")
    if os.environ.get("MUTANT_UNDER_TEST") != "stats" or not hits_dir:
        return
    from mutmut.state import state

    for path in Path(hits_dir).glob("*.txt"):
        # Moved aside first: a child still running writes its next calls to a new file.
        taken = path.rename(path.with_suffix(".taken"))
        state()._stats.update(taken.read_text(encoding="utf-8").split())
        taken.unlink()
