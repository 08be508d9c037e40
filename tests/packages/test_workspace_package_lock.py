"""The workspace-package lock: names, reading, and its check against the stack's pools, through
the real program (a copy of the project, so a test's lock never lands in the repository)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from synapse_dl.config.errors import ConfigError
from synapse_dl.engine.offline_runtime import Plan, RecordingMonitor, plan_stack
from synapse_dl.package_lock import (
    LockedPackage,
    PoolLock,
    read_lock,
    workspace_package_name,
    write_lock,
)
from tests.conftest import ROOT

PACKAGE = "pulumi-python:dynamic/synapse:WorkspacePackage"
LIBRARIES = "pulumi-python:dynamic/synapse:PoolLibraries"
SHA = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"


def test_a_package_is_named_by_its_wheel_with_the_content_hash_as_build_tag():
    assert workspace_package_name("helper-2.1-py3-none-any.whl", SHA) == (
        "helper-2.1-00a1b2c3d4e5f-py3-none-any.whl"
    )
    # A build tag of its own gives way to the hash.
    assert workspace_package_name("helper-2.1-7-py3-none-any.whl", SHA) == (
        "helper-2.1-00a1b2c3d4e5f-py3-none-any.whl"
    )


def test_a_name_over_100_characters_keeps_the_first_tag_of_each_compressed_set():
    filename = (
        "tensorflow_io_gcs_filesystem-0.37.1-cp311-cp311-"
        "manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
    )
    assert workspace_package_name(filename, SHA) == (
        "tensorflow_io_gcs_filesystem-0.37.1-00a1b2c3d4e5f-cp311-cp311-manylinux_2_17_x86_64.whl"
    )


def test_a_lock_reads_back_as_written(tmp_path):
    path = tmp_path / "lock.json"
    wheel = LockedPackage("helper-2.1-py3-none-any.whl", "https://x/helper.whl", SHA, 10)
    pools = {"etl": PoolLock("3.5", "helper==2.1\n", (wheel,))}

    write_lock(path, "test", pools)

    assert read_lock(path) == pools


def test_a_lock_that_is_not_one_is_an_error_naming_the_file(tmp_path):
    path = tmp_path / "lock.json"
    path.write_text('{"pools": {"etl": {"sparkVersion": "3.5"}}}')

    with pytest.raises(ConfigError, match=f"{path}: not a workspace-package lock"):
        read_lock(path)


# --- through the program ---


@pytest.fixture
def project(tmp_path) -> Path:
    """The project's program and jobs, in a folder of its own."""
    folder = tmp_path / "project"
    folder.mkdir()
    for name in ("__main__.py", "Pulumi.yaml"):
        shutil.copy(ROOT / name, folder / name)
    (folder / "training_jobs").symlink_to(ROOT / "training_jobs")
    return folder


def _protected_stack(dev_config, write_stack, libraries: list[str]) -> Path:
    network = dev_config["workspace"]["network"]
    network.update(managedVirtualNetwork=True, preventDataExfiltration=True)
    dev_config["sparkPools"] = [dev_config["sparkPools"][1]]  # the 3.5 pool
    dev_config["sparkPools"][0]["extraLibraries"] = libraries
    dev_config["jobs"] = []
    return write_stack(dev_config)


def _lock(project: Path, requirements: str) -> LockedPackage:
    wheel = LockedPackage("helper-2.1-py3-none-any.whl", "https://x/helper.whl", SHA, 10)
    pools = {"dataprep": PoolLock("3.5", requirements, (wheel,))}
    write_lock(project / "workspace_packages" / "test.lock.json", "test", pools)
    return wheel


