"""A file of the project (a job's script) on the workspace's data lake, uploaded with the
deploying identity's Entra token (clients/data_lake_files.py).

Not azure-native's storage.Blob: it uploads with the account's key (pulumi-azure-native issue
2015), which a lake with shared-key access off refuses, and which needs the right to list the
account's keys. The file's path carries its content hash, so a changed file is a new path;
`read` tells a file changed or removed on the lake, and the next deploy puts it back.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, ResourceProvider, UpdateResult

from synapse_dl.clients.credentials import CredentialFactory, default_credential
from synapse_dl.clients.data_lake_files import LakeFiles, blob_endpoint
from synapse_dl.providers.diff import diff_by_keys

# Where the file is: a change is another file.
_IDENTITY_KEYS = ("endpoint", "container", "path")
# What it holds: a change uploads it again, in place.
_CONTENT_KEYS = ("sha256", "contentType")


class LakeFileSourceError(Exception):
    """The project's file is missing, or not the one the deployment was planned with."""


def _content(props: dict[str, Any]) -> bytes:
    # A file asset, as the engine hands one back (plans show it by path and hash).
    source = Path(props["source"].path)
    if not source.is_file():
        raise LakeFileSourceError(f"{source} does not exist: it was planned for upload")
    data = source.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != props["sha256"]:
        raise LakeFileSourceError(
            f"{source} changed since it was planned (sha256 {actual}, planned "
            f"{props['sha256']}): run the deployment again"
        )
    return data


class LakeFileProvider(ResourceProvider):
    def __init__(
        self,
        credential_factory: CredentialFactory = default_credential,
        **client_options: Any,
    ):
        # Pickled into the state with the provider: a module-level function, by reference.
        self._credential_factory = credential_factory
        # LakeFiles' waits and backoffs (tests shorten them).
        self._client_options = client_options

    def _files(self, props: dict[str, Any]) -> LakeFiles:
        return LakeFiles(
            props["endpoint"],
            props["container"],
            self._credential_factory(),
            **self._client_options,
        )

    def _upload(self, props: dict[str, Any]) -> None:
        data = _content(props)
        self._files(props).upload(props["path"], data, props["contentType"], props["sha256"])

    def create(self, props: dict[str, Any]) -> CreateResult:
        self._upload(props)
        return CreateResult(
            id_=f"{props['endpoint']}/{props['container']}/{props['path']}", outs=props
        )

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        held = self._files(props).sha256(props["path"])
        if held is None:
            # Gone: an empty id tells the engine to upload it again.
            return ReadResult(id_="", outs={})
        # Another hash (someone wrote over it) shows as a change that uploads it again.
        return ReadResult(id_=id_, outs={**props, "sha256": held})

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        # Where the project sits on this machine (`source`) is not the file.
        return diff_by_keys(olds, news, replace_keys=_IDENTITY_KEYS, update_keys=_CONTENT_KEYS)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        self._upload(news)
        return UpdateResult(outs=news)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        self._files(props).delete(props["path"])


class LakeFile(pulumi.dynamic.Resource, module="storage", name="LakeFile"):
    """A project file uploaded to `path` in the lake's filesystem."""

    def __init__(
        self,
        resource_name: str,
        *,
        account_name: pulumi.Input[str],
        container: pulumi.Input[str],
        path: str,
        source: Path,
        content_type: str,
        opts: pulumi.ResourceOptions | None = None,
    ):
        super().__init__(
            LakeFileProvider(),
            resource_name,
            {
                "accountName": account_name,
                "endpoint": pulumi.Output.from_input(account_name).apply(blob_endpoint),
                "container": container,
                "path": path,
                "source": pulumi.FileAsset(str(source)),
                "sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
                "contentType": content_type,
            },
            opts,
        )
