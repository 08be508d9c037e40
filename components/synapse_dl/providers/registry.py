"""Each dynamic resource type the engine sees, and the provider whose code it runs for it."""

from __future__ import annotations

from typing import Final

from pulumi.dynamic import Resource, ResourceProvider

from synapse_dl.providers.lake_file import LakeFile, LakeFileProvider
from synapse_dl.providers.pool_libraries import PoolLibraries, PoolLibrariesProvider
from synapse_dl.providers.spark_job_definition import (
    SparkJobDefinition,
    SparkJobDefinitionProvider,
)
from synapse_dl.providers.synapse_role_assignment import (
    SynapseRoleAssignment,
    SynapseRoleAssignmentProvider,
)
from synapse_dl.providers.workspace_package import (
    WorkspacePackageProvider,
    WorkspacePackageResource,
)


def pulumi_type(resource: type[Resource]) -> str:
    """The type token the engine records for a dynamic resource class (pulumi.dynamic builds it
    from the class's module and name)."""
    return f"pulumi-python:{resource._resource_type_name}"


DYNAMIC_PROVIDERS: Final[dict[str, type[ResourceProvider]]] = {
    pulumi_type(resource): provider
    for resource, provider in (
        (LakeFile, LakeFileProvider),
        (PoolLibraries, PoolLibrariesProvider),
        (SparkJobDefinition, SparkJobDefinitionProvider),
        (SynapseRoleAssignment, SynapseRoleAssignmentProvider),
        (WorkspacePackageResource, WorkspacePackageProvider),
    )
}
