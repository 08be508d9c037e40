"""Synapse RBAC role assignments, through a workspace's data plane (`/roleAssignments`,
api-version 2020-12-01, roleAssignments.json in Azure/azure-rest-api-specs).

On azure-core's own pipeline (its RetryPolicy retries 429 and 5xx, a PUT and a DELETE
included) rather than azure-synapse-accesscontrol, a beta last released in 2021 whose list
call returns one page and hides the continuation header the service pages with.
"""

from __future__ import annotations

from typing import Any

from azure.core.exceptions import HttpResponseError
from azure.core.rest import HttpRequest, HttpResponse

from synapse_dl.clients.synapse import data_plane_client, permission_error
from synapse_dl.facts import synapse_rbac

API_VERSION = "2020-12-01"
# The list pages with this header, sent back to ask for the next page ("" on the last).
CONTINUATION = "x-ms-continuation"


def _details(assignment: dict[str, Any]) -> dict[str, Any]:
    """RoleAssignmentDetails as this package names them: the request's `roleId` comes back as
    `roleDefinitionId`."""
    return {
        "id": assignment["id"],
        "roleId": assignment["roleDefinitionId"],
        "principalId": assignment["principalId"],
        "scope": assignment["scope"],
    }


class RoleAssignments:
    def __init__(self, endpoint: str, credential: Any):
        self._client = data_plane_client(endpoint, credential)

    def create(
        self,
        assignment_id: str,
        role_id: str,
        principal_id: str,
        scope: str,
        principal_type: str | None = None,
    ) -> tuple[dict[str, Any], bool]:
        """The assignment, and whether it existed already under another id (the service holds
        one per role, principal and scope; it answers a second 409 RoleAssignmentAlreadyExists)."""
        body = {"roleId": role_id, "principalId": principal_id, "scope": scope}
        if principal_type:
            body["principalType"] = principal_type
        response = self._send("PUT", f"/roleAssignments/{assignment_id}", json=body)
        if response.status_code == 200:
            return _details(response.json()), False
        error = HttpResponseError(response=response)
        already = error.error.code if error.error else None
        if response.status_code == 409 and already == synapse_rbac.ALREADY_EXISTS:
            # Ours, its answer lost and the PUT retried; or made before, by someone else.
            existing = self.find(role_id, principal_id, scope)
            if existing is not None:
                return existing, existing["id"] != assignment_id
        raise self._refusal(error, f"assign {role_id} to {principal_id} on {scope}")

    def get(self, assignment_id: str) -> dict[str, Any] | None:
        """The assignment, or None when the service answers 404 (never on any other refusal:
        a 403 would drop a live assignment from the stack's state)."""
        response = self._send("GET", f"/roleAssignments/{assignment_id}")
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise self._refusal(HttpResponseError(response=response), f"read {assignment_id}")
        return _details(response.json())

    def delete(self, assignment_id: str, scope: str) -> None:
        """Removes the assignment; one already gone is fine."""
        response = self._send("DELETE", f"/roleAssignments/{assignment_id}", scope=scope)
        if response.status_code not in (200, 204, 404):
            raise self._refusal(HttpResponseError(response=response), f"remove {assignment_id}")

    def find(self, role_id: str, principal_id: str, scope: str) -> dict[str, Any] | None:
        """The assignment of this role to this principal at exactly this scope, if any: the
        service's filter also answers those at enclosing scopes."""
        continuation = ""
        while True:
            headers = {CONTINUATION: continuation} if continuation else {}
            response = self._send(
                "GET",
                "/roleAssignments",
                headers=headers,
                roleId=role_id,
                principalId=principal_id,
                scope=scope,
            )
            if response.status_code != 200:
                raise self._refusal(HttpResponseError(response=response), "list role assignments")
            wanted = (role_id, principal_id, scope)
            for assignment in response.json().get("value", []):
                held = (
                    assignment["roleDefinitionId"],
                    assignment["principalId"],
                    assignment["scope"],
                )
                if held == wanted:
                    return _details(assignment)
            continuation = response.headers.get(CONTINUATION) or ""
            if not continuation:
                return None

    def _send(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        **params: str,
    ) -> HttpResponse:
        request = HttpRequest(
            method,
            self._client.format_url(path),
            params={"api-version": API_VERSION, **params},
            headers=headers,
            json=json,
        )
        return self._client.send_request(request)

    @staticmethod
    def _refusal(error: HttpResponseError, action: str) -> Exception:
        # Only a Synapse Administrator may read or change the workspace's role assignments.
        return permission_error(error, action, synapse_rbac.SYNAPSE_ADMINISTRATOR)
