"""A Synapse RBAC role assignment: a role of the workspace's own (Synapse Administrator, Synapse
Compute Operator, ...) given to a principal, through the workspace's data plane.

No ARM, azure-native or azurerm resource exists for them (they are not Azure RBAC), so this
dynamic provider manages them with clients/synapse_rbac.py. An assignment cannot be changed in
place: any change replaces it. The service holds one assignment per role, principal and scope;
one that was there before this resource (a person's, made in Synapse Studio) is taken on, and
left in place when the resource is deleted, since this stack did not make it.
"""

from __future__ import annotations

import uuid
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, ResourceProvider

from synapse_dl.clients.credentials import CredentialFactory, default_credential
from synapse_dl.clients.synapse import workspace_endpoint
from synapse_dl.clients.synapse_rbac import RoleAssignments
from synapse_dl.facts import synapse_rbac
from synapse_dl.providers.diff import diff_by_keys

# What the assignment is: any change is another assignment.
_IDENTITY_KEYS = ("endpoint", "roleId", "principalId", "scope", "principalType")
# Fixed, so the same role, principal and scope get the same id on every run.
_ASSIGNMENT_NAMESPACE = uuid.UUID("0d4bb3a4-6f55-4cf3-9d2c-5a9ad4f2e0b7")


def assignment_id(props: dict[str, Any]) -> str:
    """The id this resource asks for: a retried create targets the same assignment."""
    key = "|".join(props[k] for k in ("endpoint", "roleId", "principalId", "scope"))
    return str(uuid.uuid5(_ASSIGNMENT_NAMESPACE, key))


class SynapseRoleAssignmentProvider(ResourceProvider):
    def __init__(self, credential_factory: CredentialFactory = default_credential):
        # Pickled into the state with the provider: a module-level function, by reference.
        self._credential_factory = credential_factory

    def _assignments(self, props: dict[str, Any]) -> RoleAssignments:
        return RoleAssignments(props["endpoint"], self._credential_factory())

    def create(self, props: dict[str, Any]) -> CreateResult:
        assignment, adopted = self._assignments(props).create(
            assignment_id(props),
            props["roleId"],
            props["principalId"],
            props["scope"],
            props.get("principalType"),
        )
        outs = {**props, "assignmentId": assignment["id"], "adopted": adopted}
        return CreateResult(
            id_=f"{props['endpoint']}/roleAssignments/{assignment['id']}", outs=outs
        )

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        assignment = self._assignments(props).get(props["assignmentId"])
        if assignment is None:
            # Gone: an empty id tells the engine to create it again.
            return ReadResult(id_="", outs={})
        held = {key: assignment[key] for key in ("roleId", "principalId", "scope")}
        return ReadResult(id_=id_, outs={**props, **held})

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return diff_by_keys(olds, news, replace_keys=_IDENTITY_KEYS, update_keys=())

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        if props.get("adopted"):
            return  # someone's before this stack: theirs to remove
        self._assignments(props).delete(props["assignmentId"], props["scope"])


class SynapseRoleAssignment(
    pulumi.dynamic.Resource, module="synapse", name="SynapseRoleAssignment"
):
    """A Synapse RBAC role, by name, given to a principal on the whole workspace."""

    def __init__(
        self,
        resource_name: str,
        *,
        workspace_name: pulumi.Input[str],
        role: str,
        principal_id: pulumi.Input[str],
        principal_type: str | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ):
        workspace = pulumi.Output.from_input(workspace_name)
        super().__init__(
            SynapseRoleAssignmentProvider(),
            resource_name,
            {
                "workspaceName": workspace,
                "endpoint": workspace.apply(workspace_endpoint),
                "role": role,
                "roleId": synapse_rbac.ROLE_IDS[role],
                "principalId": principal_id,
                # None: the service tells (a deploying identity may be a user or a service
                # principal).
                "principalType": principal_type,
                "scope": workspace.apply(synapse_rbac.workspace_scope),
                "assignmentId": None,
                "adopted": None,
            },
            opts,
        )
