"""Pool libraries: the runtime's deep-learning pins, merged with a pool's extras."""

from __future__ import annotations

import datetime as dt

import pytest

from synapse_dl.config.errors import ConfigError
from synapse_dl.config.libraries import render_requirements
from synapse_dl.config.lifecycle import lifecycle_warnings
from synapse_dl.config.loading import parse_stack_config
from synapse_dl.facts.runtimes import LAUNCHERS, RUNTIMES


def gpu_pool(dev_config, **changes):
    dev_config["sparkPools"][0].update(changes)
    return parse_stack_config(dev_config).spark_pools[0]


def test_a_spark_32_gpu_pool_gets_the_runtimes_deep_learning_pins(dev_config):
    assert render_requirements(gpu_pool(dev_config)) == (
        "torch==1.11.0\ntensorflow==2.8.0\nhorovod==0.24.3\npetastorm==0.11.3\n"
    )


def test_a_spark_31_gpu_pool_gets_that_runtimes_pins(dev_config):
    assert render_requirements(gpu_pool(dev_config, sparkVersion="3.1")) == (
        "torch==1.8.1\ntensorflow==2.4.1\npetastorm==0.11.3\n"
    )


def test_extra_libraries_follow_the_runtime_pins(dev_config):
    pool = gpu_pool(dev_config, extraLibraries=["scikit-learn==1.0.2", "mlflow==2.3.0"])

    assert render_requirements(pool).splitlines()[-2:] == ["scikit-learn==1.0.2", "mlflow==2.3.0"]


def test_an_extra_that_agrees_with_a_runtime_pin_keeps_the_exact_pin_once(dev_config):
    pool = gpu_pool(dev_config, extraLibraries=["torch>=1.10"])

    assert render_requirements(pool).count("torch") == 1
    assert "torch==1.11.0\n" in render_requirements(pool)


def test_a_conflicting_pin_is_a_config_error_naming_both_pins(dev_config):
    dev_config["sparkPools"][0]["extraLibraries"] = ["torch==2.1"]

    with pytest.raises(ConfigError) as caught:
        parse_stack_config(dev_config)

    assert caught.value.problems == [
        "synapse-dl:sparkPools[0].extraLibraries[0] = 'torch==2.1': conflicts with "
        "'torch==1.11.0', which the Spark 3.2 GPU runtime ships; drop the line or set "
        "deepLearningLibraries: false"
    ]


def test_names_compare_as_pip_does(dev_config):
    dev_config["sparkPools"][0]["extraLibraries"] = ["TensorFlow==2.9.0"]

    with pytest.raises(ConfigError, match="conflicts with 'tensorflow==2.8.0'"):
        parse_stack_config(dev_config)


def test_an_unparsable_extra_library_is_rejected(dev_config):
    dev_config["sparkPools"][0]["extraLibraries"] = ["torch=="]

    with pytest.raises(
        ConfigError, match=r"extraLibraries\[0\] = 'torch==': not a pip requirement"
    ):
        parse_stack_config(dev_config)


def test_a_cpu_pool_installs_nothing_unless_asked(dev_config):
    assert render_requirements(parse_stack_config(dev_config).spark_pools[1]) == ""


def test_deep_learning_libraries_on_a_runtime_without_a_set_is_rejected(dev_config):
    dev_config["sparkPools"][1]["deepLearningLibraries"] = True

    with pytest.raises(ConfigError) as caught:
        parse_stack_config(dev_config)

    assert caught.value.problems == [
        "synapse-dl:sparkPools[1].deepLearningLibraries = true: Spark 3.5 has no deep-learning "
        "library set; list the libraries in extraLibraries instead"
    ]


def test_the_runtime_catalog_holds_the_documented_facts():
    assert RUNTIMES["3.2"].deep_learning == {
        "torch": "1.11.0",
        "tensorflow": "2.8.0",
        "horovod": "0.24.3",
        "petastorm": "0.11.3",
    }
    assert {v: r.end_of_support.isoformat() for v, r in RUNTIMES.items()} == {
        "3.1": "2024-01-26",
        "3.2": "2024-07-08",
        "3.4": "2026-03-31",
        "3.5": "2028-10-31",
    }
    assert [v for v, r in RUNTIMES.items() if r.supports_gpu] == ["3.1", "3.2"]
    assert RUNTIMES["3.2"].gpu_regions == ("eastus", "australiaeast", "northeurope")
    assert {v: r.python for v, r in RUNTIMES.items()} == {
        "3.1": "3.8",
        "3.2": "3.8",
        "3.4": "3.10.13",
        "3.5": "3.11.11",
    }
    assert {v: r.python_minor for v, r in RUNTIMES.items()} == {
        "3.1": "3.8",
        "3.2": "3.8",
        "3.4": "3.10",
        "3.5": "3.11",
    }


def test_the_runtimes_that_exist_today_ship_their_published_training_packages():
    # microsoft/synapse-spark-runtime Synapse-Python311-CPU.yml and Synapse-Python310-CPU.yml.
    assert RUNTIMES["3.5"].preinstalled == {
        "pyarrow": "19.0.0",
        "numpy": "1.26.4",
        "pandas": "2.2.3",
        "torch": "2.5.1",
        "mlflow-skinny": "2.18.0",
        "matplotlib": "3.10.0",
    }
    assert RUNTIMES["3.4"].preinstalled == {
        "pyarrow": "14.0.2",
        "numpy": "1.23.5",
        "pandas": "1.5.3",
        "torch": "2.0.1",
        "tensorflow": "2.15.0",
        "mlflow-skinny": "2.9.2",
        "matplotlib": "3.8.2",
    }
    # The merged 3.2 component list says nothing reliable of one environment.
    assert RUNTIMES["3.2"].preinstalled == RUNTIMES["3.1"].preinstalled == {}


def test_horovod_runs_only_on_the_gpu_runtimes_and_the_spark_launcher_from_spark_3_4():
    assert {v: r.launchers for v, r in RUNTIMES.items()} == {
        "3.1": ("horovod",),
        "3.2": ("horovod",),
        "3.4": ("spark",),
        "3.5": ("spark",),
    }
    assert {v: r.default_launcher for v, r in RUNTIMES.items()} == {
        "3.1": "horovod",
        "3.2": "horovod",
        "3.4": "spark",
        "3.5": "spark",
    }
    assert all(set(r.launchers) <= set(LAUNCHERS) for r in RUNTIMES.values())


def test_lifecycle_warns_per_pool_past_end_of_support(dev_config):
    pools = parse_stack_config(dev_config).spark_pools

    assert lifecycle_warnings(pools, today=dt.date(2024, 7, 8)) == []
    assert lifecycle_warnings(pools, today=dt.date(2024, 7, 9)) == [
        "pool 'gpularge': Spark 3.2 is past end of support (2024-07-08): Spark 3.2 and GPU "
        "pools were retired and disabled on 2024-07-08"
    ]
    assert len(lifecycle_warnings(pools, today=dt.date(2028, 11, 1))) == 2
