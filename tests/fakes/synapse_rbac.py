"""Synapse RBAC role assignments on the fake Synapse data plane (FakeSynapse delegates to this).

From roleAssignments.json (tests/fakes/specs.py) and Microsoft's recorded live calls
(azure-sdk-for-js synapse-access-control-rest recordings, azure-cli synapse
test_access_control.yaml):
- `PUT /roleAssignments/{id}` answers 200 with RoleAssignmentDetails, `principalType` only if
  it was sent; a second assignment of the same role, principal and scope under another id is
  refused 409 RoleAssignmentAlreadyExists.
- `GET /roleAssignments/{id}` answers 200, or 404 RoleAssignmentNotFound.
- `DELETE /roleAssignments/{id}` answers 204.
- `GET /roleAssignments?roleId&principalId&scope` answers {count, value}, a page at a time with
  the `x-ms-continuation` header; the scope filter also answers assignments at enclosing
  scopes.
- Only a Synapse Administrator may assign: others are refused 403 with code Unauthorized.
Not seen in any recording, so set per test: whether a PUT of an id that exists is answered 200
(`reput_conflicts` False) or 409; whether deleting a missing id answers 204 or 404
(`delete_missing_status`).
"""

from __future__ import annotations

import re
from collections import deque
from typing import Any

from tests.fakes import specs
from tests.fakes.https_server import Answer, error_body

_ASSIGNMENT = re.compile(r"^/roleAssignments/(?P<id>[^/]+)$")
CONTINUATION = "x-ms-continuation"


def _encloses(outer: str, scope: str) -> bool:
    return scope == outer or scope.startswith(f"{outer}/")


class FakeRoleAssignments:
    def __init__(self) -> None:
        self.assignments: dict[str, dict[str, Any]] = {}
        # The caller holds Synapse Administrator (a workspace's creator does).
        self.caller_is_admin = True
        self.caller_id = "33333333-3333-3333-3333-333333333333"
        self.reput_conflicts = False
        self.delete_missing_status = 404
        # Statuses a PUT answers *after* it has stored the assignment (a reply lost).
        self.after_put: deque[int] = deque()
        self.page_size = 100
        # The status a delete answers (the spec declares 200 and 204; recordings show 204).
        self.delete_status = 204
        # The query of each list and delete, as sent.
        self.queries: list[tuple[str, dict]] = []
        # The continuation token of each list call, None when it sent none.
        self.continuations: list[str | None] = []

    def handles(self, path: str) -> bool:
        return path == "/roleAssignments" or path.startswith("/roleAssignments/")

    def handle(self, method: str, path: str, query: dict, body: Any, headers: dict) -> Answer:
        if method != "GET" and not self.caller_is_admin:
            return (
                403,
                {},
                error_body(
                    "Unauthorized",
                    f"The principal '{self.caller_id}' does not have the required Synapse RBAC "
                    "permission to perform this action. Required permission: Action: "
                    "Microsoft.Synapse/workspaces/roleAssignments/write, Scope: workspaces/ws/*.",
                ),
            )
        if method in ("GET", "DELETE"):
            self.queries.append((f"{method} {path}", dict(query)))
        if path == "/roleAssignments" and method == "GET":
            return self._list(query, {k.lower(): v for k, v in headers.items()})
        match = _ASSIGNMENT.match(path)
        if not match:
            return 404, {}, error_body("NotFound", path)
        assignment_id = match["id"]
        if method == "PUT":
            return self._put(assignment_id, body)
        if assignment_id not in self.assignments:
            if method == "DELETE":
                return (
                    self.delete_missing_status,
                    {},
                    (
                        error_body("RoleAssignmentNotFound", "RoleAssignmentNotFound")
                        if self.delete_missing_status == 404
                        else None
                    ),
                )
            return 404, {}, error_body("RoleAssignmentNotFound", "RoleAssignmentNotFound")
        if method == "GET":
            return 200, {}, self.assignments[assignment_id]
        if method == "DELETE":
            del self.assignments[assignment_id]
            return self.delete_status, {}, None
        return 405, {}, error_body("MethodNotAllowed", method)

    def add(self, assignment_id: str, role_id: str, principal_id: str, scope: str) -> None:
        """An assignment made outside the code under test (in Synapse Studio, say)."""
        self.assignments[assignment_id] = {
            "id": assignment_id,
            "roleDefinitionId": role_id,
            "principalId": principal_id,
            "scope": scope,
        }

    def _put(self, assignment_id: str, body: Any) -> Answer:
        if problem := specs.missing(body, specs.ROLE_ASSIGNMENT_REQUIRED, "body"):
            return 400, {}, error_body("BadRequest", problem)
        if assignment_id in self.assignments and self.reput_conflicts:
            return self._exists(body)
        same = [
            a
            for a in self.assignments.values()
            if (a["roleDefinitionId"], a["principalId"], a["scope"])
            == (body["roleId"], body["principalId"], body["scope"])
        ]
        if same and same[0]["id"] != assignment_id:
            return self._exists(body)
        details = {
            "id": assignment_id,
            "roleDefinitionId": body["roleId"],
            "principalId": body["principalId"],
            "scope": body["scope"],
        }
        if body.get("principalType"):
            details["principalType"] = body["principalType"]
        self.assignments[assignment_id] = details
        if self.after_put:
            return self.after_put.popleft(), {}, error_body("InternalServerError", "lost")
        return 200, {}, details

    @staticmethod
    def _exists(body: dict[str, Any]) -> Answer:
        return (
            409,
            {},
            error_body(
                "RoleAssignmentAlreadyExists",
                f"Role Assignment with roleId '{body['roleId']}', principalId "
                f"'{body['principalId']}' and scope '{body['scope']}' within workspace 'ws' "
                "already exists.",
            ),
        )

    def _list(self, query: dict, headers: dict[str, str]) -> Answer:
        found = [
            a
            for a in self.assignments.values()
            if query.get("roleId") in (None, a["roleDefinitionId"])
            and query.get("principalId") in (None, a["principalId"])
            and ("scope" not in query or _encloses(a["scope"], query["scope"]))
        ]
        token = headers.get(CONTINUATION)
        self.continuations.append(token)
        if token is not None and not token.isdigit():
            # A token it never gave (this fake's are offsets): refused. No recording shows the
            # service's words for it; the code here is the fake's.
            return 400, {}, error_body("InvalidContinuationToken", f"'{token}' is not a token")
        start = int(token or 0)
        page = found[start : start + self.page_size]
        # The last page has no continuation header.
        more = start + self.page_size < len(found)
        answer = {CONTINUATION: str(start + self.page_size)} if more else {}
        return 200, answer, {"count": len(page), "value": page}
