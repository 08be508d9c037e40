"""MLflow tracking of a training run, when a tracking URI is configured
(`--mlflow-tracking-uri`, else the MLFLOW_TRACKING_URI environment variable).

The driver opens the run (the job's parameters), rank 0 logs each epoch's figures as the
epoch ends (step = the epoch), and the driver closes the run with the run summary and the
training curves as artifacts, FINISHED or FAILED. Only MlflowClient calls that mlflow 1.x to
3.x all have are used: the Spark 3.5 runtime ships mlflow-skinny 2.18.0, the retired GPU
runtimes mlflow 1.27. The run is addressed by its id, so the training processes need no
environment of their own.

Shipped to the cluster in common.zip, the jobs' `../common` pyFiles entry.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit, urlunsplit

URI_VARIABLE = "MLFLOW_TRACKING_URI"


class TrackingError(Exception):
    """The run could not be opened: nothing has been trained yet."""


@dataclass(frozen=True)
class Run:
    """An open MLflow run: where, and which. Pickled to the training processes."""

    uri: str
    run_id: str


def configured_uri(argument: str | None) -> str | None:
    return argument or os.environ.get(URI_VARIABLE) or None


def shown(uri: str) -> str:
    """The URI without a password, for messages."""
    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def hidden(text: str, uri: str) -> str:
    """`text` (an error's, which may quote the URI) without the URI's password."""
    password = urlsplit(uri).password
    for form in {password, unquote(password or "")} - {None, ""}:
        text = text.replace(form, "***")
    return text


def _client(uri: str):
    try:
        from mlflow.tracking import MlflowClient
    except ImportError as error:
        raise TrackingError(
            "mlflow is not installed in this environment; the Spark 3.5 runtime ships "
            "mlflow-skinny 2.18.0, elsewhere add mlflow-skinny to the pool's libraries"
        ) from error
    return MlflowClient(tracking_uri=uri)


def start(uri: str, experiment: str, run_name: str, params: Mapping[str, object]) -> Run:
    """Open a run in the experiment (made if missing) with the job's parameters."""
    try:
        client = _client(uri)
        found = client.get_experiment_by_name(experiment)
        experiment_id = found.experiment_id if found else client.create_experiment(experiment)
        # The run name as a tag: mlflow 1.27's create_run has no run_name parameter.
        run = client.create_run(experiment_id, tags={"mlflow.runName": run_name})
        run_id = run.info.run_id
        from mlflow.entities import Param

        client.log_batch(run_id, params=[Param(k, str(v)) for k, v in params.items()])
    except TrackingError:
        raise
    except Exception as error:  # mlflow raises its own and its transports' errors
        raise TrackingError(hidden(f"{type(error).__name__}: {error}", uri)) from error
    return Run(uri, run_id)


def log_epoch(run: Run | None, entry: Mapping[str, object]) -> None:
    """One epoch's figures, as metrics at step = the epoch. A failure is reported, never
    raised: the training goes on and run_summary.json keeps the figures."""
    if run is None:
        return
    try:
        from mlflow.entities import Metric

        now = int(time.time() * 1000)
        step = int(entry["epoch"])  # type: ignore[call-overload]
        metrics = [
            Metric(key, float(value), now, step)  # type: ignore[arg-type]
            for key, value in entry.items()
            if key != "epoch" and value is not None
        ]
        _client(run.uri).log_batch(run.run_id, metrics=metrics)
    except Exception as error:
        shown_error = hidden(str(error), run.uri)
        print(f"mlflow: epoch {entry.get('epoch')} not logged: {shown_error}", file=sys.stderr)


def finish(run: Run | None, artifacts: Iterable[str], *, failed: bool = False) -> None:
    """Close the run with the files (local paths) as artifacts. A failure is reported, never
    raised: the run's output is written already."""
    if run is None:
        return
    try:
        client = _client(run.uri)
        for path in artifacts:
            client.log_artifact(run.run_id, path)
        client.set_terminated(run.run_id, status="FAILED" if failed else "FINISHED")
    except Exception as error:
        print(
            f"mlflow: run {run.run_id} not closed: {hidden(str(error), run.uri)}", file=sys.stderr
        )
