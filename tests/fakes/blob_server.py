"""A fake Azure Blob Storage endpoint for the data lake's files, path-style as the storage
emulators are addressed (`https://127.0.0.1:<port>/{account}/{container}/{blob}`).

As the Blob service REST reference describes Put Blob, Get Blob Properties and Delete Blob
(learn.microsoft.com/rest/api/storageservices): a bearer token for Azure Storage's audience
(https://storage.azure.com/.default) and an `x-ms-version` on every call; Put Blob with
`x-ms-blob-type: BlockBlob`, its `x-ms-meta-*` metadata and `x-ms-blob-content-type`, answered
201; Get Blob Properties (HEAD) answered 200 with the metadata as headers, 404 BlobNotFound;
Delete Blob answered 202. Errors carry `x-ms-error-code` and an XML body. Refusals as the
service gives them: the network rules' (403 AuthorizationFailure) and a missing data role's
(403 AuthorizationPermissionMismatch, for the next `missing_role_for` writes, as a new role
assignment not yet applied).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

from tests.fakes.credentials import audience_of
from tests.fakes.https_server import Answer, Faults

STORAGE_AUDIENCE = "https://storage.azure.com/.default"
_BLOB = re.compile(r"^/(?P<account>[^/]+)/(?P<container>[^/]+)/(?P<blob>.+)$")


@dataclass
class StoredBlob:
    data: bytes
    content_type: str
    metadata: dict[str, str]


def storage_error(status: int, code: str, message: str) -> Answer:
    body = (
        '<?xml version="1.0" encoding="utf-8"?>'
        f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    ).encode()
    return status, {"x-ms-error-code": code, "Content-Type": "application/xml"}, body


class FakeBlobStorage:
    def __init__(self, account: str = "stlake", container: str = "synapse") -> None:
        self.account, self.container = account, container
        self.blobs: dict[str, StoredBlob] = {}
        self.requests: list[tuple[str, str]] = []
        self.faults = Faults()
        self.network_refuses = False
        self.missing_role_for = 0
        self.base_url = ""
        self._lock = threading.Lock()

    @property
    def endpoint(self) -> str:
        return f"{self.base_url}/{self.account}"

    def handle(
        self,
        method: str,
        path: str,
        query: dict,
        body: Any,
        authorization: str | None,
        *,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        headers = {k.lower(): v for k, v in (headers or {}).items()}
        with self._lock:
            self.requests.append((method, path))
            if self.network_refuses:
                return storage_error(
                    403,
                    "AuthorizationFailure",
                    "This request is not authorized to perform this operation.",
                )
            if audience_of(authorization) != STORAGE_AUDIENCE:
                return storage_error(401, "InvalidAuthenticationInfo", "bad bearer token")
            if not headers.get("x-ms-version"):
                return storage_error(400, "MissingRequiredHeader", "x-ms-version")
            if fault := self.faults.next(method):
                return fault
            match = _BLOB.match(path)
            if not match or (match["account"], match["container"]) != (
                self.account,
                self.container,
            ):
                return storage_error(404, "ContainerNotFound", path)
            name = match["blob"]
            if method == "PUT":
                return self._put(name, body, headers)
            blob = self.blobs.get(name)
            if blob is None:
                return storage_error(404, "BlobNotFound", "The specified blob does not exist.")
            if method == "HEAD":
                answer = {f"x-ms-meta-{k}": v for k, v in blob.metadata.items()}
                answer |= {
                    "Content-Length": str(len(blob.data)),
                    "Content-Type": blob.content_type,
                    "x-ms-blob-type": "BlockBlob",
                    "Last-Modified": "Wed, 25 Nov 2026 12:00:00 GMT",
                    "ETag": '"0x8D0000000000001"',
                }
                return 200, answer, None
            if method == "DELETE":
                del self.blobs[name]
                return 202, {}, None
            return storage_error(405, "UnsupportedHttpVerb", method)

    def _put(self, name: str, body: Any, headers: dict[str, str]) -> Answer:
        if headers.get("x-ms-blob-type") != "BlockBlob":
            return storage_error(400, "MissingRequiredHeader", "x-ms-blob-type")
        if headers.get("if-none-match") == "*" and name in self.blobs:
            # Put Blob's condition "only if there is none yet".
            return storage_error(409, "BlobAlreadyExists", "The specified blob already exists.")
        if self.missing_role_for > 0:
            self.missing_role_for -= 1
            return storage_error(
                403,
                "AuthorizationPermissionMismatch",
                "This request is not authorized to perform this operation using this permission.",
            )
        metadata = {
            k[len("x-ms-meta-") :]: v for k, v in headers.items() if k.startswith("x-ms-meta-")
        }
        self.blobs[name] = StoredBlob(
            body or b"", headers.get("x-ms-blob-content-type", "application/octet-stream"), metadata
        )
        return (
            201,
            {"ETag": '"0x8D0000000000001"', "Last-Modified": "Wed, 25 Nov 2026 12:00:00 GMT"},
            None,
        )