def test_a_protected_workspace_ships_the_locked_wheels_as_workspace_packages(
    project, dev_config, write_stack
):
    stack = _protected_stack(dev_config, write_stack, ["helper==2.1"])
    wheel = _lock(project, "helper==2.1\n")

    plan: Plan = plan_stack(stack, program_dir=project)

    package = plan.one(PACKAGE, "dataprep-package-helper")
    assert package.inputs["name"] == wheel.workspace_name
    assert (package.inputs["sha256"], package.inputs["source"]) == (SHA, wheel.url)
    # Where the provider uploads it: the pool's workspace's data plane.
    assert (package.inputs["workspaceName"], package.inputs["endpoint"]) == (
        "synw-dl-dev-001",
        "https://synw-dl-dev-001.dev.azuresynapse.net",
    )
    assert package.parent == plan.one("synapse-dl:index:SparkPool", "dataprep").urn
    libraries = plan.one(LIBRARIES, "dataprep-libraries")
    assert libraries.inputs.get("libraryRequirements") is None
    # The pool's LibraryInfo entry (bigDataPool.json), as the plan shows it: the provider
    # reads the path and container back from the service at deploy.
    assert libraries.inputs["customLibraries"] == [
        {
            "name": wheel.workspace_name,
            "path": f"synw-dl-dev-001/libraries/{wheel.workspace_name}",
            "containerName": "prep",
            "type": "whl",
        }
    ]
    assert package.urn in libraries.dependencies
    pool = plan.one("azure-native:synapse:BigDataPool", "dataprep")
    assert "customLibraries" in pool.ignore_changes


def test_a_protected_workspace_without_a_lock_fails_naming_the_command(
    project, dev_config, write_stack
):
    stack = _protected_stack(dev_config, write_stack, ["helper==2.1"])
    monitor = RecordingMonitor()

    with pytest.raises(ConfigError) as raised:
        plan_stack(stack, program_dir=project, monitor=monitor)

    assert "sparkPools[0] (dataprep): the workspace blocks PyPI" in str(raised.value)
    assert "which has no entry for it: run `make packages STACK=test`" in str(raised.value)
    assert monitor.planned == []


def test_a_lock_made_for_other_libraries_fails_the_same_way(project, dev_config, write_stack):
    stack = _protected_stack(dev_config, write_stack, ["helper==2.2"])
    _lock(project, "helper==2.1\n")

    with pytest.raises(
        ConfigError, match="which was made for other libraries or another runtime: run `make"
    ):
        plan_stack(stack, program_dir=project)


def test_a_workspace_that_reaches_pypi_installs_from_it_and_needs_no_lock(
    project, dev_config, write_stack
):
    dev_config["sparkPools"][1]["extraLibraries"] = ["helper==2.1"]

    plan = plan_stack(write_stack(dev_config), program_dir=project)

    assert plan.by_type(PACKAGE) == []
    libraries = plan.one(LIBRARIES, "dataprep-libraries")
    assert libraries.inputs["libraryRequirements"]["content"] == "helper==2.1\n"


def test_the_cpu_stack_deploys_tensorflow_from_its_committed_lock():
    lock = json.loads((ROOT / "workspace_packages" / "cpu.lock.json").read_text())
    locked = read_lock(ROOT / "workspace_packages" / "cpu.lock.json")["cpumedium"].packages

    plan = plan_stack(ROOT / "Pulumi.cpu.yaml")

    packages = plan.by_type(PACKAGE)
    assert sorted(p.inputs["name"] for p in packages) == sorted(w.workspace_name for w in locked)
    assert "tensorflow-2.19.1-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl" in [
        p["filename"] for p in lock["pools"]["cpumedium"]["packages"]
    ]
    libraries = plan.one(LIBRARIES, "cpumedium-libraries")
    assert libraries.inputs.get("libraryRequirements") is None
    assert len(libraries.inputs["customLibraries"]) == len(locked)
    job = plan.one(
        "pulumi-python:dynamic/synapse:SparkJobDefinition", "tensorflow_digits-definition"
    )
    assert libraries.urn in job.dependencies
    assert plan.outputs["poolRequirements"] == {"cpumedium": ""}
