"""Workspace packages on the fake Synapse data plane (FakeSynapse delegates to this).

From library.json (synapse/data-plane/Microsoft.Synapse/stable/2020-12-01, commit 1e0f05ee)
and the SDK built from it (azure-synapse-artifacts `LibraryOperations`):
- `PUT /libraries/{name}` creates an empty package: 202 and a long-running operation whose
  `Location` is `/libraryOperationResults/{id}` (202 while running, 200 with the
  LibraryResource); the name is at most 100 characters; an existing name is a conflict.
- `PUT /libraries/{name}?comp=appendblock`, `application/octet-stream`, at most 4 MiB a call,
  answered 201; with `x-ms-blob-condition-appendpos` it is refused 412
  AppendPositionConditionNotMet unless the package's size is that offset.
- `POST /libraries/{name}/flush` finishes the upload (long-running); `GET` answers the
  LibraryResource, its `provisioningStatus` Succeeded once flushed; `DELETE` is long-running,
  404 for a package that does not exist, 409 for one a pool still uses.
"""

from __future__ import annotations

import re
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.https_server import Answer, error_body

MAX_APPEND_BYTES = 4 * 2**20
MAX_NAME = 100
_LIBRARY = re.compile(r"^/libraries/(?P<name>[^/]+)$")
_FLUSH = re.compile(r"^/libraries/(?P<name>[^/]+)/flush$")
_OPERATION = re.compile(r"^/libraryOperationResults/(?P<id>[0-9a-f-]+)$")


@dataclass
class Library:
    name: str
    content: bytearray = field(default_factory=bytearray)
    flushed: bool = False
    appends: int = 0


@dataclass
class _Operation:
    polls_left: int
    result: dict[str, Any] | None
    error: dict[str, str] | None = None


class FakeLibraries:
    def __init__(self) -> None:
        self.libraries: dict[str, Library] = {}
        # Packages a pool uses: deleting one is refused.
        self.in_use: set[str] = set()
        # Statuses an append answers *after* it has appended (a reply lost on the way back).
        self.after_append: deque[int] = deque()
        # Bytes another client appends to the next package right after it is created.
        self.interloper = b""
        # The error the next flush's operation ends with, if any.
        self.fail_next_flush: dict[str, str] | None = None
        # False: a flush's operation succeeds but the package stays Incomplete.
        self.flush_completes = True
        self.operations: dict[str, _Operation] = {}
        self.polls_before_done = 1
        self.base_url = ""

    def handles(self, path: str) -> bool:
        return path.startswith(("/libraries/", "/libraryOperationResults/"))

    def handle(
        self, method: str, path: str, query: dict, body: Any, headers: dict[str, str]
    ) -> Answer:
        if method == "GET" and (match := _OPERATION.match(path)):
            return self._poll(match["id"])
        if method == "POST" and (match := _FLUSH.match(path)):
            return self._flush(match["name"])
        match = _LIBRARY.match(path)
        if not match:
            return 404, {}, error_body("NotFound", path)
        name = match["name"]
        if len(name) > MAX_NAME:
            return 400, {}, error_body("BadRequest", f"libraryName is over {MAX_NAME} characters")
        if method == "PUT" and query.get("comp") == "appendblock":
            return self._append(name, body, {k.lower(): v for k, v in headers.items()})
        if method == "PUT":
            return self._create(name)
        library = self.libraries.get(name)
        if library is None:
            return 404, {}, error_body("LibraryNotFound", f"Library {name} not found")
        if method == "GET":
            return 200, {}, self.resource(library)
        if method == "DELETE":
            if name in self.in_use:
                return 409, {}, error_body("Conflict", f"{name} is used by a Spark pool")
            del self.libraries[name]
            return self._accept(None)
        return 405, {}, error_body("MethodNotAllowed", method)

    def resource(self, library: Library) -> dict[str, Any]:
        """The LibraryResource the service answers for a package."""
        return {
            "id": f"/libraries/{library.name}",
            "name": library.name,
            "type": "Microsoft.Synapse/workspaces/libraries",
            "etag": str(uuid.uuid4()),
            "properties": {
                "name": library.name,
                "path": f"synw-test/libraries/{library.name}",
                "containerName": "prep",
                "uploadedTimestamp": "2026-11-25T10:00:00.0000000+00:00",
                "type": library.name.rsplit(".", 1)[-1],
                "provisioningStatus": "Succeeded" if library.flushed else "Incomplete",
                "creatorId": "00000000-0000-0000-0000-000000000001",
            },
        }

    def _create(self, name: str) -> Answer:
        if name in self.libraries:
            return 409, {}, error_body("Conflict", f"Library {name} already exists")
        self.libraries[name] = Library(name, bytearray(self.interloper))
        self.interloper = b""
        return self._accept(self.resource(self.libraries[name]))

    def _append(self, name: str, body: Any, headers: dict[str, str]) -> Answer:
        library = self.libraries.get(name)
        if library is None:
            return 404, {}, error_body("LibraryNotFound", f"Library {name} not found")
        if not isinstance(body, bytes) or headers.get("content-type") != "application/octet-stream":
            return 415, {}, error_body("UnsupportedMediaType", "the chunk must be octet-stream")
        if len(body) > MAX_APPEND_BYTES:
            return 413, {}, error_body("RequestBodyTooLarge", f"{len(body)} bytes is over 4 MiB")
        if library.flushed:
            return 409, {}, error_body("Conflict", f"Library {name} is already flushed")
        position = headers.get("x-ms-blob-condition-appendpos")
        if position is not None and int(position) != len(library.content):
            return (
                412,
                {},
                error_body(
                    "AppendPositionConditionNotMet",
                    f"append position {position} is not the size {len(library.content)}",
                ),
            )
        library.content += body
        library.appends += 1
        if self.after_append:
            status = self.after_append.popleft()
            return status, {}, error_body("InternalServerError", "the reply was lost")
        return 201, {}, None

    def _flush(self, name: str) -> Answer:
        library = self.libraries.get(name)
        if library is None:
            return 404, {}, error_body("LibraryNotFound", f"Library {name} not found")
        error, self.fail_next_flush = self.fail_next_flush, None
        if error is None:
            library.flushed = self.flush_completes
        return self._accept(self.resource(library), error)

    def _accept(self, result: dict[str, Any] | None, error: dict | None = None) -> Answer:
        """202 with a LibraryResourceInfo; the operation ends with `result` or `error`."""
        operation_id = str(uuid.uuid4())
        self.operations[operation_id] = _Operation(self.polls_before_done, result, error)
        location = f"{self.base_url}/libraryOperationResults/{operation_id}?api-version=2020-12-01"
        info = {"operationId": operation_id, "state": "InProgress", "type": "LibraryArtifact"}
        if result is not None:
            info.update(id=result["id"], name=result["name"])
        # Fractional seconds keep the tests quick; the service sends whole seconds.
        return 202, {"Location": location, "Retry-After": "0.05"}, info

    def _poll(self, operation_id: str) -> Answer:
        operation = self.operations[operation_id]
        if operation.polls_left > 0:
            operation.polls_left -= 1
            return 202, {"Retry-After": "0.05"}, {"status": "InProgress"}
        if operation.error:
            return 400, {}, {"error": operation.error}
        return 200, {}, operation.result
