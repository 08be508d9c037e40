"""A workspace's Synapse data plane (`https://{workspace}.dev.azuresynapse.net`): one module
for the job-definition provider and the job runner alike.

Artifacts (job definitions, their `execute` operation) go through `azure-synapse-artifacts`,
whose retries (429, 5xx) are azure-core's RetryPolicy and whose long-running operations are
azure-core's LRO polling. Livy's batch API is one GET, made on azure-core's pipeline rather
than the azure-synapse-spark package, which is unmaintained and imports `six` without
declaring it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from azure.core import PipelineClient
from azure.core.exceptions import HttpResponseError
from azure.core.pipeline.policies import (
    BearerTokenCredentialPolicy,
    HeadersPolicy,
    HttpLoggingPolicy,
    RetryPolicy,
    UserAgentPolicy,
)
from azure.core.rest import HttpRequest

from synapse_dl.clients.errors import service_answer
from synapse_dl.version import USER_AGENT

# The audience of data-plane tokens.
SYNAPSE_SCOPE = "https://dev.azuresynapse.net/.default"
LIVY_API_VERSION = "2019-11-01-preview"
# What the workspace answers (403) when its firewall refuses the caller's address.
FIREWALL_REFUSAL = "ClientIpAddressNotAuthorized"


class SynapsePermissionError(Exception):
    """The identity lacks a Synapse RBAC role, or the firewall refuses it; the message says
    which and what to do."""


def workspace_endpoint(workspace_name: str) -> str:
    return f"https://{workspace_name}.dev.azuresynapse.net"


def data_plane_client(endpoint: str, credential: Any) -> PipelineClient:
    """azure-core's pipeline for the data-plane calls no artifacts SDK makes (Livy, RBAC):
    retries (429, 5xx), a token for the data plane's audience, this package's User-Agent."""
    return PipelineClient(
        base_url=endpoint,
        policies=[
            HeadersPolicy(),
            UserAgentPolicy(user_agent=USER_AGENT),
            RetryPolicy(),
            BearerTokenCredentialPolicy(credential, SYNAPSE_SCOPE),
            # Redacts the Authorization header: tokens never reach the logs.
            HttpLoggingPolicy(),
        ],
    )


def artifacts_client(endpoint: str, credential: Any) -> Any:
    from azure.synapse.artifacts import ArtifactsClient

    return ArtifactsClient(credential, endpoint, user_agent=USER_AGENT)


def permission_error(error: HttpResponseError, action: str, role: str) -> Exception:
    """A refusal as the fix it needs: the firewall, or a Synapse role; other errors as they are."""
    # azure-core reads the service's error from the top level (the firewall's) or under `error`.
    if error.error and error.error.code == FIREWALL_REFUSAL:
        # Not a missing role: the workspace does not accept this machine's address at all.
        said = error.error.message or ""
        return SynapsePermissionError(
            f"the workspace firewall refused the request to {action} ({said}): "
            "add this machine's address to workspace.network.firewallRules, or reach the "
            "workspace through a private endpoint"
        )
    if error.status_code in (401, 403):
        return SynapsePermissionError(
            f"Synapse refused to {action} ({service_answer(error)}): the identity needs the "
            f"Synapse RBAC role '{role}' on the workspace"
        )
    return error


@dataclass(frozen=True)
class BatchStatus:
    state: str
    errors: list[str]
    # The driver's latest log lines, as Livy keeps them (`log`, SparkBatchJob.logLines in
    # sparkJob.json 2019-11-01-preview): a window of the newest, not the whole log.
    log: list[str] = field(default_factory=list)


class LivyBatches:
    """`GET {endpoint}/livyApi/versions/{version}/sparkPools/{pool}/batches/{id}`."""

    def __init__(self, endpoint: str, pool: str, credential: Any):
        self._pool = pool
        self._client = data_plane_client(endpoint, credential)

    def status(self, batch_id: int) -> BatchStatus:
        path = f"/livyApi/versions/{LIVY_API_VERSION}/sparkPools/{self._pool}/batches/{batch_id}"
        request = HttpRequest("GET", self._client.format_url(path), params={"detailed": "true"})
        response = self._client.send_request(request)
        if response.status_code != 200:
            raise HttpResponseError(response=response)
        body = response.json()
        errors = body.get("errorInfo") or []
        log = [line for line in body.get("log") or [] if isinstance(line, str)]
        return BatchStatus(body["state"], [m for e in errors if (m := e.get("message"))], log)
