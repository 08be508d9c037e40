"""The library step's dynamic provider against a local server that answers like ARM."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError

from synapse_dl.clients.arm import ArmPermissionError, big_data_pool_path
from synapse_dl.providers.pool_libraries import PoolLibrariesProvider
from synapse_dl.version import USER_AGENT
from tests.fakes.arm_server import TOKEN, FakeArm
from tests.fakes.credentials import FakeCredential

# What the pool API's every call carries (bigDataPool.json 2021-06-01).
API = {"api-version": "2021-06-01"}

POOL = big_data_pool_path("sub-1", "rg-dl", "synw-dl", "gpularge")
POOL_PROPERTIES = {
    "nodeSizeFamily": "HardwareAcceleratedGPU",
    "nodeSize": "Large",
    "sparkVersion": "3.2",
    "nodeCount": 3,
    "autoScale": {"enabled": False},
    "autoPause": {"enabled": True, "delayInMinutes": 15},
}
REQUIREMENTS = "torch==1.11.0\ntensorflow==2.8.0\nhorovod==0.24.3\npetastorm==0.11.3\n"


def props(arm: FakeArm, content: str = REQUIREMENTS, fingerprint: str = "f1") -> dict:
    return {
        "subscriptionId": "sub-1",
        "resourceGroupName": "rg-dl",
        "workspaceName": "synw-dl",
        "bigDataPoolName": "gpularge",
        "libraryRequirements": {"content": content, "filename": "requirements.txt"},
        "poolFingerprint": fingerprint,
        "armEndpoint": arm.base_url,
    }


def libraries_on_azure(arm: FakeArm) -> dict | None:
    return arm.pools[POOL]["properties"].get("libraryRequirements")


def test_create_puts_the_pool_back_with_its_libraries_and_polls_to_completion(arm: FakeArm):
    arm.add_pool(POOL, POOL_PROPERTIES)
    arm.polls_before_done = 2

    result = PoolLibrariesProvider(FakeCredential).create(props(arm))

    assert (result.id, result.outs) == (POOL, props(arm))
    assert libraries_on_azure(arm) == {"content": REQUIREMENTS, "filename": "requirements.txt"}
    put = arm.calls("PUT")[0]
    # Everything else the pool had is kept; read-only state is not sent back.
    assert put.body["properties"] == {
        **POOL_PROPERTIES,
        "libraryRequirements": {"content": REQUIREMENTS, "filename": "requirements.txt"},
    }
    assert put.body["location"] == "eastus"
    polls = [r for r in arm.calls("GET") if r.path.startswith("/operations/")]
    assert len(polls) == 3  # two InProgress, then Succeeded
    assert arm.pools[POOL]["properties"]["provisioningState"] == "Succeeded"


def test_every_request_carries_the_bearer_token_and_it_never_reaches_the_outputs(arm: FakeArm):
    arm.add_pool(POOL, POOL_PROPERTIES)

    result = PoolLibrariesProvider(FakeCredential).create(props(arm))

    assert {r.authorization for r in arm.requests} == {f"Bearer {TOKEN}"}
    assert TOKEN not in repr(result.outs)


def test_a_429_with_retry_after_is_waited_out_and_retried(arm: FakeArm):
    arm.add_pool(POOL, POOL_PROPERTIES)
    arm.fail("GET", 429, {"Retry-After": "1"}, {"error": {"code": "TooManyRequests"}})

    PoolLibrariesProvider(FakeCredential).create(props(arm))

    first, second = arm.calls("GET")[:2]
    assert first.path == second.path == POOL
    assert second.at - first.at >= 0.9
    assert libraries_on_azure(arm)["content"] == REQUIREMENTS


def test_a_500_on_the_put_is_retried_and_the_libraries_land_once(arm: FakeArm):
    arm.add_pool(POOL, POOL_PROPERTIES)
    arm.fail("PUT", 500)

    PoolLibrariesProvider(FakeCredential).create(props(arm))

    assert len(arm.calls("PUT")) == 2
    assert libraries_on_azure(arm)["content"] == REQUIREMENTS


def test_a_failed_operation_surfaces_arms_error_message(arm: FakeArm):
    arm.add_pool(POOL, POOL_PROPERTIES)
    arm.fail_next_operation = {
        "code": "LibraryManagementFailed",
        "message": "pip could not install petastorm==0.11.3",
    }

    with pytest.raises(HttpResponseError, match="pip could not install petastorm==0.11.3"):
        PoolLibrariesProvider(FakeCredential).create(props(arm))


def test_a_403_names_the_permission_the_deploying_identity_lacks(arm: FakeArm):
    arm.add_pool(POOL, POOL_PROPERTIES)
    arm.fail("GET", 403, body={"error": {"code": "AuthorizationFailed", "message": "no"}})

    with pytest.raises(ArmPermissionError, match="needs Contributor .* on the Synapse workspace"):
        PoolLibrariesProvider(FakeCredential).create(props(arm))


MISSING_POOL = (
    "Spark pool 'gpularge' does not exist in workspace 'synw-dl': it must be created before "
    "its libraries"
)


def test_every_arm_call_names_the_package_and_its_version(arm: FakeArm):
    arm.add_pool(POOL, POOL_PROPERTIES)
    PoolLibrariesProvider(FakeCredential).create(props(arm))
    assert arm.user_agents
    assert all(agent.startswith(f"{USER_AGENT} ") for agent in arm.user_agents)


def test_create_on_a_missing_pool_fails_clearly(arm: FakeArm):
    with pytest.raises(RuntimeError) as error:
        PoolLibrariesProvider(FakeCredential).create(props(arm))
    assert str(error.value) == MISSING_POOL


def test_update_on_a_pool_deleted_meanwhile_fails_the_same_way(arm: FakeArm):
    with pytest.raises(RuntimeError) as error:
        PoolLibrariesProvider(FakeCredential).update(
            POOL, props(arm), props(arm, content="numpy\n")
        )
    assert str(error.value) == MISSING_POOL


def test_changed_libraries_are_updated_in_place(arm: FakeArm):
    arm.add_pool(POOL, POOL_PROPERTIES)
    provider = PoolLibrariesProvider(FakeCredential)
    old = props(arm)
    provider.create(old)
    new = props(arm, content=REQUIREMENTS + "scikit-learn==1.0.2\n")

    diff = provider.diff(POOL, old, new)
    updated = provider.update(POOL, old, new)

    assert diff.changes is True and diff.replaces == []
    assert updated.outs == new
    assert libraries_on_azure(arm)["content"].endswith("scikit-learn==1.0.2\n")


def test_an_unchanged_resource_has_no_diff(arm: FakeArm):
    assert PoolLibrariesProvider(FakeCredential).diff(POOL, props(arm), props(arm)).changes is False


def test_a_different_pool_replaces_the_resource(arm: FakeArm):
    other = {**props(arm), "bigDataPoolName": "gpuxl"}

    diff = PoolLibrariesProvider(FakeCredential).diff(POOL, props(arm), other)

    assert diff.changes is True and diff.replaces == ["bigDataPoolName"]


def test_delete_removes_the_libraries_and_keeps_the_pool(arm: FakeArm):
    arm.add_pool(POOL, POOL_PROPERTIES)
    provider = PoolLibrariesProvider(FakeCredential)
    provider.create(props(arm))

    provider.delete(POOL, props(arm))

    assert libraries_on_azure(arm) is None
    assert arm.pools[POOL]["properties"]["nodeCount"] == 3


def test_delete_when_the_pool_is_already_gone_succeeds(arm: FakeArm):
    PoolLibrariesProvider(FakeCredential).delete(POOL, props(arm))

    assert arm.calls("PUT") == []


def test_read_reports_a_deleted_pool_as_gone(arm: FakeArm):
    result = PoolLibrariesProvider(FakeCredential).read(POOL, props(arm))

    assert (result.id, result.outs) == ("", {})


def test_read_reports_the_libraries_azure_holds_not_the_ones_last_sent(arm: FakeArm):
    # Someone changed the pool's libraries outside Pulumi: refresh must show Azure's.
    on_azure = {"content": "numpy==1.26.4\n", "filename": "environment.txt"}
    arm.add_pool(POOL, {**POOL_PROPERTIES, "libraryRequirements": on_azure})

    result = PoolLibrariesProvider(FakeCredential).read(POOL, props(arm))

    assert result.id == POOL
    assert result.outs == {**props(arm), "libraryRequirements": on_azure, "customLibraries": None}


@pytest.mark.parametrize(
    ("on_azure", "read_back"),
    [
        # The answer carries the read-only `time`; neither `content` nor `filename` is required
        # (bigDataPool.json, LibraryRequirements), and one that is missing reads as empty.
        (
            {"filename": "requirements.txt", "time": "2026-11-25T10:00:00Z"},
            {"content": "", "filename": "requirements.txt"},
        ),
        (
            {"content": "numpy==1.26.4\n", "time": "2026-11-25T10:00:00Z"},
            {"content": "numpy==1.26.4\n", "filename": ""},
        ),
    ],
)
def test_read_takes_only_the_libraries_content_and_filename(
    arm: FakeArm, on_azure: dict, read_back: dict
):
    arm.add_pool(POOL, {**POOL_PROPERTIES, "libraryRequirements": on_azure})

    result = PoolLibrariesProvider(FakeCredential).read(POOL, props(arm))

    assert result.outs["libraryRequirements"] == read_back


def test_read_shows_libraries_that_azure_dropped(arm: FakeArm):
    arm.add_pool(POOL, POOL_PROPERTIES)

    result = PoolLibrariesProvider(FakeCredential).read(POOL, props(arm))

    assert result.id == POOL
    assert result.outs["libraryRequirements"] is None


def test_arm_refuses_libraries_on_a_pools_creation(arm: FakeArm):
    """Why the libraries are a second step: the fake answers like ARM on this point."""
    status, _, body = arm.handle(
        "PUT",
        POOL,
        API,
        {"location": "eastus", "properties": {**POOL_PROPERTIES, "libraryRequirements": {}}},
        f"Bearer {TOKEN}",
    )

    assert status == 400
    assert body["error"]["code"] == "SparkComputePropertiesNotAllowed"


def test_a_pool_update_that_drops_the_libraries_is_followed_by_reapplying_them(arm: FakeArm):
    provider = PoolLibrariesProvider(FakeCredential)
    # 1. The azure-native provider creates the pool without libraries.
    arm.handle(
        "PUT", POOL, API, {"location": "eastus", "properties": POOL_PROPERTIES}, f"Bearer {TOKEN}"
    )
    # 2. The library step applies them.
    before = props(arm, fingerprint="pool-v1")
    provider.create(before)
    assert libraries_on_azure(arm) is not None
    # 3. Pulumi updates the pool (autoscale): its PUT carries no libraryRequirements.
    scaled = {
        **POOL_PROPERTIES,
        "autoScale": {"enabled": True, "minNodeCount": 3, "maxNodeCount": 4},
    }
    arm.handle("PUT", POOL, API, {"location": "eastus", "properties": scaled}, f"Bearer {TOKEN}")
    assert libraries_on_azure(arm) is None
    # 4. The pool's new fingerprint makes the library step update, which puts them back.
    after = props(arm, fingerprint="pool-v2")
    assert provider.diff(POOL, before, after).changes is True
    provider.update(POOL, before, after)

    assert libraries_on_azure(arm)["content"] == REQUIREMENTS
    assert arm.pools[POOL]["properties"]["autoScale"]["maxNodeCount"] == 4


def test_the_put_keeps_the_pools_tags(arm: FakeArm):
    arm.add_pool(POOL, POOL_PROPERTIES)
    arm.pools[POOL]["tags"] = {"project": "synapse-dl", "environment": "dev"}

    PoolLibrariesProvider(FakeCredential).create(props(arm))

    # A PUT replaces the pool: tags it does not carry are gone.
    assert arm.calls("PUT")[0].body["tags"] == {"project": "synapse-dl", "environment": "dev"}
    assert arm.pools[POOL]["tags"] == {"project": "synapse-dl", "environment": "dev"}


def test_every_call_names_the_api_version_the_fake_arm_demands(arm: FakeArm):
    arm.add_pool(POOL, POOL_PROPERTIES)

    PoolLibrariesProvider(FakeCredential).create(props(arm))

    # The fake refuses any other (400 NoRegisteredProviderFound), so the create succeeding
    # already proves it; the count shows each kind of call was made.
    assert {r.method for r in arm.requests} == {"GET", "PUT"}


def test_a_token_for_another_audience_is_refused_as_arm_refuses_it(arm: FakeArm):
    arm.add_pool(POOL, POOL_PROPERTIES)
    from synapse_dl.clients.arm import ArmClient
    from tests.fakes.credentials import FakeCredential

    client = ArmClient(
        FakeCredential(), arm.base_url, scope="https://dev.azuresynapse.net/.default"
    )

    with pytest.raises(ArmPermissionError, match=r"HTTP 401"):
        client.get(POOL, "2021-06-01")
    assert arm.requests[-1].authorization.endswith("https://dev.azuresynapse.net/.default")


# --- workspace packages: the pool's customLibraries ---

PACKAGE = {
    "name": "helper-2.1-0a1b2c3d4e5f6-py3-none-any.whl",
    "path": "synw-dl/libraries/helper-2.1-0a1b2c3d4e5f6-py3-none-any.whl",
    "containerName": "prep",
    "type": "whl",
}


def packages_props(arm: FakeArm, *packages: dict) -> dict:
    return {**props(arm), "libraryRequirements": None, "customLibraries": list(packages)}


def test_workspace_packages_go_into_customlibraries_and_no_requirements_are_sent(arm: FakeArm):
    arm.add_pool(POOL, POOL_PROPERTIES)

    PoolLibrariesProvider(FakeCredential).create(packages_props(arm, PACKAGE))

    properties = arm.calls("PUT")[0].body["properties"]
    assert properties["customLibraries"] == [PACKAGE]
    assert "libraryRequirements" not in properties


def test_the_put_sends_customlibraries_without_their_read_only_fields(arm: FakeArm):
    # What Azure answers for a pool's package: uploadedTimestamp, provisioningStatus and
    # creatorId are read-only (bigDataPool.json LibraryInfo).
    on_azure = {**PACKAGE, "uploadedTimestamp": "2026-11-25T10:00:00Z", "creatorId": "x"}
    arm.add_pool(POOL, {**POOL_PROPERTIES, "customLibraries": [on_azure]})

    outs = PoolLibrariesProvider(FakeCredential).read(POOL, packages_props(arm, PACKAGE)).outs
    PoolLibrariesProvider(FakeCredential).update(POOL, {}, packages_props(arm, PACKAGE))

    assert outs["customLibraries"] == [PACKAGE]
    assert arm.calls("PUT")[0].body["properties"]["customLibraries"] == [PACKAGE]


def test_a_changed_package_list_is_an_update_in_place(arm: FakeArm):
    other = {**PACKAGE, "name": "other-1.0-0ffff-py3-none-any.whl"}
    provider = PoolLibrariesProvider(FakeCredential)

    diff = provider.diff(POOL, packages_props(arm, PACKAGE), packages_props(arm, other))

    assert (diff.changes, diff.replaces) == (True, [])


def test_delete_removes_the_workspace_packages_from_the_pool(arm: FakeArm):
    arm.add_pool(POOL, {**POOL_PROPERTIES, "customLibraries": [PACKAGE]})

    PoolLibrariesProvider(FakeCredential).delete(POOL, packages_props(arm, PACKAGE))

    assert "customLibraries" not in arm.pools[POOL]["properties"]
