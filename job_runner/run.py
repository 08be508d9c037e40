"""Submit a deployed Spark job definition and follow its batch to the end.

The definition's `execute` operation (azure-synapse-artifacts) starts a Spark batch; the
workspace's Livy batch API reports its state until it is final. That API is one GET, made on
azure-core's pipeline (retries, bearer token) rather than the azure-synapse-spark package,
which is unmaintained and imports `six` without declaring it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from azure.core import PipelineClient
from azure.core.exceptions import HttpResponseError
from azure.core.pipeline.policies import (
    BearerTokenCredentialPolicy,
    HeadersPolicy,
    RetryPolicy,
    UserAgentPolicy,
)
from azure.core.rest import HttpRequest

from components import spark_job_definition

RUN_ROLE = "Synapse Compute Operator"
LIVY_API_VERSION = "2019-11-01-preview"
SYNAPSE_SCOPE = "https://dev.azuresynapse.net/.default"
# Livy's batch states (Apache Livy's SessionState; the Synapse Livy API returns the same
# names): final ones, and the ones a batch passes through on its way.
SUCCEEDED = {"success"}
FAILED = {"dead", "killed", "error"}
RUNNING = {"not_started", "starting", "recovering", "idle", "running", "busy", "shutting_down"}
# How long `make run-job` follows a batch before it stops following (the batch runs on), and
# how often it asks.
DEFAULT_TIMEOUT_SECONDS = 6 * 3600
DEFAULT_POLL_SECONDS = 10.0


class RunTimeout(Exception):
    """The batch was still running at the deadline; it goes on running on the pool."""


class UnknownBatchState(Exception):
    """Livy reported a state this runner does not know, so it cannot tell how it ends."""


@dataclass(frozen=True)
class RunResult:
    batch_id: int
    state: str
    errors: list[str]

    @property
    def succeeded(self) -> bool:
        return self.state in SUCCEEDED


@dataclass(frozen=True)
class BatchStatus:
    state: str
    errors: list[str]


class LivyBatches:
    """`GET {endpoint}/livyApi/versions/{version}/sparkPools/{pool}/batches/{id}`."""

    def __init__(self, endpoint: str, pool: str, credential: Any):
        self._pool = pool
        self._client: PipelineClient = PipelineClient(
            base_url=endpoint,
            policies=[
                HeadersPolicy(),
                UserAgentPolicy(sdk_moniker="synapse-dl/0.1.0"),
                RetryPolicy(),
                BearerTokenCredentialPolicy(credential, SYNAPSE_SCOPE),
            ],
        )

    def status(self, batch_id: int) -> BatchStatus:
        path = f"/livyApi/versions/{LIVY_API_VERSION}/sparkPools/{self._pool}/batches/{batch_id}"
        request = HttpRequest("GET", self._client.format_url(path), params={"detailed": "true"})
        response = self._client.send_request(request)
        if response.status_code != 200:
            raise HttpResponseError(response=response)
        body = response.json()
        messages = [e.get("message", "") for e in body.get("errorInfo") or []]
        return BatchStatus(body["state"], [m for m in messages if m])


def run_job_definition(
    endpoint: str,
    definition: str,
    pool: str,
    *,
    poll_seconds: float = DEFAULT_POLL_SECONDS,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    report: Callable[[str], None] = print,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> RunResult:
    """Execute `definition` and wait for its batch; reports each state change.

    Raises RunTimeout when the batch is still running after `timeout_seconds`, and
    UnknownBatchState for a state Livy does not document.
    """
    credential = spark_job_definition.make_credential()
    try:
        batch = (
            spark_job_definition.artifacts_client(endpoint, credential)
            .spark_job_definition.begin_execute_spark_job_definition(definition)
            .result()
        )
        report(f"submitted {definition!r} to pool {pool!r} as batch {batch.id}")
        livy = LivyBatches(endpoint, pool, credential)
        deadline = clock() + timeout_seconds
        last_state = None
        while True:
            status = livy.status(batch.id)
            if status.state != last_state:
                report(f"batch {batch.id}: {status.state}")
                last_state = status.state
            if status.state in SUCCEEDED | FAILED:
                return RunResult(batch.id, status.state, status.errors)
            if status.state not in RUNNING:
                raise UnknownBatchState(
                    f"batch {batch.id} is in state {status.state!r}, which Livy does not "
                    "document; follow it in Synapse Studio (Monitor > Apache Spark applications)"
                )
            if clock() + poll_seconds > deadline:
                raise RunTimeout(
                    f"batch {batch.id} is still {status.state!r} after {timeout_seconds:.0f} s; "
                    "it goes on running on the pool: follow it in Synapse Studio, or run with "
                    "a longer --timeout-minutes"
                )
            sleep(poll_seconds)
    except HttpResponseError as error:
        raise spark_job_definition.permission_error(
            error, f"run {definition!r}", RUN_ROLE
        ) from error
