"""Spark job definitions, which live only in a workspace's data plane.

No ARM, azure-native or azurerm resource exists for them (pulumi-azure-native issue 2795), so
this dynamic provider manages them through the Synapse data-plane client (clients/synapse.py,
api-version 2020-12-01).
"""

from __future__ import annotations

from typing import Any

import pulumi
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, ResourceProvider, UpdateResult

from synapse_dl.clients.credentials import CredentialFactory, default_credential
from synapse_dl.clients.synapse import artifacts_client, permission_error, workspace_endpoint
from synapse_dl.providers.diff import diff_by_keys

# Inputs that name another definition: changing one replaces it.
_IDENTITY_KEYS = ("endpoint", "name")
# Inputs that make up the definition's body.
_BODY_KEYS = (
    "description",
    "targetBigDataPool",
    "requiredSparkVersion",
    "language",
    "jobProperties",
)
DEPLOY_ROLE = "Synapse Artifact Publisher"


def definition_body(props: dict[str, Any]) -> dict[str, Any]:
    """The REST body's `properties` from this resource's inputs."""
    return {
        "description": props["description"],
        "targetBigDataPool": {
            "type": "BigDataPoolReference",
            "referenceName": props["targetBigDataPool"],
        },
        "requiredSparkVersion": props["requiredSparkVersion"],
        "language": props["language"],
        "jobProperties": props["jobProperties"],
    }


def _put(props: dict[str, Any], credential: Any) -> Any:
    from azure.synapse.artifacts.models import SparkJobDefinition

    client = artifacts_client(props["endpoint"], credential)
    properties = SparkJobDefinition.from_dict(definition_body(props))
    try:
        poller = client.spark_job_definition.begin_create_or_update_spark_job_definition(
            props["name"], properties
        )
        return poller.result()
    except HttpResponseError as error:
        raise permission_error(error, f"deploy {props['name']!r}", DEPLOY_ROLE) from error


def _outputs(props: dict[str, Any], resource: Any) -> dict[str, Any]:
    """Inputs as they are, plus the service's version tag of the definition."""
    return {**props, "etag": resource.etag or ""}


class SparkJobDefinitionProvider(ResourceProvider):
    def __init__(self, credential_factory: CredentialFactory = default_credential):
        # Pickled into the state with the provider: a module-level function, by reference.
        self._credential_factory = credential_factory

    def create(self, props: dict[str, Any]) -> CreateResult:
        resource = _put(props, self._credential_factory())
        definition_id = f"{props['endpoint']}/sparkJobDefinitions/{props['name']}"
        return CreateResult(id_=definition_id, outs=_outputs(props, resource))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        client = artifacts_client(props["endpoint"], self._credential_factory())
        try:
            resource = client.spark_job_definition.get_spark_job_definition(props["name"])
        except ResourceNotFoundError:
            # Gone: an empty id tells the engine to create it again.
            return ReadResult(id_="", outs={})
        except HttpResponseError as error:
            raise permission_error(error, f"read {props['name']!r}", DEPLOY_ROLE) from error
        properties = resource.properties.serialize()
        # SparkJobDefinition.json: targetBigDataPool and jobProperties are required; the rest
        # may be missing on a definition made outside Pulumi.
        outs = {
            **_outputs(props, resource),
            "description": properties.get("description", ""),
            "targetBigDataPool": properties["targetBigDataPool"]["referenceName"],
            "requiredSparkVersion": properties.get("requiredSparkVersion"),
            "language": properties.get("language"),
            "jobProperties": properties["jobProperties"],
        }
        return ReadResult(id_=id_, outs=outs)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return diff_by_keys(olds, news, replace_keys=_IDENTITY_KEYS, update_keys=_BODY_KEYS)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(outs=_outputs(news, _put(news, self._credential_factory())))

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        client = artifacts_client(props["endpoint"], self._credential_factory())
        try:
            client.spark_job_definition.begin_delete_spark_job_definition(props["name"]).result()
        except ResourceNotFoundError:
            pass  # already gone: nothing to delete
        except HttpResponseError as error:
            raise permission_error(error, f"delete {props['name']!r}", DEPLOY_ROLE) from error


class SparkJobDefinition(pulumi.dynamic.Resource, module="synapse", name="SparkJobDefinition"):
    """A Spark job definition in a workspace's data plane."""

    def __init__(
        self,
        resource_name: str,
        *,
        workspace_name: pulumi.Input[str],
        name: str,
        description: str,
        target_big_data_pool: pulumi.Input[str],
        required_spark_version: str,
        job_properties: pulumi.Input[dict[str, Any]],
        opts: pulumi.ResourceOptions | None = None,
    ):
        super().__init__(
            SparkJobDefinitionProvider(),
            resource_name,
            {
                "workspaceName": workspace_name,
                "endpoint": pulumi.Output.from_input(workspace_name).apply(workspace_endpoint),
                "name": name,
                "description": description,
                "targetBigDataPool": target_big_data_pool,
                "requiredSparkVersion": required_spark_version,
                "language": "python",
                "jobProperties": job_properties,
                "etag": None,
            },
            opts,
        )
