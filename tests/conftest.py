from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from synapse_dl.config.loading import project_values

# Fixtures serving the fake ARM and Synapse endpoints: `arm`, `synapse`.
pytest_plugins = ["tests.fakes.fixtures"]

ROOT = Path(__file__).resolve().parent.parent
DEV_STACK = ROOT / "Pulumi.dev.yaml"
JOBS_ROOT = ROOT / "training_jobs"


def dev_stack_document() -> dict[str, Any]:
    return yaml.safe_load(DEV_STACK.read_text())


@pytest.fixture
def dev_config() -> dict[str, Any]:
    """A fresh, mutable copy of the dev stack's project config."""
    return copy.deepcopy(project_values(dev_stack_document()))


@pytest.fixture
def write_stack(tmp_path: Path):
    """Writes a stack file from project config (keys without the prefix); returns its path."""

    def write(config: dict[str, Any], name: str = "test") -> Path:
        document = {"config": {f"synapse-dl:{k}": v for k, v in config.items()}}
        path = tmp_path / f"Pulumi.{name}.yaml"
        path.write_text(yaml.safe_dump(document, sort_keys=False))
        return path

    return write


@pytest.fixture(autouse=True)
def _no_price_requests(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Plans in tests ask no price API (as where no network is) and keep no cache outside
    the test: tests/plan/test_plan_cost.py serves the API itself."""
    monkeypatch.setenv("SYNAPSE_DL_PRICES_URL", "none")
    monkeypatch.setenv("SYNAPSE_DL_CACHE", str(tmp_path / "synapse-dl-cache"))
