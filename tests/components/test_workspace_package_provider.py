"""The workspace-package provider against the local Synapse data plane: a wheel from the
project or from the index, checked against its hash, uploaded once."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from synapse_dl.providers import workspace_package
from synapse_dl.providers.workspace_package import PackageSourceError, WorkspacePackageProvider
from tests.fakes.credentials import FakeCredential
from tests.fakes.package_index import (
    PackageIndex,
    file_url,
    silent_index_url,
    unreachable_index_url,
)
from tests.fakes.synapse_server import FakeSynapse

NAME = "helper-2.1-0a1b2c3d4e5f6-py3-none-any.whl"


def props(synapse: FakeSynapse, source: Path | str, sha256: str) -> dict:
    return {
        "workspaceName": "synw-dl",
        "endpoint": synapse.base_url,
        "name": NAME,
        "sha256": sha256,
        "source": str(source),
        "customLibrary": None,
    }


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def wheel(tmp_path: Path) -> Path:
    return PackageIndex(tmp_path / "index").add_wheel("helper", "2.1", payload_bytes=5 * 2**20)


def test_create_uploads_the_projects_wheel_and_outputs_its_pool_entry(synapse, wheel):
    result = WorkspacePackageProvider(FakeCredential).create(props(synapse, wheel, sha(wheel)))

    assert result.id == f"{synapse.base_url}/libraries/{NAME}"
    assert result.outs["customLibrary"] == {
        "name": NAME,
        "path": f"synw-test/libraries/{NAME}",
        "containerName": "prep",
        "type": "whl",
    }
    assert bytes(synapse.packages.libraries[NAME].content) == wheel.read_bytes()


def test_create_downloads_a_locked_wheel_from_the_index(synapse, tmp_path):
    index = PackageIndex(tmp_path / "index")
    wheel = index.add_wheel("helper", "2.1")
    with index.serve() as url:
        source = file_url(url, wheel)
        WorkspacePackageProvider(FakeCredential).create(props(synapse, source, sha(wheel)))

    assert bytes(synapse.packages.libraries[NAME].content) == wheel.read_bytes()


def test_a_wheel_that_is_not_the_one_locked_is_never_uploaded(synapse, wheel):
    with pytest.raises(PackageSourceError) as raised:
        WorkspacePackageProvider(FakeCredential).create(props(synapse, wheel, "00" * 32))

    assert str(raised.value) == (
        f"{wheel} has sha256 {sha(wheel)}, not the {'00' * 32} it was planned with; "
        "lock the packages again (make packages)"
    )
    assert synapse.requests == []


def test_a_wheel_that_cannot_be_downloaded_says_from_where(synapse):
    source = unreachable_index_url().replace("/simple", "/files/helper-2.1-py3-none-any.whl")

    with pytest.raises(PackageSourceError) as raised:
        WorkspacePackageProvider(FakeCredential).create(props(synapse, source, "00" * 32))

    assert str(raised.value).startswith(f"could not download {source}: ")
    assert synapse.requests == []


def test_a_download_that_hangs_is_given_up_after_the_timeout(synapse, monkeypatch):
    monkeypatch.setattr(workspace_package, "DOWNLOAD_TIMEOUT_S", 0.5)
    with silent_index_url() as url:
        source = url.replace("/simple", "/files/helper-2.1-py3-none-any.whl")

        with pytest.raises(PackageSourceError) as raised:
            WorkspacePackageProvider(FakeCredential).create(props(synapse, source, "00" * 32))

    assert str(raised.value) == f"could not download {source}: timed out"
    assert synapse.requests == []


def test_a_missing_wheel_file_is_a_clear_error(synapse, tmp_path):
    missing = tmp_path / "gone.whl"
    with pytest.raises(PackageSourceError, match=f"workspace package file {missing} does not"):
        WorkspacePackageProvider(FakeCredential).create(props(synapse, missing, "00" * 32))


def test_the_same_bytes_from_another_place_are_no_change(synapse, wheel):
    digest = sha(wheel)
    diff = WorkspacePackageProvider(FakeCredential).diff(
        "id", props(synapse, wheel, digest), props(synapse, "https://mirror/x.whl", digest)
    )
    assert diff.changes is False


def test_changed_bytes_replace_the_package(synapse, wheel):
    diff = WorkspacePackageProvider(FakeCredential).diff(
        "id", props(synapse, wheel, "aa" * 32), props(synapse, wheel, "bb" * 32)
    )
    assert diff.replaces == ["sha256"]


def test_read_reports_a_deleted_package_as_gone(synapse, wheel):
    provider = WorkspacePackageProvider(FakeCredential)
    created = provider.create(props(synapse, wheel, sha(wheel)))
    assert provider.read(created.id, created.outs).id == created.id
    synapse.packages.libraries.clear()

    assert provider.read(created.id, created.outs).id == ""


def test_delete_removes_the_package_and_a_missing_one_is_fine(synapse, wheel):
    provider = WorkspacePackageProvider(FakeCredential)
    created = provider.create(props(synapse, wheel, sha(wheel)))

    provider.delete(created.id, created.outs)
    provider.delete(created.id, created.outs)

    assert NAME not in synapse.packages.libraries


def test_read_reports_the_pool_entry_the_service_holds(synapse, wheel):
    provider = WorkspacePackageProvider(FakeCredential)
    created = provider.create(props(synapse, wheel, sha(wheel)))

    result = provider.read(created.id, props(synapse, wheel, sha(wheel)))

    assert result.outs == {**props(synapse, wheel, sha(wheel)), "customLibrary": {
        "name": NAME,
        "path": f"synw-test/libraries/{NAME}",
        "containerName": "prep",
        "type": "whl",
    }}  # fmt: skip


def test_read_of_a_gone_package_has_no_outputs(synapse, wheel):
    result = WorkspacePackageProvider(FakeCredential).read("id", props(synapse, wheel, sha(wheel)))

    assert (result.id, result.outs) == ("", {})
