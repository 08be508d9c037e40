"""Workspace packages: files uploaded into a workspace for its pools to install, through the
Synapse data plane (`azure-synapse-artifacts` `LibraryOperations`, api-version 2020-12-01).

A workspace with data-exfiltration protection cannot reach PyPI; workspace packages are how its
pools get libraries. An upload is four calls: create (an empty package, a long-running
operation), append in chunks of at most 4 MiB, flush (long-running), and a read of the result.
Retries (429, 5xx) are azure-core's RetryPolicy. An append carries its offset
(`x-ms-blob-condition-appendpos`), so a retried chunk whose first try did land is refused 412
instead of being appended twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

from synapse_dl.clients.errors import service_answer
from synapse_dl.clients.synapse import artifacts_client, permission_error

# The service's limit on one append (library.json: "The maximum content size is 4MiB").
CHUNK_BYTES = 4 * 2**20
MAX_NAME_LENGTH = 100
# The Synapse RBAC role that may create and delete a workspace's artifacts, packages included.
PACKAGE_ROLE = "Synapse Artifact Publisher"
_APPEND_POSITION_NOT_MET = 412


class PackageUploadError(Exception):
    """Synapse took the package's bytes but did not finish the upload; says what it answered."""


@dataclass(frozen=True)
class WorkspacePackage:
    """A package as the workspace holds it: what a pool's `customLibraries` entry names."""

    name: str
    path: str
    container_name: str
    type: str
    provisioning_status: str

    @property
    def complete(self) -> bool:
        return self.provisioning_status == "Succeeded"

    def custom_library(self) -> dict[str, str]:
        """The pool's `customLibraries` entry (bigDataPool.json LibraryInfo)."""
        return {
            "name": self.name,
            "path": self.path,
            "containerName": self.container_name,
            "type": self.type,
        }


def _package(resource: Any) -> WorkspacePackage:
    properties = resource.properties
    return WorkspacePackage(
        name=properties.name or resource.name,
        path=properties.path or "",
        container_name=properties.container_name or "",
        type=properties.type or "",
        provisioning_status=properties.provisioning_status or "",
    )


class WorkspacePackages:
    def __init__(self, endpoint: str, credential: Any, *, chunk_bytes: int = CHUNK_BYTES):
        if not 0 < chunk_bytes <= CHUNK_BYTES:
            raise ValueError(f"chunk_bytes must be 1..{CHUNK_BYTES}, not {chunk_bytes}")
        self._libraries = artifacts_client(endpoint, credential).library
        self._chunk_bytes = chunk_bytes

    def _refused(self, error: HttpResponseError, action: str) -> Exception:
        return permission_error(error, action, PACKAGE_ROLE)

    def get(self, name: str) -> WorkspacePackage | None:
        """The package, or None when the workspace has none of that name."""
        try:
            return _package(self._libraries.get(name))
        except ResourceNotFoundError:
            return None
        except HttpResponseError as error:
            raise self._refused(error, f"read the workspace package {name!r}") from error

    def upload(self, name: str, file: Path) -> WorkspacePackage:
        """Uploads the package unless the workspace has it complete already (its name carries
        its content hash, so the same name is the same bytes); a half-finished upload of that
        name is deleted first, as the docs ask before uploading a package again."""
        if len(name) > MAX_NAME_LENGTH:
            raise ValueError(
                f"workspace package name {name!r} is {len(name)} characters; "
                f"Synapse allows at most {MAX_NAME_LENGTH}"
            )
        existing = self.get(name)
        if existing is not None and existing.complete:
            return existing
        if existing is not None:
            self.delete(name)
        try:
            self._libraries.begin_create(name).result()
            offset = 0
            with file.open("rb") as content:
                while piece := content.read(self._chunk_bytes):
                    self._append(name, piece, offset)
                    offset += len(piece)
        except HttpResponseError as error:
            raise self._refused(error, f"upload the workspace package {name!r}") from error
        try:
            self._libraries.begin_flush(name).result()
        except HttpResponseError as error:
            refused = self._refused(error, f"upload the workspace package {name!r}")
            if refused is not error:
                raise refused from error
            raise PackageUploadError(
                f"Synapse did not finish the upload of workspace package {name!r} "
                f"({service_answer(error)})"
            ) from error
        uploaded = self.get(name)
        if uploaded is None or not uploaded.complete:
            status = uploaded.provisioning_status if uploaded else "gone"
            raise PackageUploadError(
                f"workspace package {name!r} is {status} after its upload was flushed"
            )
        return uploaded

    def _append(self, name: str, piece: bytes, offset: int) -> None:
        answers: list[Any] = []  # each try's answer, as azure-core's pipeline saw it
        try:
            self._libraries.append(
                "appendblock",
                name,
                piece,
                blob_condition_append_position=offset,
                raw_response_hook=answers.append,
            )
        except HttpResponseError as error:
            # RetryPolicy records each try it made again in the context's history.
            retried = bool(answers and answers[-1].context.get("history"))
            # Refused at this offset after a retry: the package is no longer `offset` bytes
            # long, and this client, its only writer, appends whole chunks, so the earlier try
            # of this chunk landed and only its answer was lost. Appending again would double
            # it. Refused at the first try, someone else is writing the package.
            if error.status_code != _APPEND_POSITION_NOT_MET:
                raise
            if not retried:
                raise PackageUploadError(
                    f"another client is writing workspace package {name!r} "
                    f"({service_answer(error)}); deploy the stack from one place at a time"
                ) from error

    def delete(self, name: str) -> bool:
        """Deletes the package; False when there was none (already gone is not an error)."""
        try:
            self._libraries.begin_delete(name).result()
        except ResourceNotFoundError:
            return False
        except HttpResponseError as error:
            if error.status_code == 409:
                raise PackageUploadError(
                    f"Synapse refused to delete workspace package {name!r} "
                    f"({service_answer(error)}): a Spark pool still lists it in its "
                    "customLibraries; remove it from the pool first"
                ) from error
            raise self._refused(error, f"delete the workspace package {name!r}") from error
        return True
