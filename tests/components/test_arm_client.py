"""The ARM client on its own, against the local server that answers like ARM."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError

from components.arm import ArmClient, ArmPermissionError, big_data_pool_path
from tests.fakes.arm_server import FakeArm
from tests.fakes.credentials import FakeCredential
from tests.fakes.https_server import error_body

API_VERSION = "2021-06-01"
POOL = big_data_pool_path("sub-1", "rg-dl", "synw-dl", "gpularge")
PROPERTIES = {"nodeSizeFamily": "MemoryOptimized", "nodeSize": "Small", "sparkVersion": "3.5"}
BODY = {"location": "eastus", "tags": {}, "properties": PROPERTIES}


def client(arm: FakeArm, **options) -> ArmClient:
    return ArmClient(FakeCredential(), arm.base_url, **options)


def test_put_follows_the_operation_and_returns_the_pool_as_it_ended(arm: FakeArm):
    arm.add_pool(POOL, PROPERTIES)

    pool = client(arm).put(POOL, API_VERSION, BODY)

    assert pool["id"] == POOL
    assert pool["properties"]["provisioningState"] == "Succeeded"


def test_put_that_arm_finishes_at_once_returns_the_pool_without_polling(arm: FakeArm):
    arm.add_pool(POOL, PROPERTIES)
    arm.put_answers_at_once = True

    pool = client(arm).put(POOL, API_VERSION, BODY)

    assert pool["properties"]["provisioningState"] == "Succeeded"
    assert [r.method for r in arm.requests] == ["PUT"]


def test_without_retry_after_the_client_polls_at_its_own_interval(arm: FakeArm):
    arm.add_pool(POOL, PROPERTIES)
    arm.retry_after = None

    client(arm, polling_interval=0.3).put(POOL, API_VERSION, BODY)

    # The PUT, a first poll at once (InProgress), a second one after the wait (Succeeded),
    # then the GET of the pool.
    put, in_progress, succeeded, _ = (r.at for r in arm.requests)
    assert succeeded - in_progress >= 0.3


AUTHORIZATION_FAILED = (
    "The client 'spn-deploy' does not have authorization to perform action "
    "'Microsoft.Synapse/workspaces/bigDataPools/write' over scope 'gpularge'"
)


def test_a_refused_put_names_the_update_arms_reason_and_the_role(arm: FakeArm):
    arm.fail("PUT", 403, body=error_body("AuthorizationFailed", AUTHORIZATION_FAILED))

    with pytest.raises(ArmPermissionError) as error:
        client(arm).put(POOL, API_VERSION, BODY)

    assert str(error.value) == (
        f"ARM refused to update {arm.base_url}{POOL} (HTTP 403 AuthorizationFailed: "
        f"{AUTHORIZATION_FAILED}): the deploying identity needs Contributor (or "
        "Microsoft.Synapse/workspaces/bigDataPools/write) on the Synapse workspace"
    )


def test_a_policy_denial_is_not_blamed_on_a_missing_role(arm: FakeArm):
    denied = "Resource 'gpularge' was disallowed by policy. Policy identifiers: 'no-gpu'."
    arm.fail("PUT", 403, body=error_body("RequestDisallowedByPolicy", denied))

    with pytest.raises(ArmPermissionError) as error:
        client(arm).put(POOL, API_VERSION, BODY)

    assert str(error.value) == (
        f"ARM refused to update {arm.base_url}{POOL} (HTTP 403 RequestDisallowedByPolicy: "
        f"{denied}): an Azure Policy assignment on the subscription or resource group denies "
        "it; no role lifts that, the assignment's owner must exempt the resource"
    )


def test_a_refusal_without_arms_error_body_still_names_the_role(arm: FakeArm):
    arm.fail("GET", 403, body={"message": "Forbidden"})  # a gateway's answer, not ARM's

    refused = r"\(HTTP 403 Forbidden\): the deploying identity needs"
    with pytest.raises(ArmPermissionError, match=refused):
        client(arm).get(POOL, API_VERSION)


def test_any_other_error_carries_arms_code_and_message(arm: FakeArm):
    arm.fail("PUT", 400, body=error_body("InvalidParameter", "nodeCount must be at least 3"))

    with pytest.raises(HttpResponseError) as error:
        client(arm).put(POOL, API_VERSION, BODY)

    assert error.value.status_code == 400
    assert error.value.error is not None
    assert (error.value.error.code, error.value.error.message) == (
        "InvalidParameter",
        "nodeCount must be at least 3",
    )
