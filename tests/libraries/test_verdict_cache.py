"""The preflight's verdicts kept a day: keyed by everything that decides them but the index's
content, so a second check of the same pool asks pip nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from synapse_dl.cli import user_cache
from synapse_dl.cli.preflight import check as preflight
from synapse_dl.cli.preflight.check import preflight_pool
from tests.libraries.test_libraries_preflight import pool_35


@pytest.fixture
def resolutions(monkeypatch) -> list[str]:
    """Each requirements text pip was asked to resolve."""
    asked: list[str] = []
    real = preflight.resolve

    def counted(environment, requirements, index_url, cache_dir=None):
        asked.append(requirements.strip())
        return real(environment, requirements, index_url, cache_dir)

    monkeypatch.setattr(preflight, "resolve", counted)
    return asked


def test_the_same_pool_twice_asks_pip_once_and_gets_the_same_verdict(index, resolutions):
    index.add_wheel("demo-lib", "1.0", requires=("helper>=2",), payload_bytes=3000)
    index.add_wheel("helper", "2.1", payload_bytes=5000)
    with index.serve() as url:
        first = preflight_pool(pool_35("demo-lib==1.0"), url)
        again = preflight_pool(pool_35("demo-lib==1.0", name="other"), url)
        preflight_pool(pool_35("helper==2.1"), url)
        fresh = preflight_pool(pool_35("demo-lib==1.0"), url, fresh=True)

    assert resolutions == ["demo-lib==1.0", "helper==2.1", "demo-lib==1.0"]
    assert {**again.to_json(), "pool": "etl"} == first.to_json() == fresh.to_json()
    assert again.pool == "other" and [i.name for i in again.installs] == ["demo-lib", "helper"]
    assert all(i.sha256 for i in again.installs)  # what a lock needs survives the cache


def test_a_verdict_older_than_a_day_or_of_another_key_is_resolved_again(index, resolutions):
    index.add_wheel("demo-lib", "1.0")
    with index.serve() as url:
        preflight_pool(pool_35("demo-lib==1.0"), url)
        [entry] = (user_cache.cache_dir() / "preflight").iterdir()
        stored = json.loads(entry.read_text())
        stored["saved"] = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=25)).isoformat()
        entry.write_text(json.dumps(stored))
        preflight_pool(pool_35("demo-lib==1.0"), url)
        entry.write_text(json.dumps({**stored, "key": "another", "saved": dt.datetime.now(
            dt.UTC).isoformat()}))  # fmt: skip
        preflight_pool(pool_35("demo-lib==1.0"), url)
        entry.write_text("not json")
        preflight_pool(pool_35("demo-lib==1.0"), url)

    assert resolutions == ["demo-lib==1.0"] * 4


def test_another_index_or_runtime_is_another_key(index):
    environment_35 = preflight.runtime_environment(pool_35())
    key = preflight.verdict_key(environment_35, "a==1", "https://one.example/simple")
    assert key != preflight.verdict_key(environment_35, "a==1", "https://two.example/simple")
    assert key != preflight.verdict_key(environment_35, "a==2", "https://one.example/simple")
    gpu = preflight.runtime_environment(pool_35().model_copy(update={"spark_version": "3.4"}))
    assert key != preflight.verdict_key(gpu, "a==1", "https://one.example/simple")


def test_a_cache_that_cannot_be_written_costs_only_time(index, resolutions, monkeypatch, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    monkeypatch.setenv("SYNAPSE_DL_CACHE", str(blocked / "cache"))  # under a file: unwritable
    index.add_wheel("demo-lib", "1.0")
    with index.serve() as url:
        first = preflight_pool(pool_35("demo-lib==1.0"), url)
        again = preflight_pool(pool_35("demo-lib==1.0"), url)
    assert first.ok and again.ok and len(resolutions) == 2
