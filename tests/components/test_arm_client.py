"""The ARM client on its own, against the local server that answers like ARM."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError

from synapse_dl.clients.arm import ArmClient, ArmPermissionError, big_data_pool_path
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
POLICY_DENIED = "Resource 'gpularge' was disallowed by policy. Policy identifiers: 'no-gpu'."
ROLE_NEEDED = (
    "the deploying identity needs Contributor (or "
    "Microsoft.Synapse/workspaces/bigDataPools/write) on the Synapse workspace"
)
# A policy denial is not blamed on a missing role.
POLICY_DENIES = (
    "an Azure Policy assignment on the subscription or resource group denies it; no role lifts "
    "that, the assignment's owner must exempt the resource"
)


@pytest.mark.parametrize(
    ("code", "message", "remedy"),
    [
        ("AuthorizationFailed", AUTHORIZATION_FAILED, ROLE_NEEDED),
        ("RequestDisallowedByPolicy", POLICY_DENIED, POLICY_DENIES),
    ],
)
def test_a_refused_put_names_the_update_arms_reason_and_its_remedy(
    arm: FakeArm, code, message, remedy
):
    arm.fail("PUT", 403, body=error_body(code, message))

    with pytest.raises(ArmPermissionError) as error:
        client(arm).put(POOL, API_VERSION, BODY)

    assert str(error.value) == (
        f"ARM refused to update {arm.base_url}{POOL} (HTTP 403 {code}: {message}): {remedy}"
    )


@pytest.mark.parametrize(
    ("body", "answer"),
    # A gateway's JSON, not ARM's; a gateway's HTML page.
    [({"message": "Forbidden"}, "HTTP 403 Forbidden"), (b"<html>Forbidden</html>", "HTTP 403")],
)
def test_a_refusal_without_arms_error_body_still_names_the_role(arm: FakeArm, body, answer):
    arm.fail("GET", 403, body=body)

    with pytest.raises(ArmPermissionError) as error:
        client(arm).get(POOL, API_VERSION)

    assert str(error.value) == f"ARM refused to read {arm.base_url}{POOL} ({answer}): {ROLE_NEEDED}"


def test_any_other_error_carries_arms_code_message_and_additional_info(arm: FakeArm):
    body = error_body("InvalidParameter", "nodeCount must be at least 3")
    body["error"]["additionalInfo"] = [{"type": "PolicyViolation", "info": {"policy": "no-gpu"}}]
    arm.fail("PUT", 400, body=body)

    with pytest.raises(HttpResponseError) as error:
        client(arm).put(POOL, API_VERSION, BODY)

    assert error.value.status_code == 400
    assert error.value.error is not None
    assert (error.value.error.code, error.value.error.message) == (
        "InvalidParameter",
        "nodeCount must be at least 3",
    )
    # ARM's own error format: the additional info (here a policy's) is in the message.
    assert "Additional Information:Type: PolicyViolation" in str(error.value)


def test_server_errors_are_retried_with_backoff_as_many_times_as_set(arm: FakeArm):
    for _ in range(5):
        arm.fail("GET", 500)

    with pytest.raises(HttpResponseError) as error:
        client(arm, retry_total=2, retry_backoff_factor=1.0).get(POOL, API_VERSION)

    assert error.value.status_code == 500
    get_at = [r.at for r in arm.calls("GET")]
    assert len(get_at) == 3  # the first try and 2 retries
    # azure-core retries the first error at once, then waits factor * 2^(n-1): 2 s here
    # (its default factor, 0.8, would wait 1.6 s).
    assert get_at[2] - get_at[1] >= 2.0
