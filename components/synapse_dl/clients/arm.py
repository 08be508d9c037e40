"""A small ARM JSON client on the Azure SDK's own pipeline (azure-core / azure-mgmt-core).

It speaks the same api-version as pulumi-azure-native's BigDataPool (2021-06-01) and keeps
the pool's JSON as ARM returns it, so a read-modify-write never drops a property that an
older SDK model would not know. Retries (429 with Retry-After, 5xx) are azure-core's
RetryPolicy; long-running operations are polled by azure-mgmt-core's ARMPolling.
"""

from __future__ import annotations

from typing import Any

from azure.core.credentials import TokenCredential
from azure.core.exceptions import HttpResponseError
from azure.core.pipeline.policies import (
    HeadersPolicy,
    RequestIdPolicy,
    RetryPolicy,
    UserAgentPolicy,
)
from azure.core.polling import LROPoller
from azure.core.rest import HttpRequest
from azure.mgmt.core import ARMPipelineClient
from azure.mgmt.core.exceptions import ARMErrorFormat
from azure.mgmt.core.policies import ARMChallengeAuthenticationPolicy, ARMHttpLoggingPolicy
from azure.mgmt.core.polling.arm_polling import ARMPolling

from synapse_dl.clients.errors import service_answer
from synapse_dl.version import USER_AGENT

DEFAULT_ARM_ENDPOINT = "https://management.azure.com"
# The audience of ARM tokens in Azure's public cloud. Apart from the endpoint: a token's
# audience is ARM's whatever address the client calls (a sovereign cloud passes both).
ARM_SCOPE = "https://management.azure.com/.default"
BIG_DATA_POOL_API_VERSION = "2021-06-01"


class ArmPermissionError(Exception):
    """The deploying identity may not do what was asked; names the role it needs."""


def big_data_pool_path(subscription_id: str, resource_group: str, workspace: str, pool: str) -> str:
    return (
        f"/subscriptions/{subscription_id}/resourceGroups/{resource_group}"
        f"/providers/Microsoft.Synapse/workspaces/{workspace}/bigDataPools/{pool}"
    )


class ArmClient:
    def __init__(
        self,
        credential: TokenCredential,
        endpoint: str = DEFAULT_ARM_ENDPOINT,
        *,
        scope: str = ARM_SCOPE,
        retry_total: int = 6,
        retry_backoff_factor: float = 0.8,
        polling_interval: float = 15,
    ):
        self._polling_interval = polling_interval
        self._client: ARMPipelineClient = ARMPipelineClient(
            base_url=endpoint,
            policies=[
                RequestIdPolicy(),
                HeadersPolicy(),
                UserAgentPolicy(user_agent=USER_AGENT),
                RetryPolicy(retry_total=retry_total, retry_backoff_factor=retry_backoff_factor),
                ARMChallengeAuthenticationPolicy(credential, scope),
                # Redacts the Authorization header: tokens never reach the logs.
                ARMHttpLoggingPolicy(),
            ],
        )

    def get(self, path: str, api_version: str) -> dict[str, Any] | None:
        """The resource's JSON, or None when ARM answers 404."""
        response = self._client.send_request(
            HttpRequest("GET", self._client.format_url(path), params={"api-version": api_version})
        )
        if response.status_code == 404:
            return None
        _raise_for_status(response, "read")
        return response.json()

    def put(self, path: str, api_version: str, body: dict[str, Any]) -> dict[str, Any]:
        """PUT and follow the long-running operation to its end; returns the final resource."""
        url = self._client.format_url(path)
        request = HttpRequest("PUT", url, params={"api-version": api_version}, json=body)
        pipeline_response = self._client.send_request(request, _return_pipeline_response=True)
        # bigDataPool.json: a PUT answers 200, or 202 and runs on as a long-running operation.
        _raise_for_status(pipeline_response.http_response, "update", accepted=(200, 202))
        poller: LROPoller[dict[str, Any]] = LROPoller(
            self._client,
            pipeline_response,
            # ARMPolling ends a PUT with a GET of the resource: its body is the final pool.
            lambda final: final.http_response.json(),
            # The interval is a fallback: ARM's operations say when to poll (Retry-After).
            ARMPolling(self._polling_interval),
        )
        return poller.result()


# What ARM answers (403) when an Azure Policy assignment denies the request: no role fixes it.
POLICY_DENIAL = "RequestDisallowedByPolicy"


def _raise_for_status(response: Any, action: str, accepted: tuple[int, ...] = (200,)) -> None:
    if response.status_code in accepted:
        return
    error = HttpResponseError(response=response, error_format=ARMErrorFormat)
    if response.status_code not in (401, 403):
        raise error
    # ARM's own code and message say which refusal it is (a missing role, a policy's denial).
    refused = (
        f"ARM refused to {action} {response.request.url.split('?')[0]} ({service_answer(error)})"
    )
    if error.error and error.error.code == POLICY_DENIAL:
        raise ArmPermissionError(
            f"{refused}: an Azure Policy assignment on the subscription or resource group "
            "denies it; no role lifts that, the assignment's owner must exempt the resource"
        ) from None
    raise ArmPermissionError(
        f"{refused}: the deploying identity needs Contributor (or "
        "Microsoft.Synapse/workspaces/bigDataPools/write) on the Synapse workspace"
    ) from None
