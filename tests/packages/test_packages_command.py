"""`synapse-dl packages`: the wheels of each pool whose workspace blocks PyPI, resolved by pip
against a package index served on 127.0.0.1 and locked with their sha256 and size."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from synapse_dl import cli
from synapse_dl.packages.command import EXIT_LOCKED, EXIT_NO_INDEX, EXIT_NOT_LOCKED
from tests.fakes.package_index import PackageIndex, unreachable_index_url


@pytest.fixture
def index(tmp_path: Path) -> PackageIndex:
    return PackageIndex(tmp_path / "index")


@pytest.fixture
def protected_stack(dev_config, write_stack, tmp_path):
    """A project whose one pool (Spark 3.5) needs `helper`, in a workspace that blocks PyPI."""

    def make(*libraries: str) -> tuple[Path, Path]:
        dev_config["workspace"]["network"].update(
            managedVirtualNetwork=True, preventDataExfiltration=True
        )
        dev_config["sparkPools"] = [dev_config["sparkPools"][1]]
        dev_config["sparkPools"][0]["extraLibraries"] = list(libraries)
        dev_config["jobs"] = []
        stack = write_stack(dev_config, name="locked")
        (tmp_path / "Pulumi.yaml").write_text("name: synapse-dl\nruntime: python\n")
        return stack, tmp_path

    return make


def lock(project: Path) -> dict:
    return json.loads((project / "workspace_packages" / "locked.lock.json").read_text())


def test_each_wheel_the_pool_needs_is_locked_with_its_hash_and_size(index, protected_stack, capsys):
    helper = index.add_wheel("helper", "2.1", requires=("extra>=1",))
    extra = index.add_wheel("extra", "1.5")
    stack, project = protected_stack("helper==2.1")

    with index.serve() as url:
        status = cli.main(
            ["packages", "--stack", "locked", "--index-url", url, "--project-dir", str(project)]
        )

    assert status == EXIT_LOCKED, capsys.readouterr()
    pool = lock(project)["pools"]["dataprep"]
    assert (pool["sparkVersion"], pool["requirements"]) == ("3.5", "helper==2.1\n")
    assert [(p["filename"], p["sha256"], p["size"]) for p in pool["packages"]] == [
        (wheel.name, hashlib.sha256(wheel.read_bytes()).hexdigest(), wheel.stat().st_size)
        for wheel in (helper, extra)
    ]
    assert pool["packages"][0]["url"].endswith(f"/files/{helper.name}")


def test_a_pool_that_cannot_install_locks_nothing(index, protected_stack, capsys):
    stack, project = protected_stack("absent==1.0")

    with index.serve() as url:
        status = cli.main(
            ["packages", "--stack", "locked", "--index-url", url, "--project-dir", str(project)]
        )

    assert status == EXIT_NOT_LOCKED
    assert "absent==1.0: not found on the index" in capsys.readouterr().out
    assert not (project / "workspace_packages").exists()


def test_no_index_is_exit_2_and_locks_nothing(protected_stack, capsys):
    stack, project = protected_stack("helper==2.1")

    status = cli.main(
        ["packages", "--stack", "locked", "--index-url", unreachable_index_url(),
         "--project-dir", str(project)]
    )  # fmt: skip

    assert status == EXIT_NO_INDEX
    assert "no package index answers" in capsys.readouterr().err
    assert not (project / "workspace_packages").exists()


def test_a_workspace_that_reaches_pypi_needs_no_lock(dev_config, write_stack, tmp_path, capsys):
    stack = write_stack(dev_config, name="open")

    status = cli.main(["packages", "--stack-file", str(stack), "--index-url", "http://x/simple"])

    assert status == EXIT_LOCKED
    assert "stack open: no pool needs workspace packages" in capsys.readouterr().out
