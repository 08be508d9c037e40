"""Submit a deployed Spark job definition and follow its batch to the end.

The definition's `execute` operation starts a Spark batch; the workspace's Livy batch API
reports its state until it is final. Both go through the data-plane client
(synapse_dl.clients.synapse).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from azure.core.exceptions import HttpResponseError

from synapse_dl.clients.credentials import CredentialFactory, default_credential
from synapse_dl.clients.synapse import LivyBatches, artifacts_client, permission_error

RUN_ROLE = "Synapse Compute Operator"
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


def new_lines(shown: list[str], window: list[str]) -> list[str]:
    """The lines of Livy's latest log window that come after what was shown: the window
    slides, so the longest end of `shown` that starts `window` was shown already."""
    for overlap in range(min(len(shown), len(window)), 0, -1):
        if shown[-overlap:] == window[:overlap]:
            return window[overlap:]
    return list(window)


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
    credential_factory: CredentialFactory = default_credential,
) -> RunResult:
    """Execute `definition` and wait for its batch; reports each state change and the
    driver's new log lines (the epoch lines a job prints among them).

    Raises RunTimeout when the batch is still running after `timeout_seconds`, and
    UnknownBatchState for a state Livy does not document.
    """
    credential = credential_factory()
    try:
        batch = (
            artifacts_client(endpoint, credential)
            .spark_job_definition.begin_execute_spark_job_definition(definition)
            .result()
        )
        report(f"submitted {definition!r} to pool {pool!r} as batch {batch.id}")
        livy = LivyBatches(endpoint, pool, credential)
        deadline = clock() + timeout_seconds
        last_state = None
        shown: list[str] = []
        while True:
            status = livy.status(batch.id)
            if status.state != last_state:
                report(f"batch {batch.id}: {status.state}")
                last_state = status.state
            for line in new_lines(shown, status.log):
                report(f"  | {line}")
            shown = status.log or shown
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
        raise permission_error(error, f"run {definition!r}", RUN_ROLE) from error
