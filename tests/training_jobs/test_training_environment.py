"""Each training environment is what its launcher's runtime is, where it matters."""

from __future__ import annotations

import importlib.metadata
import importlib.util

import pytest

from training_jobs import local_run


def installed(package: str) -> bool:
    return importlib.util.find_spec(package) is not None


@pytest.mark.environment("spark")
def test_the_spark_environment_matches_the_spark_3_5_runtime_but_for_torch():
    assert local_run.runtime_mismatches("3.5") == []
    # torch is the local CPU build (any other pulls GBs of CUDA); the runtime ships 2.5.1.
    assert importlib.metadata.version("torch").startswith("2.13.0")
    assert importlib.metadata.version("pyspark").startswith("3.5.")


@pytest.mark.environment("spark")
def test_the_spark_environment_has_neither_horovod_nor_petastorm_as_spark_3_5_has_not():
    assert not installed("horovod")
    assert not installed("petastorm")
    assert installed("pyspark.ml.torch.distributor")


@pytest.mark.environment("horovod")
def test_the_horovod_environment_has_horovod_petastorm_and_a_pyarrow_they_accept():
    assert installed("horovod.spark")
    assert installed("petastorm")
    # horovod[spark] requires pyarrow<11 (horovod setup.py).
    assert int(importlib.metadata.version("pyarrow").split(".")[0]) < 11


def test_runtime_mismatches_name_the_package_and_both_versions(monkeypatch):
    versions = {"pyarrow": "10.0.1", "numpy": "1.26.4", "pandas": "2.2.3"}

    def version(package):
        if package not in versions:
            raise importlib.metadata.PackageNotFoundError(package)
        return versions[package]

    monkeypatch.setattr(importlib.metadata, "version", version)
    problems = local_run.runtime_mismatches("3.4")
    assert "pyarrow 10.0.1 (the runtime: 14.0.2)" in problems
    assert "pandas 2.2.3 (the runtime: 1.5.3)" in problems
    assert "tensorflow absent (the runtime: 2.15.0)" in problems
    assert not any(p.startswith("torch") for p in problems)
