"""What a pool's new package versions break among the runtime's own packages, as `pip check`
would say on the pool: each runtime package's requirements read with the pool's Python (its
markers), from the runtime's published metadata."""

from __future__ import annotations

from dataclasses import replace

from synapse_dl.cli.preflight.check import PoolVerdict, runtime_conflicts
from synapse_dl.cli.preflight.environment import Package, runtime_environment
from synapse_dl.cli.preflight.resolver import Install
from tests.libraries.test_libraries_preflight import pool_35


def environment(spark_version: str):
    return runtime_environment(pool_35().model_copy(update={"spark_version": spark_version}))


def numpy(version: str) -> list[Install]:
    return [Install("numpy", version, f"https://files.example/numpy-{version}.whl")]


def test_every_runtime_package_a_version_breaks_is_named_with_the_line_it_breaks():
    # pandas lists numpy three times, one line per Python; the pool's 3.11 reads the second.
    # matplotlib's numpy line comes after lines on packages the pool does not change.
    assert runtime_conflicts(environment("3.5"), numpy("1.21.0")) == [
        f"numpy 1.21.0 breaks the runtime's {package}, which requires {requirement}"
        for package, requirement in [
            ("astropy 7.0.0", "numpy>=1.23.2"),
            ("contourpy 1.3.1", "numpy>=1.23"),
            ("interpret-core 0.7.2", "numpy>=1.25"),
            ("matplotlib 3.10.0", "numpy>=1.23"),
            ("mkl-fft 1.3.11", "numpy<1.27.0,>=1.26.4"),
            ("mkl-random 1.2.8", "numpy<1.27.0,>=1.26.4"),
            ("numba 0.61.0", "numpy<2.2,>=1.24"),
            ("numexpr 2.10.1", "numpy>=1.23.0"),
            ("onnx 1.18.0", "numpy>=1.22"),
            ("pandas 2.2.3", 'numpy>=1.23.2; python_version == "3.11"'),
            ("pywavelets 1.8.0", "numpy<3,>=1.23"),
            ("scikit-image 0.25.0", "numpy>=1.24"),
            ("scipy 1.15.1", "numpy<2.5,>=1.23.5"),
            ("statsmodels 0.14.4", "numpy<3,>=1.22.3"),
        ]
    ]


def test_markers_are_read_with_the_pools_python_not_this_machines():
    # Spark 3.4 runs Python 3.10: pandas 1.5.3 and ml-dtypes 0.2.0 ask numpy >= 1.23 only on
    # 3.11 and later, the Python these tests run on.
    assert runtime_conflicts(environment("3.4"), numpy("1.22.0")) == [
        "numpy 1.22.0 breaks the runtime's mkl-fft 1.3.8, which requires numpy<1.27.0,>=1.26.4"
    ]


def test_an_unreadable_requirement_line_is_skipped_and_the_rest_still_checked():
    # The 3.2 runtime's ipykernel metadata has such a line.
    base = environment("3.5")
    broken = Package("legacy", "1.0", ("matplotlib-inline (<0.2.0appnope,>=0.1.0)", "numpy>=1.23"))
    runtime = replace(base, packages={"legacy": broken, "numpy": base.packages["numpy"]})

    assert runtime_conflicts(runtime, numpy("1.21.0")) == [
        "numpy 1.21.0 breaks the runtime's legacy 1.0, which requires numpy>=1.23"
    ]


def test_a_download_size_the_index_did_not_give_is_said_to_be_unknown():
    verdict = PoolVerdict(
        "etl", "3.5", "3.11.11", "numpy==1.26.4", installs=numpy("1.26.4"), download_bytes=None
    )

    assert verdict.outcome() == "OK, downloads 1 packages, size unknown"


def test_a_pre_release_inside_every_range_breaks_nothing():
    # As `pip check` judges an installed version: a pre-release is in a range like any other.
    # 1.26.5rc1 is inside every numpy range of the 3.5 runtime, mkl-fft's >=1.26.4,<1.27 too.
    assert runtime_conflicts(environment("3.5"), numpy("1.26.5rc1")) == []
