"""The people who administer the workspace: an Entra group as its SQL Active Directory admin."""

from __future__ import annotations

import pytest

from synapse_dl.config.stack import ConfigError, parse_stack_config
from synapse_dl.offline_plan.mocks import MOCK_TENANT_ID, plan_stack

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
