"""`python -m job_runner`: submit a deployed definition, follow the batch, exit by its end."""

from __future__ import annotations

import pytest

from job_runner.__main__ import main
from tests.fakes.synapse_server import FakeSynapse

DEFINITION = {
    "description": "digits",
    "targetBigDataPool": {"type": "BigDataPoolReference", "referenceName": "gpularge"},
    "requiredSparkVersion": "3.2",
    "language": "python",
    "jobProperties": {"name": "pytorch_digits", "file": "abfss://x/train.py"},
}


def run(synapse: FakeSynapse, job: str = "pytorch_digits") -> int:
    return main(["--job", job, "--endpoint", synapse.base_url, "--poll-seconds", "0.01"])


def deploy(synapse: FakeSynapse) -> None:
    synapse.definitions["pytorch_digits"] = {"name": "pytorch_digits", "properties": DEFINITION}


def test_a_successful_run_prints_each_state_change_and_exits_0(synapse: FakeSynapse, capsys):
    deploy(synapse)

    code = run(synapse)

    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines() == [
        "submitted 'pytorch_digits' to pool 'gpularge' as batch 1",
        "batch 1: not_started",
        "batch 1: starting",
        "batch 1: running",
        "batch 1: success",
        "final state: success",
    ]
    assert synapse.calls("POST") == ["/sparkJobDefinitions/pytorch_digits/execute"]
    assert synapse.calls("GET", "/livyApi/versions/2019-11-01-preview/sparkPools/gpularge/")


def test_a_failed_batch_exits_1_with_its_error(synapse: FakeSynapse, capsys):
    deploy(synapse)
    synapse.next_batch_states = ["starting", "running", "dead"]
    synapse.next_batch_errors = [
        {"message": "Horovod: 1 process exited", "errorCode": "1", "source": "User"}
    ]

    code = run(synapse)

    captured = capsys.readouterr()
    assert code == 1
    assert "final state: dead" in captured.out
    assert "error: Horovod: 1 process exited" in captured.err


def test_a_403_names_the_role_needed_to_run(synapse: FakeSynapse, capsys):
    deploy(synapse)
    synapse.fail("POST", 403, body={"error": {"code": "Forbidden", "message": "no"}})

    code = run(synapse)

    assert code == 1
    assert "'Synapse Compute Operator'" in capsys.readouterr().err


def test_a_429_on_submit_is_retried(synapse: FakeSynapse):
    deploy(synapse)
    synapse.fail("POST", 429, {"Retry-After": "1"})

    assert run(synapse) == 0
    assert len(synapse.calls("POST")) == 2
    assert len(synapse.batches) == 1


def test_a_job_the_stack_does_not_deploy_is_an_error_naming_those_it_does(
    synapse: FakeSynapse, capsys
):
    assert run(synapse, job="no_such_job") == 1
    assert capsys.readouterr().err == (
        "error: --job 'no_such_job': Pulumi.dev.yaml deploys no such job; it deploys: "
        "pytorch_digits, tensorflow_digits\n"
    )
    assert synapse.calls("POST") == []


def test_the_job_runs_on_the_pool_its_stack_places_it_on(synapse: FakeSynapse, capsys):
    on_cpu_pool = {
        **DEFINITION,
        "targetBigDataPool": {"type": "BigDataPoolReference", "referenceName": "cpumedium"},
        "requiredSparkVersion": "3.5",
    }
    synapse.definitions["pytorch_digits"] = {"name": "pytorch_digits", "properties": on_cpu_pool}

    code = main(
        [
            "--stack",
            "cpu",
            "--job",
            "pytorch_digits",
            "--endpoint",
            synapse.base_url,
            "--poll-seconds",
            "0.01",
        ]
    )

    assert code == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "submitted 'pytorch_digits' to pool 'cpumedium' as batch 1"
    )
    assert synapse.calls("GET", "/livyApi/versions/2019-11-01-preview/sparkPools/cpumedium/")


@pytest.mark.parametrize("states", [["running", "killed"], ["error"]])
def test_killed_and_error_are_failures(synapse: FakeSynapse, states):
    deploy(synapse)
    synapse.next_batch_states = states

    assert run(synapse) == 1


def test_without_an_azure_login_it_says_how_to_log_in_and_exits_1(
    synapse: FakeSynapse, monkeypatch, capsys
):
    from azure.identity import CredentialUnavailableError

    from components import spark_job_definition

    class NoLogin:
        def get_token(self, *scopes, **kwargs):
            raise CredentialUnavailableError(
                "DefaultAzureCredential failed to retrieve a token from the included credentials."
                "\nAttempted credentials:\n\tEnvironmentCredential: not configured"
            )

    monkeypatch.setattr(spark_job_definition, "make_credential", NoLogin)
    deploy(synapse)

    assert run(synapse) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: no Azure credential could sign in to the workspace. Log in ")
    assert "`az login`" in err and "AZURE_FEDERATED_TOKEN_FILE" in err
    assert "Traceback" not in err and len(err.splitlines()) == 1
    assert synapse.calls("POST") == []


def test_an_unreachable_workspace_is_one_line_naming_the_endpoint(synapse: FakeSynapse, capsys):
    # Nothing listens on port 9 of this machine.
    code = main(
        ["--job", "pytorch_digits", "--endpoint", "https://127.0.0.1:9", "--poll-seconds", "0"]
    )

    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error: cannot reach https://127.0.0.1:9 (")
    assert len(err.splitlines()) == 1
