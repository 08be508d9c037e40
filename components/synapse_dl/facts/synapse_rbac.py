"""Synapse RBAC: the workspace's own roles, assigned through its data plane
(`https://{workspace}.dev.azuresynapse.net/roleAssignments`, api-version 2020-12-01,
Azure/azure-rest-api-specs synapse/data-plane/Microsoft.Synapse/stable/2020-12-01/
roleAssignments.json).

Role names: "Synapse RBAC roles and the actions they permit", learn.microsoft.com/azure/
synapse-analytics/security/synapse-workspace-synapse-rbac-roles (names only). Their ids are the
service's own, as its `GET /roleDefinitions` answers them in Microsoft's recorded live calls
(Azure/azure-sdk-for-js synapse-access-control-rest recording_should_list_roles.json at
ea8f4a73; Azure/azure-cli synapse test_access_control.yaml at 2a626d2a): the same in both.
"""

from __future__ import annotations

SYNAPSE_ADMINISTRATOR = "Synapse Administrator"
SYNAPSE_ARTIFACT_PUBLISHER = "Synapse Artifact Publisher"
SYNAPSE_COMPUTE_OPERATOR = "Synapse Compute Operator"

ROLE_IDS = {
    SYNAPSE_ADMINISTRATOR: "6e4bf58a-b8e1-4cc3-bbf9-d73143322b78",
    SYNAPSE_ARTIFACT_PUBLISHER: "05930f57-09a3-4c0d-9fa9-6d1eb91c178b",
    SYNAPSE_COMPUTE_OPERATOR: "e3844cc7-4670-42cb-9349-9bdac1ee7881",
}
# The principal types the service names (principalType: User, Group or ServicePrincipal).
PRINCIPAL_TYPES = ("User", "Group", "ServicePrincipal")
# What the service answers a second assignment of the same role, principal and scope.
ALREADY_EXISTS = "RoleAssignmentAlreadyExists"


def workspace_scope(workspace_name: str) -> str:
    """The whole workspace, as the role-assignment API writes it."""
    return f"workspaces/{workspace_name}"
