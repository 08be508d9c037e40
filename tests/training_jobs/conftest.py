"""The training tests run once per training environment, each with its launcher:
`--launcher horovod` in .venv-train, `--launcher spark` in .venv-train-3.5 (mk/training.mk)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# The shared job modules are pyFiles: the jobs import them by their bare names, as on Spark.
sys.path.insert(0, str(REPO / "training_jobs" / "common"))


def pytest_addoption(parser):
    parser.addoption(
        "--launcher",
        choices=("horovod", "spark"),
        help="the launcher this training environment runs: horovod (.venv-train) or spark "
        "(.venv-train-3.5)",
    )


@pytest.fixture(scope="session")
def launcher(request) -> str:
    chosen = request.config.getoption("--launcher")
    if chosen is None:
        raise pytest.UsageError(
            "tests/training_jobs need --launcher horovod (in .venv-train) or --launcher spark "
            "(in .venv-train-3.5); `make test-training` runs both"
        )
    return chosen


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "environment(launcher): runs only in that launcher's training environment (the other "
        "environment deselects it; `make test-training` runs both)",
    )


def pytest_collection_modifyitems(config, items):
    chosen = config.getoption("--launcher")
    kept, deselected = [], []
    for item in items:
        marker = item.get_closest_marker("environment")
        (deselected if marker and chosen and marker.args[0] != chosen else kept).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept
