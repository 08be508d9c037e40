"""The Synapse role-assignment provider against a local server that answers like the workspace's
data plane (tests/fakes/synapse_rbac.py): assign, read, remove, and the faults a deploy meets."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError

from synapse_dl.clients.synapse import SynapsePermissionError
from synapse_dl.facts.synapse_rbac import ROLE_IDS
from synapse_dl.providers.synapse_role_assignment import (
    SynapseRoleAssignmentProvider,
    assignment_id,
)
from tests.fakes.credentials import FakeCredential
from tests.fakes.synapse_rbac import CONTINUATION
from tests.fakes.synapse_server import FakeSynapse

GROUP = "6f0c2a9e-1d3b-4c5a-9e8f-7a6b5c4d3e2f"
ADMINISTRATOR = ROLE_IDS["Synapse Administrator"]
OPERATOR = ROLE_IDS["Synapse Compute Operator"]


def props(synapse: FakeSynapse, **changes) -> dict:
    return {
        "workspaceName": "synw-dl",
        "endpoint": synapse.base_url,
        "role": "Synapse Administrator",
        "roleId": ADMINISTRATOR,
        "principalId": GROUP,
        "principalType": "Group",
        "scope": "workspaces/synw-dl",
        "assignmentId": None,
        "adopted": None,
        **changes,
    }


def provider() -> SynapseRoleAssignmentProvider:
    return SynapseRoleAssignmentProvider(FakeCredential)


def test_create_assigns_the_role_to_the_principal_on_the_workspace(synapse):
    result = provider().create(props(synapse))

    [(held_id, held)] = synapse.roles.assignments.items()
    assert held == {
        "id": held_id,
        "roleDefinitionId": ADMINISTRATOR,
        "principalId": GROUP,
        "scope": "workspaces/synw-dl",
        "principalType": "Group",
    }
    assert result.id == f"{synapse.base_url}/roleAssignments/{held_id}"
    assert result.outs["assignmentId"] == held_id
    assert result.outs["adopted"] is False


def test_the_assignment_id_is_the_same_on_every_run_and_differs_by_role(synapse):
    first = assignment_id(props(synapse))

    assert assignment_id(props(synapse)) == first
    assert assignment_id(props(synapse, roleId=OPERATOR)) != first
    assert assignment_id(props(synapse, principalId=OPERATOR)) != first
    assert assignment_id(props(synapse, scope="workspaces/other")) != first


def test_without_a_principal_type_none_is_sent(synapse):
    provider().create(props(synapse, principalType=None))

    [held] = synapse.roles.assignments.values()
    assert "principalType" not in held


@pytest.mark.parametrize("reput_conflicts", [False, True])
def test_a_create_whose_answer_was_lost_is_the_same_assignment(synapse, reput_conflicts):
    # The PUT lands but its answer is a 500; azure-core sends it again. Whether the service
    # answers a PUT of an existing id 200 or 409 is not recorded anywhere: both end the same.
    synapse.roles.reput_conflicts = reput_conflicts
    synapse.roles.after_put.append(500)

    result = provider().create(props(synapse))

    assert list(synapse.roles.assignments) == [assignment_id(props(synapse))]
    assert result.outs["adopted"] is False
    assert len(synapse.calls("PUT", "/roleAssignments/")) == 2


def test_an_assignment_made_before_is_taken_on_and_left_in_place_on_delete(synapse):
    synapse.roles.add(
        "5b7c9f7e-0000-4000-8000-000000000001", ADMINISTRATOR, GROUP, "workspaces/synw-dl"
    )

    result = provider().create(props(synapse))
    provider().delete(result.id, result.outs)

    assert result.outs["assignmentId"] == "5b7c9f7e-0000-4000-8000-000000000001"
    assert result.outs["adopted"] is True
    assert list(synapse.roles.assignments) == ["5b7c9f7e-0000-4000-8000-000000000001"]


def test_an_assignment_at_an_enclosing_scope_is_not_taken_for_this_one(synapse):
    # The service's scope filter answers enclosing scopes too; only this scope is a match.
    synapse.roles.add(
        "5b7c9f7e-0000-4000-8000-000000000002", ADMINISTRATOR, GROUP, "workspaces/synw-dl"
    )
    pool_scope = "workspaces/synw-dl/bigDataPools/cpu"
    synapse.roles.reput_conflicts = True
    synapse.roles.add(
        assignment_id(props(synapse, scope=pool_scope)), ADMINISTRATOR, GROUP, pool_scope
    )

    result = provider().create(props(synapse, scope=pool_scope))

    assert result.outs["assignmentId"] == assignment_id(props(synapse, scope=pool_scope))
    assert result.outs["adopted"] is False


def test_the_existing_assignment_is_found_on_a_later_page(synapse):
    synapse.roles.page_size = 1
    for n in range(3):
        synapse.roles.add(
            f"0000000{n}-0000-4000-8000-000000000000",
            ADMINISTRATOR,
            f"other-{n}",
            "workspaces/synw-dl",
        )
    synapse.roles.add(
        "5b7c9f7e-0000-4000-8000-000000000003", ADMINISTRATOR, GROUP, "workspaces/synw-dl"
    )
    # Filtered by role only, as a service that ignored the principal filter would answer.
    original = synapse.roles._list
    synapse.roles._list = lambda query, headers: original(
        {k: v for k, v in query.items() if k != "principalId"}, headers
    )

    result = provider().create(props(synapse))

    assert result.outs["assignmentId"] == "5b7c9f7e-0000-4000-8000-000000000003"
    # The first page asked for without a token, each next one with the token last given.
    assert synapse.roles.continuations == [None, "1", "2", "3"]


def test_a_conflict_with_no_assignment_at_this_scope_is_raised_after_every_page(synapse):
    # The service says one exists, but every page lists only enclosing scopes (one of them
    # without `value`: the spec does not require it).
    synapse.roles.page_size = 1
    for n in range(2):
        synapse.roles.add(
            f"0000000{n}-0000-4000-8000-000000000000", ADMINISTRATOR, GROUP, "workspaces/synw-dl"
        )
    synapse.fail(
        "PUT", 409, body={"error": {"code": "RoleAssignmentAlreadyExists", "message": "exists"}}
    )
    original = synapse.roles._list

    def pages(query, headers):
        status, answer, body = original(query, headers)
        if headers.get(CONTINUATION):
            del body["value"]
        return status, answer, body

    synapse.roles._list = pages

    with pytest.raises(HttpResponseError) as raised:
        provider().create(props(synapse, scope="workspaces/synw-dl/bigDataPools/cpu"))

    assert raised.value.status_code == 409
    assert synapse.roles.continuations == [None, "1"]


def test_read_reports_the_assignment_the_service_holds(synapse):
    created = provider().create(props(synapse))

    read = provider().read(created.id, created.outs)

    assert read.id == created.id
    assert read.outs == created.outs


def test_read_reports_a_removed_assignment_as_gone(synapse):
    created = provider().create(props(synapse))
    synapse.roles.assignments.clear()

    read = provider().read(created.id, created.outs)

    assert (read.id, read.outs) == ("", {})


def test_a_403_on_read_is_raised_never_taken_for_a_removed_assignment(synapse):
    # "Gone" would make Pulumi drop a live assignment from its state.
    created = provider().create(props(synapse))
    synapse.fail("GET", 403, body={"error": {"code": "Unauthorized", "message": "no"}})

    with pytest.raises(SynapsePermissionError) as raised:
        provider().read(created.id, created.outs)

    held = created.outs["assignmentId"]
    assert str(raised.value) == (
        f"Synapse refused to read {held} (HTTP 403 Unauthorized: no): the identity needs the "
        "Synapse RBAC role 'Synapse Administrator' on the workspace"
    )


def test_a_500_on_read_is_raised_never_taken_for_a_removed_assignment(synapse):
    created = provider().create(props(synapse))
    for _ in range(4):  # more than azure-core's status retries
        synapse.fail("GET", 500)

    with pytest.raises(HttpResponseError):
        provider().read(created.id, created.outs)


@pytest.mark.parametrize("missing_status", [204, 404])
def test_delete_removes_the_assignment_and_a_missing_one_is_fine(synapse, missing_status):
    synapse.roles.delete_missing_status = missing_status
    created = provider().create(props(synapse))

    provider().delete(created.id, created.outs)
    provider().delete(created.id, created.outs)

    assert synapse.roles.assignments == {}


def test_every_change_replaces_the_assignment(synapse):
    olds = {**props(synapse), "assignmentId": "x", "adopted": False}

    for key, value in [
        ("roleId", OPERATOR),
        ("principalId", "another"),
        ("scope", "workspaces/x"),
        ("principalType", "User"),
        ("endpoint", "https://other"),
    ]:
        diff = provider().diff("id", olds, {**props(synapse), key: value})
        assert diff.changes and diff.replaces == [key]
    assert not provider().diff("id", olds, props(synapse)).changes


def test_a_caller_without_synapse_administrator_is_told_the_role(synapse):
    synapse.roles.caller_is_admin = False

    with pytest.raises(SynapsePermissionError) as raised:
        provider().create(props(synapse))

    assert str(raised.value).startswith(
        f"Synapse refused to assign {ADMINISTRATOR} to {GROUP} on workspaces/synw-dl "
        "(HTTP 403 Unauthorized: The principal "
    )
    assert str(raised.value).endswith(
        "the identity needs the Synapse RBAC role 'Synapse Administrator' on the workspace"
    )


def test_a_firewall_refusal_is_not_reported_as_a_missing_role(synapse):
    synapse.firewall_refuses = True

    with pytest.raises(SynapsePermissionError, match="the workspace firewall refused"):
        provider().create(props(synapse))


@pytest.mark.parametrize("status", [429, 500, 503])
def test_refused_calls_are_retried(synapse, status):
    headers = {"Retry-After": "0"} if status == 429 else None
    synapse.fail("PUT", status, headers)

    provider().create(props(synapse))

    assert len(synapse.roles.assignments) == 1


def test_the_service_refuses_a_body_without_its_required_fields(synapse):
    # The fake is as strict as the spec: this guards the fake, the rest guard the provider.
    with pytest.raises(Exception, match="body.principalId is required"):
        provider().create(props(synapse, principalId=""))


def test_the_list_asks_for_the_role_principal_and_scope_only(synapse):
    synapse.roles.add(
        "5b7c9f7e-0000-4000-8000-000000000009", ADMINISTRATOR, GROUP, "workspaces/synw-dl"
    )

    provider().create(props(synapse))

    [(_, query)] = [q for q in synapse.roles.queries if q[0] == "GET /roleAssignments"]
    assert query == {
        "api-version": "2020-12-01",
        "roleId": ADMINISTRATOR,
        "principalId": GROUP,
        "scope": "workspaces/synw-dl",
    }


@pytest.mark.parametrize("status", [200, 204])
def test_delete_names_the_scope_and_takes_either_answer_the_spec_gives(synapse, status):
    synapse.roles.delete_status = status
    created = provider().create(props(synapse))

    provider().delete(created.id, created.outs)

    [(_, query)] = [q for q in synapse.roles.queries if q[0].startswith("DELETE")]
    assert query == {"api-version": "2020-12-01", "scope": "workspaces/synw-dl"}
    assert synapse.roles.assignments == {}


def test_a_refused_delete_names_the_assignment_and_keeps_it(synapse):
    created = provider().create(props(synapse))
    synapse.roles.caller_is_admin = False

    with pytest.raises(SynapsePermissionError) as raised:
        provider().delete(created.id, created.outs)

    assert str(raised.value).startswith(
        f"Synapse refused to remove {created.outs['assignmentId']} (HTTP 403 Unauthorized: "
    )
    assert synapse.roles.assignments


def test_a_refused_list_after_a_conflict_says_what_it_was_doing(synapse):
    synapse.roles.add(
        "5b7c9f7e-0000-4000-8000-00000000000a", ADMINISTRATOR, GROUP, "workspaces/synw-dl"
    )
    synapse.fail("GET", 403, body={"error": {"code": "Unauthorized", "message": "no"}})

    with pytest.raises(SynapsePermissionError) as raised:
        provider().create(props(synapse))

    assert str(raised.value).startswith(
        "Synapse refused to list role assignments (HTTP 403 Unauthorized: no)"
    )


def test_a_conflict_the_service_does_not_explain_is_raised_as_it_came(synapse):
    # A gateway's page, no error object: no lookup, the service's own answer.
    synapse.fail("PUT", 409, body=b"<html>409 Conflict</html>")

    with pytest.raises(HttpResponseError) as raised:
        provider().create(props(synapse))

    assert raised.value.status_code == 409
    assert synapse.roles.queries == []


def test_each_call_names_this_package_as_its_user_agent(synapse):
    provider().create(props(synapse))

    assert synapse.user_agents and all(
        agent.startswith("synapse-dl/") for agent in synapse.user_agents
    )


def test_the_assignment_id_never_changes_between_versions():
    # A create interrupted under one version and retried under the next must target the same
    # assignment: this is the id of these inputs, for good.
    assert assignment_id({
        "endpoint": "https://synw-dl-dev-001.dev.azuresynapse.net",
        "roleId": "6e4bf58a-b8e1-4cc3-bbf9-d73143322b78",
        "principalId": "5d2c7a41-0000-4000-8000-000000000001",
        "scope": "workspaces/synw-dl-dev-001",
    }) == "c19cff8a-06e7-5f4f-a210-2db807d48ac1"  # fmt: skip
