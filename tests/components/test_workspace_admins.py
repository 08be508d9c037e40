"""The people who administer the workspace: an Entra group as its SQL Active Directory admin."""

from __future__ import annotations

import pytest

from synapse_dl.config.errors import ConfigError
from synapse_dl.config.loading import parse_stack_config
from synapse_dl.engine.offline_runtime import MOCK_TENANT_ID, plan_stack

ADMIN = "azure-native:synapse:WorkspaceAadAdmin"
GROUP = "6f0c2a9e-1d3b-4c5a-9e8f-7a6b5c4d3e2f"


def test_the_admins_group_is_the_workspaces_sql_active_directory_admin(dev_config, write_stack):
    dev_config["workspace"]["admins"] = {"groupObjectId": GROUP, "groupName": "synapse-admins"}

    plan = plan_stack(write_stack(dev_config))

    admin = plan.one(ADMIN, "synw-dl-dev-001-sql-admin")
    assert admin.inputs == {
        "workspaceName": "synw-dl-dev-001",
        "resourceGroupName": "rg-synapse-dl-dev",
        "administratorType": "ActiveDirectory",
        "login": "synapse-admins",
        "sid": GROUP,
        "tenantId": MOCK_TENANT_ID,
    }
    assert admin.outputs["id"].endswith(
        "/workspaces/synw-dl-dev-001/administrators/activeDirectory"
    )


def test_without_admins_there_is_no_sql_admin(dev_config, write_stack):
    assert plan_stack(write_stack(dev_config)).by_type(ADMIN) == []


@pytest.mark.parametrize(
    ("admins", "key"),
    [
        ({"groupObjectId": "not-a-guid", "groupName": "g"}, "groupObjectId"),
        ({"groupObjectId": GROUP, "groupName": ""}, "groupName"),
    ],
)
def test_an_admins_setting_azure_would_refuse_is_named(dev_config, admins, key):
    dev_config["workspace"]["admins"] = admins

    with pytest.raises(ConfigError) as caught:
        parse_stack_config(dev_config)

    [found] = caught.value.problems
    assert found.startswith(f"synapse-dl:workspace.admins.{key}")


ROLE = "pulumi-python:dynamic/synapse:SynapseRoleAssignment"
RUNNER = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9"
DEPLOYER = "33333333-3333-3333-3333-333333333333"  # the mocks' getClientConfig objectId


def _roles(plan) -> dict[str, tuple[str, str, str | None]]:
    return {
        r.name: (r.inputs["role"], r.inputs["principalId"], r.inputs.get("principalType"))
        for r in plan.by_type(ROLE)
    }


def test_admins_job_runners_and_the_deployer_get_their_synapse_roles(dev_config, write_stack):
    dev_config["workspace"]["admins"] = {"groupObjectId": GROUP, "groupName": "synapse-admins"}
    dev_config["workspace"]["jobRunners"] = [
        {"objectId": RUNNER},
        {"objectId": DEPLOYER.replace("3", "4"), "type": "ServicePrincipal"},
    ]

    plan = plan_stack(write_stack(dev_config))

    ws = "synw-dl-dev-001"
    assert _roles(plan) == {
        f"{ws}-synapse-role-admins": ("Synapse Administrator", GROUP, "Group"),
        f"{ws}-synapse-role-runner-{RUNNER}": ("Synapse Compute Operator", RUNNER, "Group"),
        f"{ws}-synapse-role-runner-{DEPLOYER.replace('3', '4')}": (
            "Synapse Compute Operator",
            DEPLOYER.replace("3", "4"),
            "ServicePrincipal",
        ),
        f"{ws}-synapse-role-deployer": ("Synapse Artifact Publisher", DEPLOYER, None),
    }
    for role in plan.by_type(ROLE):
        assert role.inputs["workspaceName"] == ws
        assert role.inputs["endpoint"] == f"https://{ws}.dev.azuresynapse.net"
        assert role.inputs["scope"] == f"workspaces/{ws}"
    assert plan.one(ROLE, f"{ws}-synapse-role-admins").inputs["roleId"] == (
        "6e4bf58a-b8e1-4cc3-bbf9-d73143322b78"
    )


def test_job_runners_alone_also_keep_the_deployer_a_publisher(dev_config, write_stack):
    dev_config["workspace"]["jobRunners"] = [{"objectId": RUNNER, "type": "User"}]

    roles = _roles(plan_stack(write_stack(dev_config)))

    assert sorted(role for role, _, _ in roles.values()) == [
        "Synapse Artifact Publisher",
        "Synapse Compute Operator",
    ]


def test_without_people_named_no_synapse_role_is_assigned(dev_config, write_stack):
    assert plan_stack(write_stack(dev_config)).by_type(ROLE) == []


@pytest.mark.parametrize(
    ("runner", "key", "value"),
    [
        ({"objectId": "someone"}, "objectId", "'someone'"),
        ({"objectId": RUNNER, "type": "Robot"}, "type", "'Robot'"),
    ],
)
def test_a_job_runner_azure_would_refuse_is_named(dev_config, runner, key, value):
    dev_config["workspace"]["jobRunners"] = [runner]

    with pytest.raises(ConfigError) as caught:
        parse_stack_config(dev_config)

    [found] = caught.value.problems
    assert found.startswith(f"synapse-dl:workspace.jobRunners[0].{key} = {value}")


@pytest.mark.parametrize("spelling", [RUNNER, RUNNER.upper()])
def test_a_member_listed_twice_is_refused_whatever_the_case(dev_config, spelling):
    # Entra object ids compare without regard to case: one member, one role assignment.
    other = "1c2d3e4f-5061-4728-93a4-b5c6d7e8f9a0"
    dev_config["workspace"]["jobRunners"] = [
        {"objectId": RUNNER, "type": "User"},
        {"objectId": other, "type": "Group"},
        {"objectId": spelling, "type": "User"},
    ]

    with pytest.raises(ConfigError) as caught:
        parse_stack_config(dev_config)

    assert caught.value.problems == [
        f"synapse-dl:workspace.jobRunners[2].objectId = {spelling!r}: the same member as "
        "synapse-dl:workspace.jobRunners[0] (object ids compare without regard to case); list "
        "it once"
    ]
