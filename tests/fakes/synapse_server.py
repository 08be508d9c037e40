"""A fake Synapse data plane (`https://{workspace}.dev.azuresynapse.net`) for job definitions.

As strict as the service (tests/fakes/specs.py has the spec facts): a bearer token for the
data plane's audience; api-version 2020-12-01 on the artifacts API; a definition body with its
required properties (`targetBigDataPool`, `jobProperties` and its `file`, sizes and executors).
`PUT/GET/DELETE /sparkJobDefinitions/{name}`: PUT and DELETE answered 202 with a `Location` to
poll (202 while running, then 200 with the result, or an error status with the operation's
error); `POST .../{name}/execute` answered the same way with a Spark batch; and the Livy batch
API to follow that batch to its end: Apache Livy's batch fields (id, appId, state), and
Synapse's own (errorInfo, result, ...) only when asked with `detailed=true`. With
`firewall_refuses` set, every call is refused as a workspace firewall refuses a client (403
ClientIpAddressNotAuthorized).
Faults (429 with Retry-After, 500, 503, 401, 403) are queued per method and served first.
Workspace packages (`/libraries`) are served by tests/fakes/synapse_libraries.py, role
assignments (`/roleAssignments`) by tests/fakes/synapse_rbac.py.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tests.fakes import specs
from tests.fakes.credentials import audience_of, token_for
from tests.fakes.https_server import Faults, error_body
from tests.fakes.synapse_libraries import FakeLibraries
from tests.fakes.synapse_rbac import FakeRoleAssignments

TOKEN = token_for(specs.SYNAPSE_AUDIENCE)
# The caller's address as the firewall reports it.
CLIENT_IP = "203.0.113.7"
_DEFINITION = re.compile(r"^/sparkJobDefinitions/(?P<name>[^/]+)$")
_EXECUTE = re.compile(r"^/sparkJobDefinitions/(?P<name>[^/]+)/execute$")
_OPERATION = re.compile(r"^/operationResults/(?P<id>[0-9a-f-]+)$")
_BATCH = re.compile(
    r"^/livyApi/versions/2019-11-01-preview/sparkPools/(?P<pool>[^/]+)/batches/(?P<id>\d+)$"
)


@dataclass
class Operation:
    polls_left: int
    result: dict[str, Any] | None
    error: dict[str, str] | None = None


@dataclass
class Batch:
    id: int
    pool: str
    job: str
    states: list[str]
    errors: list[dict[str, str]] = field(default_factory=list)
    # Livy's `log` window at each read (the last one repeats), as the states are.
    logs: list[list[str]] = field(default_factory=list)


class FakeSynapse:
    def __init__(self) -> None:
        self.definitions: dict[str, dict[str, Any]] = {}
        self.batches: dict[int, Batch] = {}
        self.requests: list[tuple[str, str]] = []
        self.authorizations: set[str | None] = set()
        self.faults = Faults()
        self.operations: dict[str, Operation] = {}
        self.polls_before_done = 1
        self.fail_next_operation: dict[str, str] | None = None
        # The states the next executed batch goes through, one per status read.
        self.next_batch_states = ["not_started", "starting", "running", "success"]
        # Livy's log window at each read of the next batch (none: an empty log).
        self.next_batch_logs: list[list[str]] = []
        self.next_batch_errors: list[dict[str, str]] = []
        self.writes: Counter[str] = Counter()
        self.firewall_refuses = False
        self.packages = FakeLibraries()
        self.roles = FakeRoleAssignments()
        self.base_url = ""
        self._lock = threading.Lock()

    # --- test controls ---
    def fail(self, method: str, status: int, headers: dict | None = None, body: Any = None):
        self.faults.add(method, status, headers, body)

    def calls(self, method: str | None = None, prefix: str = "") -> list[str]:
        return [p for m, p in self.requests if (method in (None, m)) and p.startswith(prefix)]

    # --- request handling ---
    def handle(
        self,
        method: str,
        path: str,
        query: dict,
        body: Any,
        authorization: str | None,
        *,
        headers: dict[str, str] | None = None,
    ):
        with self._lock:
            self.requests.append((method, path))
            self.authorizations.add(authorization)
            if self.firewall_refuses:
                # The service's own shape for it: code and message at the top level.
                return (
                    403,
                    {},
                    {
                        "code": "ClientIpAddressNotAuthorized",
                        "message": f"Client Ip address : {CLIENT_IP}",
                    },
                )
            if refused := self._refuse(authorization, path, query):
                return refused
            if fault := self.faults.next(method):
                return fault
            if self.packages.handles(path):
                self.packages.base_url = self.base_url
                return self.packages.handle(method, path, query, body, headers or {})
            if self.roles.handles(path):
                return self.roles.handle(method, path, query, body, headers or {})
            if method == "GET" and (match := _OPERATION.match(path)):
                return self._poll(match["id"])
            if method == "GET" and (match := _BATCH.match(path)):
                return self._batch(int(match["id"]), match["pool"], query.get("detailed"))
            if method == "POST" and (match := _EXECUTE.match(path)):
                return self._execute(match["name"])
            match = _DEFINITION.match(path)
            if not match:
                return 404, {}, error_body("NotFound", path)
            name = match["name"]
            if method == "GET":
                if name not in self.definitions:
                    return 404, {}, error_body("EntityNotFound", f"Spark job definition {name}")
                return 200, {}, self.definitions[name]
            if method == "PUT":
                return self._put(name, body)
            if method == "DELETE":
                if name not in self.definitions:
                    return 404, {}, error_body("EntityNotFound", f"Spark job definition {name}")
                del self.definitions[name]
                self.writes[f"DELETE {name}"] += 1
                return self._accept(None)
            return 405, {}, error_body("MethodNotAllowed", method)

    @staticmethod
    def _refuse(authorization: str | None, path: str, query: dict) -> tuple | None:
        audience = audience_of(authorization)
        if audience is None:
            return 401, {}, error_body("Unauthorized", "missing or bad bearer token")
        if audience != specs.SYNAPSE_AUDIENCE:
            return (
                401,
                {},
                error_body(
                    "Unauthorized", f"Token Authentication failed: audience {audience!r} is wrong"
                ),
            )
        # The Livy API carries its version in the path; the artifacts API in the query.
        if not _BATCH.match(path) and query.get("api-version") != specs.SYNAPSE_API_VERSION:
            return (
                400,
                {},
                error_body(
                    "InvalidApiVersion",
                    f"api-version {query.get('api-version')!r} is not supported",
                ),
            )
        return None

    def _put(self, name: str, body: dict[str, Any]):
        properties = body.get("properties") if isinstance(body, dict) else None
        problem = specs.missing(
            properties, specs.SPARK_JOB_DEFINITION_REQUIRED, "properties"
        ) or specs.missing(
            (properties or {}).get("jobProperties"),
            specs.SPARK_JOB_PROPERTIES_REQUIRED,
            "properties.jobProperties",
        )
        if problem:
            return 400, {}, error_body("BadRequest", problem)
        resource = {
            "id": f"/sparkJobDefinitions/{name}",
            "name": name,
            "type": "Microsoft.Synapse/workspaces/sparkjobdefinitions",
            "etag": str(uuid.uuid4()),
            "properties": body["properties"],
        }
        if self.fail_next_operation is None:
            self.definitions[name] = resource
            self.writes[f"PUT {name}"] += 1
        return self._accept(resource)

    def _execute(self, name: str):
        definition = self.definitions.get(name)
        if definition is None:
            return 404, {}, error_body("EntityNotFound", f"Spark job definition {name}")
        batch_id = len(self.batches) + 1
        pool = definition["properties"]["targetBigDataPool"]["referenceName"]
        self.batches[batch_id] = Batch(
            batch_id,
            pool,
            name,
            list(self.next_batch_states),
            list(self.next_batch_errors),
            [list(window) for window in self.next_batch_logs],
        )
        return self._accept(self._batch_body(self.batches[batch_id], "not_started", detailed=True))

    def _accept(self, result: dict[str, Any] | None):
        operation_id = str(uuid.uuid4())
        self.operations[operation_id] = Operation(
            self.polls_before_done, result, self.fail_next_operation
        )
        self.fail_next_operation = None
        headers = {
            "Location": f"{self.base_url}/operationResults/{operation_id}?api-version=2020-12-01",
            # Fractional seconds keep the tests quick; the service sends whole seconds.
            "Retry-After": "0.05",
        }
        return 202, headers, None

    def _poll(self, operation_id: str):
        operation = self.operations[operation_id]
        if operation.polls_left > 0:
            operation.polls_left -= 1
            return 202, {"Retry-After": "0.05"}, None
        if operation.error:
            return 400, {}, {"error": operation.error}
        return 200, {}, operation.result

    def _batch(self, batch_id: int, pool: str, detailed: str | None):
        batch = self.batches.get(batch_id)
        if batch is None or batch.pool != pool:
            return 404, {}, error_body("NotFound", f"batch {batch_id} in pool {pool}")
        state = batch.states.pop(0) if len(batch.states) > 1 else batch.states[0]
        log = (batch.logs.pop(0) if len(batch.logs) > 1 else batch.logs[0]) if batch.logs else []
        body = self._batch_body(batch, state, detailed == "true")
        return 200, {}, {**body, "log": log} if detailed == "true" else body

    @staticmethod
    def _batch_body(batch: Batch, state: str, detailed: bool) -> dict[str, Any]:
        livy = {"id": batch.id, "appId": f"application_{batch.id:04d}", "state": state}
        if not detailed:
            return livy
        result = {"success": "Succeeded", "dead": "Failed", "killed": "Cancelled"}
        return {
            **livy,
            "name": batch.job,
            "sparkPoolName": batch.pool,
            "result": result.get(state, "Uncertain"),
            "errorInfo": batch.errors if state == "dead" else [],
        }
