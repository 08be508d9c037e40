"""What Microsoft's REST specifications say of the calls the fakes answer, written out so the
tests need no copy of them. The specifications are in github.com/Azure/azure-rest-api-specs,
under specification/; each file below names the commit it was read at.

- ARM, Microsoft.Synapse 2021-06-01, synapse/resource-manager/Microsoft.Synapse/stable/2021-06-01/
  bigDataPool.json (commit 00eda9b5): BigDataPoolResourceInfo is a TrackedResource
  (common-types/resource-management/v2/types.json, commit 01efba9f: `location` required); PUT
  answers 200 or 202, a long-running operation whose final state comes through
  Azure-AsyncOperation.
- Synapse data plane 2020-12-01, synapse/data-plane/Microsoft.Synapse/stable/2020-12-01/
  sparkJobDefinitions.json (commit 45beb68e) and entityTypes/SparkJobDefinition.json (commit
  0168af93):
  SparkJobDefinition requires targetBigDataPool and jobProperties; SparkJobProperties requires
  file, driverMemory, driverCores, executorMemory, executorCores, numExecutors. PUT answers
  200/202, DELETE 200/202/204, POST execute 200/202; GET 200.
"""

from __future__ import annotations

from typing import Any

ARM_AUDIENCE = "https://management.azure.com/.default"
SYNAPSE_AUDIENCE = "https://dev.azuresynapse.net/.default"
BIG_DATA_POOL_API_VERSION = "2021-06-01"
SYNAPSE_API_VERSION = "2020-12-01"

SPARK_JOB_DEFINITION_REQUIRED = ("targetBigDataPool", "jobProperties")
SPARK_JOB_PROPERTIES_REQUIRED = (
    "file",
    "driverMemory",
    "driverCores",
    "executorMemory",
    "executorCores",
    "numExecutors",
)


def missing(body: Any, required: tuple[str, ...], where: str) -> str | None:
    """The first required property `body` lacks, as a message; None when it has them all."""
    if not isinstance(body, dict):
        return f"{where} must be an object"
    for name in required:
        if body.get(name) in (None, ""):
            return f"{where}.{name} is required"
    return None


# synapse/data-plane/Microsoft.Synapse/stable/2020-12-01/roleAssignments.json (commit 15fd3d6e):
# RoleAssignmentRequest requires roleId, principalId and scope; PUT answers 200 with
# RoleAssignmentDetails (the role as `roleDefinitionId`), DELETE 200 or 204; errors are
# ErrorContract ({"error": {"code", "message"}}); the list pages with the x-ms-continuation
# header.
ROLE_ASSIGNMENT_REQUIRED = ("roleId", "principalId", "scope")
