"""Workspace package uploads against a local server that answers like the Synapse data plane
(tests/fakes/synapse_libraries.py): chunks, the append-position condition, retries, flush,
delete, and the refusals a deploy meets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from synapse_dl.clients.synapse import SynapsePermissionError
from synapse_dl.clients.workspace_packages import (
    CHUNK_BYTES,
    PackageUploadError,
    WorkspacePackages,
)
from tests.fakes.credentials import FakeCredential
from tests.fakes.synapse_server import FakeSynapse

NAME = "helper-2.1-0a1b2c3d4e5f6-py3-none-any.whl"


@pytest.fixture
def wheel(tmp_path: Path) -> Path:
    """9 MiB and a bit of bytes that are not all alike, so a misplaced chunk shows."""
    path = tmp_path / NAME
    path.write_bytes(os.urandom(9 * 2**20 + 12345))
    return path


def packages(synapse: FakeSynapse) -> WorkspacePackages:
    return WorkspacePackages(synapse.base_url, FakeCredential())


def appends(synapse: FakeSynapse) -> list[str]:
    return [p for m, p in synapse.requests if m == "PUT" and p == f"/libraries/{NAME}"][1:]


def test_a_9_mib_wheel_goes_up_in_4_mib_chunks_and_is_flushed(synapse: FakeSynapse, wheel):
    uploaded = packages(synapse).upload(NAME, wheel)

    library = synapse.packages.libraries[NAME]
    assert bytes(library.content) == wheel.read_bytes()
    assert library.appends == 3  # 4 + 4 + 1 MiB
    assert library.flushed
    assert uploaded.complete
    assert uploaded.custom_library() == {
        "name": NAME,
        "path": f"synw-test/libraries/{NAME}",
        "containerName": "prep",
        "type": "whl",
    }
    assert synapse.calls("POST") == [f"/libraries/{NAME}/flush"]
    assert synapse.authorizations == {"Bearer fake-token-for:https://dev.azuresynapse.net/.default"}


def test_a_package_the_workspace_has_complete_is_not_uploaded_again(synapse: FakeSynapse, wheel):
    packages(synapse).upload(NAME, wheel)
    writes = len(synapse.calls("PUT")) + len(synapse.calls("POST"))

    again = packages(synapse).upload(NAME, wheel)

    assert again.complete
    assert len(synapse.calls("PUT")) + len(synapse.calls("POST")) == writes
    assert synapse.packages.libraries[NAME].appends == 3


def test_a_half_finished_upload_of_the_name_is_deleted_before_uploading_again(
    synapse: FakeSynapse, wheel
):
    synapse.packages.fail_next_flush = {"code": "LibraryFlushFailed", "message": "disk full"}
    with pytest.raises(PackageUploadError):
        packages(synapse).upload(NAME, wheel)
    assert not synapse.packages.libraries[NAME].flushed

    packages(synapse).upload(NAME, wheel)

    assert synapse.calls("DELETE") == [f"/libraries/{NAME}"]
    library = synapse.packages.libraries[NAME]
    assert library.flushed and bytes(library.content) == wheel.read_bytes()


@pytest.mark.parametrize("status", [429, 500, 503])
def test_refused_calls_are_retried_by_azure_cores_retry_policy(synapse: FakeSynapse, wheel, status):
    headers = {"Retry-After": "0"} if status == 429 else None
    for method in ("GET", "PUT", "POST"):
        synapse.fail(method, status, headers)

    packages(synapse).upload(NAME, wheel)

    library = synapse.packages.libraries[NAME]
    assert library.flushed and bytes(library.content) == wheel.read_bytes()


def test_a_chunk_whose_answer_was_lost_is_not_appended_twice(synapse: FakeSynapse, wheel):
    # The second chunk lands, but its answer is a 500: azure-core sends it again, and the
    # append position (4 MiB) no longer matches, so the service refuses it 412.
    synapse.packages.after_append.extend([201, 500])
    synapse.packages.after_append.popleft()  # the first chunk is answered normally

    packages(synapse).upload(NAME, wheel)

    library = synapse.packages.libraries[NAME]
    assert bytes(library.content) == wheel.read_bytes()
    assert library.appends == 3
    assert len(appends(synapse)) == 4  # one chunk sent twice, appended once


def test_a_chunk_refused_at_its_first_try_is_another_writer_and_an_error(
    synapse: FakeSynapse, wheel
):
    synapse.packages.interloper = b"someone else's bytes"

    with pytest.raises(PackageUploadError, match="another client is writing workspace package"):
        packages(synapse).upload(NAME, wheel)
    assert not synapse.packages.libraries[NAME].flushed


def test_a_failed_flush_is_surfaced_with_the_services_message(synapse: FakeSynapse, wheel):
    synapse.packages.fail_next_flush = {"code": "LibraryFlushFailed", "message": "disk full"}

    with pytest.raises(PackageUploadError) as raised:
        packages(synapse).upload(NAME, wheel)

    assert str(raised.value) == (
        f"Synapse did not finish the upload of workspace package {NAME!r} "
        "(HTTP 400 LibraryFlushFailed: disk full)"
    )


def test_deleting_a_missing_package_succeeds(synapse: FakeSynapse):
    assert packages(synapse).delete(NAME) is False


def test_deleting_a_package_removes_it(synapse: FakeSynapse, wheel):
    packages(synapse).upload(NAME, wheel)

    assert packages(synapse).delete(NAME) is True
    assert NAME not in synapse.packages.libraries
    assert packages(synapse).get(NAME) is None


def test_deleting_a_package_a_pool_uses_says_to_detach_it_first(synapse: FakeSynapse, wheel):
    packages(synapse).upload(NAME, wheel)
    synapse.packages.in_use.add(NAME)

    with pytest.raises(PackageUploadError, match="still lists it in its customLibraries"):
        packages(synapse).delete(NAME)
    assert NAME in synapse.packages.libraries


@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_a_403_names_the_synapse_role_the_identity_lacks(synapse: FakeSynapse, wheel, method):
    if method == "PUT":
        synapse.packages.libraries.pop(NAME, None)
    synapse.fail(method, 403, body={"error": {"code": "Unauthorized", "message": "no"}})

    with pytest.raises(SynapsePermissionError) as raised:
        packages(synapse).upload(NAME, wheel)

    assert str(raised.value) == (
        f"Synapse refused to {'read' if method == 'GET' else 'upload'} the workspace package "
        f"{NAME!r} (HTTP 403 Unauthorized: no): the identity needs the Synapse RBAC role "
        "'Synapse Artifact Publisher' on the workspace"
    )


def test_a_firewall_refusal_is_not_reported_as_a_missing_role(synapse: FakeSynapse, wheel):
    synapse.firewall_refuses = True

    with pytest.raises(SynapsePermissionError, match="the workspace firewall refused"):
        packages(synapse).upload(NAME, wheel)


def test_a_name_over_100_characters_is_refused_before_any_call(synapse: FakeSynapse, wheel):
    long_name = "x" * 97 + ".whl"

    with pytest.raises(ValueError, match="is 101 characters; Synapse allows at most 100"):
        packages(synapse).upload(long_name, wheel)
    assert synapse.requests == []


@pytest.mark.parametrize("chunk_bytes", [0, CHUNK_BYTES + 1])
def test_chunks_are_never_over_the_services_4_mib_nor_empty(synapse: FakeSynapse, chunk_bytes):
    with pytest.raises(ValueError) as raised:
        WorkspacePackages(synapse.base_url, FakeCredential(), chunk_bytes=chunk_bytes)

    assert str(raised.value) == f"chunk_bytes must be 1..{CHUNK_BYTES}, not {chunk_bytes}"


def test_a_chunk_may_be_a_single_byte(synapse: FakeSynapse, tmp_path):
    wheel = tmp_path / "tiny-1.0-py3-none-any.whl"
    wheel.write_bytes(b"abc")

    WorkspacePackages(synapse.base_url, FakeCredential(), chunk_bytes=1).upload(NAME, wheel)

    assert bytes(synapse.packages.libraries[NAME].content) == b"abc"


def test_a_package_gone_after_its_flush_is_an_error(synapse: FakeSynapse, wheel, monkeypatch):
    client = packages(synapse)
    monkeypatch.setattr(client, "get", lambda name: None)  # deleted by someone meanwhile

    with pytest.raises(PackageUploadError) as raised:
        client.upload(NAME, wheel)

    assert str(raised.value) == f"workspace package {NAME!r} is gone after its upload was flushed"


def test_a_package_still_incomplete_after_its_flush_is_an_error(synapse: FakeSynapse, wheel):
    synapse.packages.flush_completes = False

    with pytest.raises(PackageUploadError) as raised:
        packages(synapse).upload(NAME, wheel)

    assert str(raised.value) == (
        f"workspace package {NAME!r} is Incomplete after its upload was flushed"
    )


def test_a_403_at_the_flush_names_the_role(synapse: FakeSynapse, wheel):
    synapse.fail("POST", 403, body={"error": {"code": "Unauthorized", "message": "no"}})

    with pytest.raises(SynapsePermissionError) as raised:
        packages(synapse).upload(NAME, wheel)

    assert str(raised.value).startswith(
        f"Synapse refused to upload the workspace package {NAME!r} (HTTP 403 Unauthorized: no)"
    )


def test_a_403_at_delete_names_the_role(synapse: FakeSynapse, wheel):
    packages(synapse).upload(NAME, wheel)
    synapse.fail("DELETE", 403, body={"error": {"code": "Unauthorized", "message": "no"}})

    with pytest.raises(SynapsePermissionError) as raised:
        packages(synapse).delete(NAME)

    assert str(raised.value).startswith(
        f"Synapse refused to delete the workspace package {NAME!r} (HTTP 403 Unauthorized: no)"
    )
    assert NAME in synapse.packages.libraries


def test_a_name_of_exactly_100_characters_is_taken(synapse: FakeSynapse, tmp_path):
    name = "a" * (100 - len("-1.0-py3-none-any.whl")) + "-1.0-py3-none-any.whl"
    wheel = tmp_path / name
    wheel.write_bytes(b"wheel bytes")

    assert packages(synapse).upload(name, wheel).name == name
