"""A local HTTPS server on 127.0.0.1 that answers like ARM for Synapse Spark pools.

As strict as ARM (tests/fakes/specs.py has the spec facts): a bearer token for ARM's own
audience (a token for another audience is 401 InvalidAuthenticationTokenAudience); the
api-version the pool API speaks (missing: 400 MissingApiVersionParameter; another: 400
NoRegisteredProviderFound); a PUT body with `location`. 404 for a missing pool. A PUT is
answered 202 with an `Azure-AsyncOperation` URL that reports InProgress, then Succeeded or
Failed (or 200 at once, as ARM may answer); libraries on a pool's creation are
`SparkComputePropertiesNotAllowed`. A PUT replaces
the pool's properties, so a PUT without `libraryRequirements` drops them, as Azure does.
Faults (429 with Retry-After, 500, 403) are queued per method and served first.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from tests.fakes import specs
from tests.fakes.credentials import audience_of, token_for
from tests.fakes.https_server import Faults, error_body

TOKEN = token_for(specs.ARM_AUDIENCE)
_POOL_PATH = re.compile(
    r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Synapse"
    r"/workspaces/[^/]+/bigDataPools/[^/]+$"
)
_OPERATION_PATH = re.compile(r"^/operations/(?P<id>[0-9a-f-]+)$")


@dataclass
class Operation:
    pool_path: str
    polls_left: int
    error: dict[str, str] | None = None


@dataclass
class SeenRequest:
    method: str
    path: str
    body: Any
    authorization: str | None
    at: float


class FakeArm:
    def __init__(self) -> None:
        self.pools: dict[str, dict[str, Any]] = {}
        self.requests: list[SeenRequest] = []
        self.operations: dict[str, Operation] = {}
        self.faults = Faults()
        self.polls_before_done = 1
        self.fail_next_operation: dict[str, str] | None = None
        # ARM may finish a PUT at once (200) instead of running it on (202).
        self.put_answers_at_once = False
        # Seconds ARM tells the caller to wait before the next poll; None sends no Retry-After.
        self.retry_after: str | None = "0.05"
        self._lock = threading.Lock()
        self.base_url = ""

    # --- test controls ---
    def add_pool(self, path: str, properties: dict[str, Any], location: str = "eastus") -> None:
        self.pools[path] = {
            "id": path,
            "name": path.rsplit("/", 1)[-1],
            "type": "Microsoft.Synapse/workspaces/bigDataPools",
            "location": location,
            "tags": {},
            "properties": {**properties, "provisioningState": "Succeeded"},
        }

    def fail(self, method: str, status: int, headers: dict | None = None, body: Any = None):
        self.faults.add(method, status, headers, body)

    def calls(self, method: str | None = None) -> list[SeenRequest]:
        return [r for r in self.requests if method is None or r.method == method]

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
            self.requests.append(SeenRequest(method, path, body, authorization, time.monotonic()))
            if refused := self._refuse(authorization, query):
                return refused
            if fault := self.faults.next(method):
                return fault
            operation = _OPERATION_PATH.match(path)
            if method == "GET" and operation:
                return self._poll(operation["id"])
            if not _POOL_PATH.match(path):
                return 404, {}, error_body("PathNotFound", path)
            if method == "GET":
                pool = self.pools.get(path)
                return (200, {}, pool) if pool else (404, {}, error_body("ResourceNotFound", path))
            if method == "PUT":
                return self._put(path, body)
            return 405, {}, error_body("MethodNotAllowed", method)

    @staticmethod
    def _refuse(authorization: str | None, query: dict) -> tuple | None:
        audience = audience_of(authorization)
        if audience is None:
            return 401, {}, error_body("AuthenticationFailed", "missing or bad bearer token")
        if audience != specs.ARM_AUDIENCE:
            return (
                401,
                {},
                error_body(
                    "InvalidAuthenticationTokenAudience",
                    f"The access token has been obtained for wrong audience or resource "
                    f"'{audience}'. It should exactly match with one of the allowed audiences "
                    f"'{specs.ARM_AUDIENCE.removesuffix('.default')}'.",
                ),
            )
        version = query.get("api-version")
        if version is None:
            return (
                400,
                {},
                error_body(
                    "MissingApiVersionParameter",
                    "The api-version query parameter (?api-version=) is required for all requests.",
                ),
            )
        if version != specs.BIG_DATA_POOL_API_VERSION:
            return (
                400,
                {},
                error_body(
                    "NoRegisteredProviderFound",
                    f"No registered resource provider found for API version '{version}'.",
                ),
            )
        return None

    def _put(self, path: str, body: dict[str, Any]):
        if problem := specs.missing(body, ("location",), "body"):
            return 400, {}, error_body("InvalidRequestContent", problem)
        properties = dict(body.get("properties", {}))
        created = path not in self.pools
        if created and "libraryRequirements" in properties:
            return (
                400,
                {},
                error_body(
                    "SparkComputePropertiesNotAllowed",
                    "Synapse Spark pool must be created before libraries are installed",
                ),
            )
        self.add_pool(path, properties, body.get("location", "eastus"))
        self.pools[path]["tags"] = body.get("tags", {})
        if self.put_answers_at_once:
            return 200, {}, self.pools[path]
        self.pools[path]["properties"]["provisioningState"] = "Provisioning"
        operation_id = str(uuid.uuid4())
        self.operations[operation_id] = Operation(
            path, self.polls_before_done, self.fail_next_operation
        )
        self.fail_next_operation = None
        operation_url = (
            f"{self.base_url}/operations/{operation_id}"
            f"?api-version={specs.BIG_DATA_POOL_API_VERSION}"
        )
        headers = {"Azure-AsyncOperation": operation_url, "Location": operation_url}
        # bigDataPool.json: a PUT answers 200 or 202; it runs on as a long-running operation.
        return 202, {**headers, **self._retry_after()}, self.pools[path]

    def _retry_after(self) -> dict[str, str]:
        # Fractional seconds keep the tests quick; ARM itself sends whole seconds.
        return {"Retry-After": self.retry_after} if self.retry_after else {}

    def _poll(self, operation_id: str):
        operation = self.operations[operation_id]
        if operation.polls_left > 0:
            operation.polls_left -= 1
            return 200, self._retry_after(), {"status": "InProgress"}
        pool = self.pools[operation.pool_path]
        if operation.error:
            pool["properties"]["provisioningState"] = "Failed"
            return 200, {}, {"status": "Failed", "error": operation.error}
        pool["properties"]["provisioningState"] = "Succeeded"
        return 200, {}, {"status": "Succeeded"}
