"""Files on the workspace's data lake, written with the deploying identity's Entra token
(azure-storage-blob), never an account key: the lake may refuse keys (sharedKeyAccess: false),
and reading a key needs more than writing a file does (listKeys on the account).

The identity needs Storage Blob Data Contributor on the lake. Azure applies a new role
assignment within minutes, not at once ("Troubleshoot Azure RBAC": changes can take up to 10
minutes to take effect), so an upload refused for want of it is tried again for a while.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.storage.blob import BlobClient, ContentSettings, ExponentialRetry

from synapse_dl.version import USER_AGENT

BLOB_ROLE = "Storage Blob Data Contributor"
# What the storage service answers (403) when the identity lacks a data role; and when the
# lake's network rules refuse the caller's address.
PERMISSION_MISMATCH = "AuthorizationPermissionMismatch"
NETWORK_REFUSAL = "AuthorizationFailure"
# The content hash kept with each file, so a read tells whether it is still the one uploaded.
SHA256_METADATA = "sha256"


class LakeAccessError(Exception):
    """The lake refused the deploying identity; the message says why and what to do."""


def _code(error: HttpResponseError) -> str:
    """The storage service's error code (its x-ms-error-code), which the SDK sets on errors."""
    code = getattr(error, "error_code", None)
    return str(getattr(code, "value", code or ""))


def blob_endpoint(account_name: str) -> str:
    return f"https://{account_name}.blob.core.windows.net"


class LakeFiles:
    def __init__(
        self,
        endpoint: str,
        container: str,
        credential: Any,
        *,
        permission_wait_s: float = 600,
        poll_s: float = 15,
        retry_policy: ExponentialRetry | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self._endpoint, self._container, self._credential = endpoint, container, credential
        self._permission_wait_s, self._poll_s, self._sleep = permission_wait_s, poll_s, sleep
        # The storage SDK's own retries (5xx, 429, timeouts): its ExponentialRetry by default.
        self._retry_policy = retry_policy or ExponentialRetry()

    def _blob(self, path: str) -> BlobClient:
        return BlobClient(
            self._endpoint,
            self._container,
            path,
            credential=self._credential,
            user_agent=USER_AGENT,
            retry_policy=self._retry_policy,
        )

    def upload(self, path: str, data: bytes, content_type: str, sha256: str) -> None:
        deadline = time.monotonic() + self._permission_wait_s
        while True:
            try:
                self._blob(path).upload_blob(
                    data,
                    overwrite=True,
                    content_settings=ContentSettings(content_type=content_type),
                    metadata={SHA256_METADATA: sha256},
                )
                return
            except HttpResponseError as error:
                if _code(error) != PERMISSION_MISMATCH or time.monotonic() >= deadline:
                    raise self._refusal(error, f"upload {path}") from error
            # A role assignment made by this same deployment may not apply yet.
            self._sleep(self._poll_s)

    def sha256(self, path: str) -> str | None:
        """The hash kept with the file ("" if it has none); None when there is no such file."""
        try:
            properties = self._blob(path).get_blob_properties()
        except ResourceNotFoundError:
            return None
        except HttpResponseError as error:
            raise self._refusal(error, f"read {path}") from error
        return str(properties.metadata.get(SHA256_METADATA, ""))

    def delete(self, path: str) -> None:
        """Deletes the file (kept for the lake's soft-delete days); one already gone is fine."""
        try:
            self._blob(path).delete_blob()
        except ResourceNotFoundError:
            pass
        except HttpResponseError as error:
            raise self._refusal(error, f"delete {path}") from error

    def _refusal(self, error: HttpResponseError, action: str) -> Exception:
        where = f"{self._endpoint}/{self._container}"
        # Storage errors are XML: the SDK reads their code, not azure-core's error object.
        answer = " ".join(filter(None, (f"HTTP {error.status_code}", _code(error))))
        if _code(error) == NETWORK_REFUSAL:
            return LakeAccessError(
                f"the data lake's network rules refused the request to {action} on {where} "
                f"({answer}): add this machine's public address to "
                "workspace.dataLake.allowedIpRanges, or deploy from the network of the lake's "
                "private endpoints"
            )
        if _code(error) == PERMISSION_MISMATCH:
            return LakeAccessError(
                f"the data lake refused to {action} on {where} ({answer}): the "
                f"deploying identity needs {BLOB_ROLE} on the lake (the workspace assigns it; "
                "a new assignment can take 10 minutes to apply)"
            )
        return error
