"""Spark pool policies: runtime lifecycle, auto-pause, node ceiling, pinned libraries, compute
isolation, and the stack policy on PyPI installs under data-exfiltration protection."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.policies.policy_resources import (
    DROP,
    WS,
    cpu_pool,
    gpu_pool,
    of_policy,
    pool_libraries,
    workspace,
)

LIFECYCLE = "spark-runtime-lifecycle"
AUTO_PAUSE = "spark-pool-auto-pause"
CEILING = "spark-pool-node-ceiling"
PINNED = "pool-libraries-pinned"


def _on(pack, today: str) -> None:
    pack.configure({LIFECYCLE: {"today": today}})


def test_pool_on_a_supported_runtime_passes_lifecycle(pack):
    _on(pack, "2026-11-24")
    assert of_policy(pack.analyze(cpu_pool(sparkVersion="3.5")), LIFECYCLE) == []


def test_pool_on_its_last_day_of_support_passes_lifecycle(pack):
    _on(pack, "2026-03-31")
    assert of_policy(pack.analyze(cpu_pool(sparkVersion="3.4")), LIFECYCLE) == []


def test_pool_past_end_of_support_is_reported_as_advisory(pack):
    _on(pack, "2026-04-01")
    pool = cpu_pool(sparkVersion="3.4")
    assert of_policy(pack.analyze(pool), LIFECYCLE) == [
        {
            "policy": LIFECYCLE,
            "level": "advisory",
            "urn": pool["urn"],
            "message": "Pool 'cpupool' runs Spark 3.4, out of support since 2026-03-31. "
            "Move it to a supported runtime: 3.5 (to 2028-10-31).",
        }
    ]


def test_retired_gpu_runtime_is_reported_when_lifecycle_is_raised_to_mandatory(pack):
    pack.configure({LIFECYCLE: {"today": "2024-07-09", "enforcementLevel": "mandatory"}})
    [violation] = of_policy(pack.analyze(gpu_pool(sparkVersion="3.2")), LIFECYCLE)
    assert violation["level"] == "mandatory"
    assert violation["message"] == (
        "Pool 'gpupool' runs Spark 3.2, out of support since 2024-07-08. Move it to a CPU pool "
        "on a supported runtime, since no supported runtime offers GPU pools: 3.4 (to "
        "2026-03-31), 3.5 (to 2028-10-31)."
    )


def test_pool_on_an_unknown_runtime_is_reported(pack):
    [violation] = of_policy(pack.analyze(cpu_pool(sparkVersion="9.9")), LIFECYCLE)
    assert violation["message"] == (
        "Pool 'cpupool' runs Spark 9.9, which has no known end-of-support date (known "
        "runtimes: 3.1, 3.2, 3.4, 3.5). Use a known runtime."
    )


def test_pool_that_auto_pauses_passes(pack):
    assert of_policy(pack.analyze(gpu_pool(autoPause={"delayInMinutes": 30})), AUTO_PAUSE) == []


def test_pool_without_auto_pause_is_reported(pack):
    pool = cpu_pool(autoPause=DROP)
    assert of_policy(pack.analyze(pool), AUTO_PAUSE) == [
        {
            "policy": AUTO_PAUSE,
            "level": "advisory",
            "urn": pool["urn"],
            "message": "Pool 'cpupool' does not auto-pause, so idle nodes keep billing. "
            "Set autoPause.enabled to true.",
        }
    ]


def test_pool_with_auto_pause_disabled_is_reported(pack):
    pool = cpu_pool(autoPause={"enabled": False})
    assert len(of_policy(pack.analyze(pool), AUTO_PAUSE)) == 1


def test_gpu_pool_pausing_late_is_reported(pack):
    [violation] = of_policy(pack.analyze(gpu_pool(autoPause={"delayInMinutes": 60})), AUTO_PAUSE)
    assert violation["message"] == (
        "GPU pool 'gpupool' auto-pauses after 60 minutes; GPU pools must pause within 30. "
        "Set autoPause.delayInMinutes to 30 or less."
    )


def test_cpu_pool_may_pause_later_than_the_gpu_limit(pack):
    assert of_policy(pack.analyze(cpu_pool(autoPause={"delayInMinutes": 60})), AUTO_PAUSE) == []


def test_gpu_pause_limit_comes_from_config(pack):
    pack.configure({AUTO_PAUSE: {"maxGpuDelayMinutes": 60}})
    assert of_policy(pack.analyze(gpu_pool(autoPause={"delayInMinutes": 60})), AUTO_PAUSE) == []


def test_pool_within_the_node_ceiling_passes(pack):
    pool = cpu_pool(autoScale={"maxNodeCount": 10})
    assert of_policy(pack.analyze(pool), CEILING) == []


def test_pool_scaling_past_the_node_ceiling_is_reported(pack):
    pool = cpu_pool(autoScale={"maxNodeCount": 20})
    assert of_policy(pack.analyze(pool), CEILING) == [
        {
            "policy": CEILING,
            "level": "advisory",
            "urn": pool["urn"],
            "message": "Pool 'cpupool' can grow to 20 nodes, above the limit of 10. Set "
            "autoScale.maxNodeCount (or nodeCount) to 10 or less, or raise maxNodes in this "
            "policy's config.",
        }
    ]


def test_fixed_size_pool_counts_its_node_count(pack):
    pool = cpu_pool(autoScale={"enabled": False, "maxNodeCount": 3}, nodeCount=12)
    [violation] = of_policy(pack.analyze(pool), CEILING)
    assert violation["message"].startswith("Pool 'cpupool' can grow to 12 nodes")


def test_node_ceiling_comes_from_config(pack):
    pack.configure({CEILING: {"maxNodes": 20}})
    assert of_policy(pack.analyze(cpu_pool(autoScale={"maxNodeCount": 20})), CEILING) == []


def test_pool_libraries_pinned_with_double_equals_pass(pack):
    content = (
        "# training libraries\n"
        "--extra-index-url https://example.org/simple\n"
        "petastorm==0.11.3  # reads parquet\n"
        "mlflow[extras]==2.9.2\n"
        "pyarrow==12.0.1 ; python_version >= '3.8'\n"
    )
    assert of_policy(pack.analyze(pool_libraries(content=content)), PINNED) == []


def test_unpinned_pool_libraries_are_reported(pack):
    libraries = pool_libraries(content="numpy\npandas>=1.5\ntorch==1.*\nmlflow==2.9.2\n")
    assert of_policy(pack.analyze(libraries), PINNED) == [
        {
            "policy": PINNED,
            "level": "advisory",
            "urn": libraries["urn"],
            "message": "Pool 'gpupool' installs unpinned libraries: numpy, pandas>=1.5, "
            "torch==1.* (pin each to one version: name==version (pip) or name=version (conda)).",
        }
    ]


def test_requirement_files_and_direct_urls_are_reported_for_what_they_are(pack):
    libraries = pool_libraries(
        content="-r base.txt\n-e git+https://example.org/x.git\n"
        "tool @ https://example.org/tool-1.0-py3-none-any.whl\n"
        "git+https://example.org/y.git\n"
    )
    [violation] = of_policy(pack.analyze(libraries), PINNED)
    assert violation["message"] == (
        "Pool 'gpupool' installs requirement files whose packages it cannot see: -r base.txt "
        "(list the packages themselves, pinned); libraries from direct URLs, which no index or "
        "version stands behind: -e git+https://example.org/x.git, "
        "tool @ https://example.org/tool-1.0-py3-none-any.whl, git+https://example.org/y.git "
        "(install a pinned release from an index, or upload the wheel as a workspace package)."
    )


def test_lines_pip_would_refuse_are_reported_as_not_requirements(pack):
    libraries = pool_libraries(content="numpy===\npandas==\nscipy==1.7.3\n")
    [violation] = of_policy(pack.analyze(libraries), PINNED)
    assert violation["message"] == (
        "Pool 'gpupool' installs lines that are not requirements: numpy===, pandas== (fix "
        "them: pip refuses them, and the pool's library installation fails)."
    )


def test_pools_own_library_requirements_are_checked_too(pack):
    pool = cpu_pool(libraryRequirements={"content": "scipy\n", "filename": "requirements.txt"})
    [violation] = of_policy(pack.analyze(pool), PINNED)
    assert violation["message"].startswith("Pool 'cpupool' installs unpinned libraries: scipy (")


def test_conda_environment_pins_with_single_equals(pack):
    environment = (
        "name: training\n"
        "channels:\n"
        "  - conda-forge\n"
        "dependencies:\n"
        "  - numpy=1.21.6\n"
        "  - conda-forge::scipy=1.7.3=py38h\n"
        "  - pandas\n"
        "  - pip:\n"
        "    - petastorm==0.11.3\n"
        "    - mlflow\n"
    )
    libraries = pool_libraries(
        libraryRequirements={"content": environment, "filename": "environment.yml"}
    )
    [violation] = of_policy(pack.analyze(libraries), PINNED)
    assert violation["message"].startswith(
        "Pool 'gpupool' installs unpinned libraries: pandas, mlflow ("
    )


CONDA_ENVIRONMENT = (
    "name: training\n"
    "dependencies:\n"
    "  - scipy\n"  # conda, before the pip block
    "  - pip:\n"
    "    - petastorm==0.11.3\n"
    "    - git+https://example.org/y.git\n"  # pip reads it as a direct URL
    "\n"
    "  # conda again: the pip block ended with its indentation\n"
    "  - numpy=1.21.6\n"
    "  - pandas\n"
    "channels:\n"
    "  - conda-forge-nightly\n"  # a channel, not a package
)


@pytest.mark.parametrize("filename", ["environment.yml", "ENV.YAML", None])
def test_conda_environments_are_read_block_by_block(pack, filename):
    # Without a filename, a `dependencies:` line tells a conda environment.
    requirements = {"content": CONDA_ENVIRONMENT, "filename": filename or DROP}
    [violation] = of_policy(pack.analyze(pool_libraries(libraryRequirements=requirements)), PINNED)
    assert violation["message"] == (
        "Pool 'gpupool' installs unpinned libraries: scipy, pandas (pin each to one version: "
        "name==version (pip) or name=version (conda)); libraries from direct URLs, which no "
        "index or version stands behind: git+https://example.org/y.git (install a pinned "
        "release from an index, or upload the wheel as a workspace package)."
    )


def test_a_dependency_list_at_column_0_is_read_as_indented_ones_are(pack):
    # Valid YAML, and common in hand-written environment.yml files.
    environment = CONDA_ENVIRONMENT.replace("\n  ", "\n").replace("\n    -", "\n  -")
    assert "\n- pip:\n  - petastorm==0.11.3\n" in environment
    requirements = {"content": environment, "filename": "environment.yml"}
    [violation] = of_policy(pack.analyze(pool_libraries(libraryRequirements=requirements)), PINNED)
    assert violation["message"].startswith(
        "Pool 'gpupool' installs unpinned libraries: scipy, pandas (pin each to one version: "
    )
    assert (
        "direct URLs, which no index or version stands behind: git+https://"
        in (violation["message"])
    )


def test_a_pip_item_indented_deeper_than_it_is_long_is_still_in_the_pip_block(pack):
    # Ten spaces before a five-character item: indentation is counted, not guessed. Read as
    # pip, `./a` is a path (a direct URL); read as conda, it would be an unpinned package.
    environment = "dependencies:\n  - pip:\n" + " " * 10 + "- ./a\n"
    requirements = {"content": environment, "filename": "environment.yml"}
    [violation] = of_policy(pack.analyze(pool_libraries(libraryRequirements=requirements)), PINNED)
    assert violation["message"].startswith(
        "Pool 'gpupool' installs libraries from direct URLs, which no index or version stands "
        "behind: ./a ("
    )


@pytest.mark.parametrize(
    "other_type", ["azure-native:compute:VirtualMachine", "azure-native:synapse:SparkConfiguration"]
)
def test_only_synapse_pools_are_judged_as_pools(pack, other_type):
    # Everything a pool policy reports, on a resource that is not a pool: none of it applies.
    failing = gpu_pool(
        sparkVersion="3.1", autoPause={"enabled": False}, autoScale={"maxNodeCount": 500}
    )
    assert pack.analyze({**failing, "type": other_type}) == []


def test_list_items_under_a_later_top_level_key_are_not_dependencies(pack):
    # conda-lock reads `platforms:` from environment.yml; its items are not packages.
    environment = "dependencies:\n  - numpy=1.21.6\nplatforms:\n  - linux-64\n"
    requirements = {"content": environment, "filename": "environment.yml"}
    assert of_policy(pack.analyze(pool_libraries(libraryRequirements=requirements)), PINNED) == []


def test_a_requirements_txt_is_read_as_pip_even_with_a_dependencies_line(pack):
    requirements = {"content": "dependencies:\nnumpy==1.26.4\n", "filename": "requirements.txt"}
    [violation] = of_policy(pack.analyze(pool_libraries(libraryRequirements=requirements)), PINNED)
    assert violation["message"].startswith(
        "Pool 'gpupool' installs lines that are not requirements: dependencies: ("
    )


# PEP 508 names: letters, digits, '.', '_', '-', starting and ending with a letter or digit.
_names = st.from_regex(r"[a-z]([a-z0-9._-]{0,14}[a-z0-9])?", fullmatch=True)
_versions = st.from_regex(r"[0-9]{1,2}\.[0-9]{1,2}(\.[0-9]{1,2})?", fullmatch=True)


@settings(max_examples=30, deadline=None)
@given(name=_names, version=_versions)
def test_any_exact_pin_passes_and_any_range_is_reported(pack_session, name, version):
    pack_session.configure()
    pinned = pool_libraries(content=f"{name}=={version}\n")
    assert of_policy(pack_session.analyze(pinned), PINNED) == []
    ranged = pool_libraries(content=f"{name}>={version}\n")
    assert len(of_policy(pack_session.analyze(ranged), PINNED)) == 1


@pytest.mark.parametrize("today", ["2024-03-01", "2024-07-08"])
def test_a_gpu_pool_on_31_is_sent_to_32_while_32_still_has_its_last_day(pack, today):
    # Up to 3.2's last day a GPU runtime is still supported: moving the runtime is enough.
    _on(pack, today)
    [violation] = of_policy(pack.analyze(gpu_pool(sparkVersion="3.1")), LIFECYCLE)
    assert violation["message"] == (
        "Pool 'gpupool' runs Spark 3.1, out of support since 2024-01-26. Move it to a supported "
        "runtime: 3.2 (to 2024-07-08), 3.4 (to 2026-03-31), 3.5 (to 2028-10-31)."
    )


# --- isolated compute (advisory), where the node size offers it ---

ISOLATION = "spark-pool-compute-isolation"


def test_an_xxxlarge_pool_without_isolated_compute_is_advised_to_turn_it_on(pack):
    pool = cpu_pool("big", nodeSize="XXXLarge")

    [violation] = of_policy(pack.analyze(pool), ISOLATION)

    assert violation["level"] == "advisory"
    assert violation["message"] == (
        "Spark pool 'big' runs XXXLarge nodes, which can be isolated to a single customer, but "
        "isolation is off. Set isComputeIsolationEnabled to true."
    )


def test_isolation_is_on_only_when_set_to_true_not_to_a_number(pack):
    pool = cpu_pool("big", nodeSize="XXXLarge", isComputeIsolationEnabled=1)
    assert len(of_policy(pack.analyze(pool), ISOLATION)) == 1


def test_an_isolated_xxxlarge_pool_passes(pack):
    pool = cpu_pool("big", nodeSize="XXXLarge", isComputeIsolationEnabled=True)
    assert of_policy(pack.analyze(pool), ISOLATION) == []


def test_isolated_compute_outside_its_regions_is_named(pack):
    pool = cpu_pool("big", nodeSize="XXXLarge", location="West Europe")
    isolated = cpu_pool(
        "big", nodeSize="XXXLarge", location="West Europe", isComputeIsolationEnabled=True
    )
    [violation] = of_policy(pack.analyze(isolated), ISOLATION)
    assert violation["message"] == (
        "Spark pool 'big' asks for isolated compute in 'West Europe', but isolated compute "
        "exists only in eastus, westus2, southcentralus, usgovarizona, usgovvirginia. Turn it "
        "off or move the workspace."
    )
    # Where isolation does not exist, it is not advised either.
    assert of_policy(pack.analyze(pool), ISOLATION) == []


@pytest.mark.parametrize("region", ["eastus", "West US 2", "usgovvirginia"])
def test_isolated_compute_in_its_regions_passes(pack, region):
    pool = cpu_pool("big", nodeSize="XXXLarge", location=region, isComputeIsolationEnabled=True)
    assert of_policy(pack.analyze(pool), ISOLATION) == []


@pytest.mark.parametrize(
    # Types that sort before and after a pool's: only a pool is judged.
    "other_type",
    ["azure-native:compute:VirtualMachine", "azure-native:synapse:SparkConfiguration"],
)
def test_only_pools_are_judged_for_isolation(pack, other_type):
    pool = cpu_pool("big", nodeSize="XXXLarge")
    assert of_policy(pack.analyze({**pool, "type": other_type}), ISOLATION) == []


@pytest.mark.parametrize("size", ["Small", "Medium", "Large", "XLarge", "XXLarge"])
def test_node_sizes_that_cannot_be_isolated_are_not_judged(pack, size):
    assert of_policy(pack.analyze(cpu_pool(nodeSize=size)), ISOLATION) == []
    assert of_policy(pack.analyze(gpu_pool()), ISOLATION) == []


# --- no PyPI or conda where data-exfiltration protection blocks them (stack policy,
# mandatory) ---

PYPI = "exfiltration-protected-pools-skip-pypi"


def test_protected_workspace_without_pool_libraries_passes(pack):
    assert of_policy(pack.analyze_stack([workspace(), gpu_pool()]), PYPI) == []


def test_unprotected_workspace_may_install_from_pypi(pack):
    ws = workspace(managedVirtualNetworkSettings={"preventDataExfiltration": False})
    assert of_policy(pack.analyze_stack([ws, gpu_pool(), pool_libraries()]), PYPI) == []


def test_protected_workspace_installing_from_pypi_is_rejected(pack):
    libraries = pool_libraries()
    assert of_policy(pack.analyze_stack([workspace(), gpu_pool(), libraries]), PYPI) == [
        {
            "policy": PYPI,
            "level": "mandatory",
            "urn": libraries["urn"],
            "message": "Pool 'gpupool' installs libraries from public repositories "
            f"(petastorm==0.11.3, mlflow==2.9.2), but workspace '{WS}' has data-exfiltration "
            "protection, which blocks PyPI and conda. Upload them as workspace packages, or turn "
            "off managedVirtualNetworkSettings.preventDataExfiltration.",
        }
    ]


def test_protected_workspace_pool_with_its_own_library_requirements_is_rejected(pack):
    pool = cpu_pool(
        libraryRequirements={"content": "scipy==1.7.3\n", "filename": "requirements.txt"}
    )
    [violation] = of_policy(pack.analyze_stack([workspace(), pool]), PYPI)
    assert violation["urn"] == pool["urn"]
    assert violation["message"].startswith(
        "Pool 'cpupool' installs libraries from public repositories (scipy==1.7.3)"
    )
