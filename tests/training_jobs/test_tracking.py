"""tracking (MLflow) and curves without Spark: what a run does when the tracking URI cannot be
used, and the PNG. The runs themselves are logged in test_training_runs.py."""

from __future__ import annotations

import argparse
import sys
import urllib.parse

import curves
import job_arguments
import launcher
import pytest
import tracking

PNG = b"\x89PNG\r\n\x1a\n"


class Job:
    name = "mymodel"


def job_args(uri: str | None) -> argparse.Namespace:
    parser = job_arguments.build_parser(Job.name)
    argv = ["--launcher", "spark", *(["--mlflow-tracking-uri", uri] if uri else [])]
    return parser.parse_args(argv)


@pytest.mark.parametrize("user", ["me", "a.b-c_d"])
@pytest.mark.parametrize("password", ["s3cret", "p%40ss%3Aw%2Frd", "%40%3A"])
@pytest.mark.parametrize("host", ["127.0.0.1:5000", "mlflow.example.net"])
def test_a_uri_is_shown_without_its_password(user, password, host):
    uri = f"https://{user}:{password}@{host}/mlflow?x=1"
    assert tracking.shown(uri) == f"https://{user}:***@{host}/mlflow?x=1"
    assert tracking.shown(f"https://{host}/mlflow") == f"https://{host}/mlflow"
    # An error that quotes the URI, the password as written or decoded.
    error = f"{uri} failed; password={urllib.parse.unquote(password)}"
    assert password not in tracking.hidden(error, uri)
    assert urllib.parse.unquote(password) not in tracking.hidden(error, uri)


def test_without_a_uri_nothing_is_tracked(monkeypatch):
    monkeypatch.delenv(tracking.URI_VARIABLE, raising=False)
    assert launcher.start_tracking(Job, job_args(None)) is None


def test_the_environment_variable_is_the_uri_when_no_argument_gives_one(monkeypatch):
    monkeypatch.setenv(tracking.URI_VARIABLE, "file:///from/env")
    assert tracking.configured_uri(None) == "file:///from/env"
    assert tracking.configured_uri("file:///argument") == "file:///argument"


def test_a_uri_that_cannot_be_used_ends_the_job_before_training_naming_it(monkeypatch):
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "5")
    # Port 9 (discard) has no MLflow server: the connection is refused.
    with pytest.raises(SystemExit) as stopped:
        launcher.start_tracking(Job, job_args("http://me:s3cret@127.0.0.1:9"))
    message = str(stopped.value)
    assert message.startswith("mymodel: MLflow tracking URI 'http://me:***@127.0.0.1:9': ")
    assert "s3cret" not in message
    # mlflow's own error quotes the URI: the password is hidden there too.
    assert "me:***@127.0.0.1:9/api/" in message


def test_without_mlflow_installed_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "mlflow", None)
    monkeypatch.setitem(sys.modules, "mlflow.tracking", None)
    with pytest.raises(tracking.TrackingError, match="mlflow-skinny"):
        tracking.start("file:///tmp/mlruns", "x", "x", {})


def test_an_epoch_that_cannot_be_logged_is_reported_and_training_goes_on(tmp_path, capsys):
    # A store under a file, not a folder: every write fails.
    (tmp_path / "file").write_text("")
    run = tracking.Run((tmp_path / "file" / "mlruns").as_uri(), "0" * 32)
    tracking.log_epoch(run, {"epoch": 3, "loss": 0.5, "accuracy": None})
    tracking.finish(run, [])
    err = capsys.readouterr().err
    assert "mlflow: epoch 3 not logged: " in err
    assert f"mlflow: run {'0' * 32} not closed: " in err


def test_the_curves_are_a_png_with_a_panel_for_the_loss_and_one_per_metric():
    epochs = [
        {"epoch": 1, "loss": 1.0, "test_loss": 0.9, "accuracy": 0.5, "samples_per_second": 9.0},
        {"epoch": 2, "loss": 0.5, "test_loss": None, "accuracy": 0.7, "elapsed_seconds": 2.0},
    ]
    assert curves.metric_names(epochs) == ["accuracy"]
    assert curves.png("mymodel", epochs).startswith(PNG)
    # A job without a metric: the loss alone.
    assert curves.metric_names([{"epoch": 1, "loss": 1.0, "test_loss": 1.0}]) == []
    assert curves.png("mse", [{"epoch": 1, "loss": 1.0, "test_loss": 1.0}]).startswith(PNG)
