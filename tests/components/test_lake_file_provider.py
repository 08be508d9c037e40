"""The job-file provider against a local server that answers like Azure Blob Storage
(tests/fakes/blob_server.py): files go up with an Entra token, never a key, are read back by
their hash, and the refusals a locked-down lake gives are named."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pulumi
import pytest
from azure.core.exceptions import HttpResponseError
from azure.storage.blob import ExponentialRetry

from synapse_dl.clients.data_lake_files import LakeAccessError
from synapse_dl.providers.lake_file import LakeFileProvider, LakeFileSourceError
from tests.fakes.blob_server import FakeBlobStorage
from tests.fakes.credentials import FakeCredential

PATH = "synapse-dl/jobs/pytorch_digits/0123456789abcdef/train.py"
# The storage SDK's retries without their waits (15 s, then 3**n s, with 3 s of jitter).
FAST = {
    "retry_policy": ExponentialRetry(initial_backoff=0, increment_base=0, random_jitter_range=0),
    "poll_s": 0.01,
}


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "train.py"
    path.write_text("print('training')\n")
    return path


def props(lake: FakeBlobStorage, script: Path, **changes) -> dict:
    return {
        "accountName": lake.account,
        "endpoint": lake.endpoint,
        "container": lake.container,
        "path": PATH,
        "source": pulumi.FileAsset(str(script)),
        "sha256": hashlib.sha256(script.read_bytes()).hexdigest(),
        "contentType": "text/x-python",
        **changes,
    }


def provider(**options) -> LakeFileProvider:
    return LakeFileProvider(FakeCredential, **{**FAST, **options})


def test_create_uploads_the_file_with_its_type_and_hash(lake, script):
    result = provider().create(props(lake, script))

    stored = lake.blobs[PATH]
    assert stored.data == script.read_bytes()
    assert stored.content_type == "text/x-python"
    assert stored.metadata == {"sha256": hashlib.sha256(script.read_bytes()).hexdigest()}
    assert result.id == f"{lake.endpoint}/synapse/{PATH}"


def test_a_file_changed_since_the_plan_is_never_uploaded(lake, script):
    planned = props(lake, script)
    script.write_text("print('edited after the plan')\n")

    with pytest.raises(LakeFileSourceError, match="changed since it was planned"):
        provider().create(planned)
    assert lake.blobs == {}


def test_a_missing_file_is_a_clear_error(lake, script):
    planned = props(lake, script)
    script.unlink()

    with pytest.raises(LakeFileSourceError, match="does not exist"):
        provider().create(planned)


def test_read_reports_the_file_held_and_a_removed_one_as_gone(lake, script):
    created = provider().create(props(lake, script))

    read = provider().read(created.id, created.outs)
    assert (read.id, read.outs) == (created.id, created.outs)
    lake.blobs.clear()
    read = provider().read(created.id, created.outs)
    assert (read.id, read.outs) == ("", {})


def test_a_file_written_over_on_the_lake_shows_as_a_change_that_uploads_it_again(lake, script):
    created = provider().create(props(lake, script))
    lake.blobs[PATH].metadata["sha256"] = "someone else's"

    read = provider().read(created.id, created.outs)
    news = props(lake, script)
    diff = provider().diff(created.id, read.outs, news)
    updated = provider().update(created.id, read.outs, news)

    assert diff.changes and diff.replaces == []
    assert updated.outs == news
    assert lake.blobs[PATH].metadata["sha256"] == created.outs["sha256"]


def test_another_path_replaces_the_file_and_another_checkout_changes_nothing(lake, script):
    olds = props(lake, script)

    moved = provider().diff("id", olds, props(lake, script, path=PATH.replace("train", "t")))
    elsewhere = provider().diff(
        "id", olds, props(lake, script, source=pulumi.FileAsset("/elsewhere/train.py"))
    )

    assert moved.replaces == ["path"]
    assert not elsewhere.changes


def test_delete_removes_the_file_and_a_missing_one_is_fine(lake, script):
    created = provider().create(props(lake, script))

    provider().delete(created.id, created.outs)
    provider().delete(created.id, created.outs)

    assert lake.blobs == {}
    assert [m for m, _ in lake.requests].count("DELETE") == 2


def test_a_role_assigned_in_the_same_deployment_is_waited_for(lake, script):
    # Azure applies a new role assignment within minutes: the first writes are refused.
    lake.missing_role_for = 3

    provider().create(props(lake, script))

    assert PATH in lake.blobs
    assert [m for m, _ in lake.requests].count("PUT") == 4


def test_a_role_still_missing_after_the_wait_names_the_role(lake, script):
    lake.missing_role_for = 1000

    with pytest.raises(LakeAccessError) as raised:
        provider(permission_wait_s=0.05).create(props(lake, script))

    assert str(raised.value) == (
        f"the data lake refused to upload {PATH} on {lake.endpoint}/synapse "
        "(HTTP 403 AuthorizationPermissionMismatch): the deploying identity needs Storage Blob "
        "Data Contributor on the lake (the workspace assigns it; a new assignment can take 10 "
        "minutes to apply)"
    )


def test_the_lakes_network_rules_refusing_this_machine_say_how_to_get_in(lake, script):
    lake.network_refuses = True

    with pytest.raises(LakeAccessError) as raised:
        provider().create(props(lake, script))

    assert str(raised.value) == (
        f"the data lake's network rules refused the request to upload {PATH} on "
        f"{lake.endpoint}/synapse (HTTP 403 AuthorizationFailure): add this machine's public "
        "address to workspace.dataLake.allowedIpRanges, or deploy from the network of the "
        "lake's private endpoints"
    )
    # Not waited on: no role fixes it.
    assert len(lake.requests) == 1


def test_a_refused_read_is_raised_never_taken_for_a_removed_file(lake, script):
    created = provider().create(props(lake, script))
    lake.network_refuses = True

    with pytest.raises(LakeAccessError) as raised:
        provider().read(created.id, created.outs)

    assert str(raised.value).startswith(
        f"the data lake's network rules refused the request to read {PATH} on "
    )


def test_a_refused_delete_says_so_and_keeps_the_file(lake, script):
    created = provider().create(props(lake, script))
    lake.network_refuses = True

    with pytest.raises(LakeAccessError) as raised:
        provider().delete(created.id, created.outs)

    assert str(raised.value).startswith(
        f"the data lake's network rules refused the request to delete {PATH} on "
    )
    assert PATH in lake.blobs


def test_a_file_there_already_is_written_over(lake, script):
    # A file at the path (an upload whose answer was lost, or someone's): taken as this one's.
    provider().create(props(lake, script))

    provider().create(props(lake, script))

    assert lake.blobs[PATH].data == script.read_bytes()


def test_a_file_without_its_hash_reads_as_changed(lake, script):
    created = provider().create(props(lake, script))
    lake.blobs[PATH].metadata.clear()

    assert provider().read(created.id, created.outs).outs["sha256"] == ""


def test_each_call_names_this_package_as_its_user_agent(lake, script):
    provider().create(props(lake, script))

    assert lake.user_agents and all(a.startswith("synapse-dl/") for a in lake.user_agents)


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_retried_by_the_storage_sdk(lake, script, status):
    lake.faults.add("PUT", status)

    provider().create(props(lake, script))

    assert PATH in lake.blobs


def test_a_fault_past_the_sdks_retries_is_raised(lake, script):
    for _ in range(5):
        lake.faults.add("PUT", 500)

    with pytest.raises(HttpResponseError):
        provider().create(props(lake, script))
    assert lake.blobs == {}
