"""A workspace package: one wheel uploaded into a workspace's data plane, for its pools.

No ARM, azure-native or azurerm resource exists for workspace packages (pulumi-azure-native
issue 2795; azurerm issues 12574 and 13383), so this dynamic provider uploads them through the
Synapse data plane (clients/workspace_packages.py). The package's name carries its content
hash, so a changed wheel is a new package (replaced: the new one is uploaded before the old is
deleted) and an unchanged one costs no call at all. The wheel comes from a file of the
project, or from the package index, downloaded at deploy time and checked against its hash.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, ResourceProvider

from synapse_dl.clients.credentials import CredentialFactory, default_credential
from synapse_dl.clients.synapse import workspace_endpoint
from synapse_dl.clients.workspace_packages import WorkspacePackage as Package
from synapse_dl.clients.workspace_packages import WorkspacePackages
from synapse_dl.providers.diff import diff_by_keys

# The package's identity: any change is a new package.
_IDENTITY_KEYS = ("endpoint", "name", "sha256")
DOWNLOAD_TIMEOUT_S = 300


class PackageSourceError(Exception):
    """The wheel could not be had, or is not the one its hash names."""


def file_sha256(path: Path) -> str:
    with path.open("rb") as content:
        return hashlib.file_digest(content, "sha256").hexdigest()


def _fetch(source: str, sha256: str, folder: Path) -> Path:
    """The wheel as a local file: the project's own, or downloaded from its index URL."""
    if "://" in source:
        path = folder / "package.whl"
        try:
            with (
                urllib.request.urlopen(source, timeout=DOWNLOAD_TIMEOUT_S) as response,
                path.open("wb") as out,
            ):
                shutil.copyfileobj(response, out)
        except OSError as error:
            raise PackageSourceError(f"could not download {source}: {error}") from error
    else:
        path = Path(source)
        if not path.is_file():
            raise PackageSourceError(f"workspace package file {source} does not exist")
    actual = file_sha256(path)
    if actual != sha256:
        raise PackageSourceError(
            f"{source} has sha256 {actual}, not the {sha256} it was planned with; "
            "lock the packages again (make packages)"
        )
    return path


def _outputs(props: dict[str, Any], package: Package) -> dict[str, Any]:
    """Inputs as they are, plus where the workspace keeps the package: a pool's
    `customLibraries` entry names it by these."""
    return {**props, "customLibrary": package.custom_library()}


class WorkspacePackageProvider(ResourceProvider):
    def __init__(self, credential_factory: CredentialFactory = default_credential):
        # Pickled into the state with the provider: a module-level function, by reference.
        self._credential_factory = credential_factory

    def _packages(self, props: dict[str, Any]) -> WorkspacePackages:
        return WorkspacePackages(props["endpoint"], self._credential_factory())

    def create(self, props: dict[str, Any]) -> CreateResult:
        with tempfile.TemporaryDirectory(prefix="synapse-dl-package-") as folder:
            wheel = _fetch(props["source"], props["sha256"], Path(folder))
            package = self._packages(props).upload(props["name"], wheel)
        return CreateResult(
            id_=f"{props['endpoint']}/libraries/{props['name']}", outs=_outputs(props, package)
        )

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        package = self._packages(props).get(props["name"])
        if package is None or not package.complete:
            # Gone, or never finished: an empty id tells the engine to create it again.
            return ReadResult(id_="", outs={})
        return ReadResult(id_=id_, outs=_outputs(props, package))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        # Where the wheel comes from (a path on this machine, a mirror's URL) is not the
        # package: only its name and bytes are.
        return diff_by_keys(olds, news, replace_keys=_IDENTITY_KEYS, update_keys=())

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        self._packages(props).delete(props["name"])


class WorkspacePackageResource(pulumi.dynamic.Resource, module="synapse", name="WorkspacePackage"):
    """A wheel uploaded as a workspace package; `custom_library` is its pool entry."""

    @property
    def custom_library(self) -> pulumi.Output[dict[str, str]]:
        # The engine sets each output as an attribute named as the provider's output key.
        output: pulumi.Output[dict[str, str]] = getattr(self, "customLibrary")  # noqa: B009
        return output

    def __init__(
        self,
        resource_name: str,
        *,
        workspace_name: pulumi.Input[str],
        name: str,
        sha256: str,
        source: str,
        opts: pulumi.ResourceOptions | None = None,
    ):
        super().__init__(
            WorkspacePackageProvider(),
            resource_name,
            {
                "workspaceName": workspace_name,
                "endpoint": pulumi.Output.from_input(workspace_name).apply(workspace_endpoint),
                "name": name,
                "sha256": sha256,
                "source": source,
                "customLibrary": None,
            },
            opts,
        )
