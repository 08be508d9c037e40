"""`synapse-dl run-job`: submit a deployed definition, follow the batch, exit by its end."""

from __future__ import annotations

import pytest

from synapse_dl.cli.commands import parse
from synapse_dl.clients.credentials import CredentialFactory, default_credential
from tests.fakes.credentials import FakeCredential
from tests.fakes.synapse_server import FakeSynapse

DEFINITION = {
    "description": "digits",
    "targetBigDataPool": {"type": "BigDataPoolReference", "referenceName": "gpularge"},
    "requiredSparkVersion": "3.2",
    "language": "python",
    "jobProperties": {"name": "pytorch_digits", "file": "abfss://x/train.py"},
}


def main(argv: list[str], credential_factory: CredentialFactory = default_credential) -> int:
    """`synapse-dl run-job ARGV`, signing in through `credential_factory`."""
    args = parse(["run-job", *argv])
    return args.run(args, credential_factory=credential_factory)


def run(synapse: FakeSynapse, job: str = "pytorch_digits", credential=FakeCredential) -> int:
    return main(
        ["--job", job, "--endpoint", synapse.base_url, "--poll-seconds", "0.01"],
        credential_factory=credential,
    )


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


def test_every_data_plane_call_names_the_package_and_its_version(synapse: FakeSynapse):
    from synapse_dl.version import USER_AGENT

    deploy(synapse)
    assert run(synapse) == 0
    # The execute call (azure-synapse-artifacts) and Livy's status reads alike.
    assert len(synapse.user_agents) >= 2
    assert all(agent.startswith(f"{USER_AGENT} ") for agent in synapse.user_agents)


def test_a_failed_batch_exits_1_with_its_error(synapse: FakeSynapse, capsys):
    deploy(synapse)
    synapse.next_batch_states = ["starting", "running", "dead"]
    synapse.next_batch_errors = [
        {"message": "Horovod: 1 process exited", "errorCode": "1", "source": "User"},
        {"errorCode": "2", "source": "System"},  # no message: nothing to print
    ]

    code = run(synapse)

    captured = capsys.readouterr()
    assert code == 1
    assert "final state: dead" in captured.out
    # Synapse's errorInfo comes only with detailed=true, which the runner asks for.
    assert captured.err == "error: Horovod: 1 process exited\n"


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
    assert run(synapse, job="no_such_job") == 2
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
        ],
        credential_factory=FakeCredential,
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


def test_without_an_azure_login_it_says_how_to_log_in_and_exits_1(synapse: FakeSynapse, capsys):
    from azure.identity import CredentialUnavailableError

    class NoLogin:
        def get_token(self, *scopes, **kwargs):
            raise CredentialUnavailableError(
                "DefaultAzureCredential failed to retrieve a token from the included credentials."
                "\nAttempted credentials:\n\tEnvironmentCredential: not configured"
            )

    deploy(synapse)

    assert run(synapse, credential=NoLogin) == 1
    err = capsys.readouterr().err
    # The whole line: what to do, for a person and for a pipeline, and the credential's cause.
    assert err == (
        "error: no Azure credential could sign in to the workspace. Log in with `az login` (a "
        "person), or give a pipeline's identity AZURE_TENANT_ID, AZURE_CLIENT_ID and "
        "AZURE_FEDERATED_TOKEN_FILE (or AZURE_CLIENT_SECRET). (DefaultAzureCredential failed "
        "to retrieve a token from the included credentials.)\n"
    )
    assert synapse.calls("POST") == []


def test_an_unreachable_workspace_is_one_line_naming_the_endpoint(synapse: FakeSynapse, capsys):
    # Nothing listens on port 9 of this machine.
    code = main(
        ["--job", "pytorch_digits", "--endpoint", "https://127.0.0.1:9", "--poll-seconds", "0"],
        credential_factory=FakeCredential,
    )

    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error: cannot reach https://127.0.0.1:9 (")
    # The connection error's own text sits between; what to check comes after it.
    assert err.endswith(
        "): check the workspace name, and that this machine may reach the workspace "
        "(public network access, or a private endpoint)\n"
    )
    assert len(err.splitlines()) == 1


# --- following the batch: sleeps, deadline, unknown states, non-200 answers ----------------


class FakeClock:
    """A clock that only moves when the runner sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def follow(synapse: FakeSynapse, clock: FakeClock, **options):
    from synapse_dl.cli.spark_batch import run_job_definition

    return run_job_definition(
        synapse.base_url,
        "pytorch_digits",
        "gpularge",
        report=lambda _: None,
        sleep=clock.sleep,
        clock=clock.time,
        credential_factory=FakeCredential,
        **options,
    )


def test_the_runner_sleeps_the_poll_interval_between_status_reads(synapse: FakeSynapse):
    deploy(synapse)
    clock = FakeClock()

    result = follow(synapse, clock, poll_seconds=7.5)

    assert result.state == "success"
    reads = synapse.calls("GET", "/livyApi/")
    # not_started, starting, running, success: a sleep between each pair of reads.
    assert len(reads) == 4
    assert clock.sleeps == [7.5, 7.5, 7.5]


def test_a_batch_still_running_at_the_deadline_stops_the_runner_with_a_clear_error(
    synapse: FakeSynapse,
):
    from synapse_dl.cli.spark_batch import RunTimeout

    deploy(synapse)
    synapse.next_batch_states = ["running"]  # forever
    clock = FakeClock()

    with pytest.raises(RunTimeout) as error:
        follow(synapse, clock, poll_seconds=10, timeout_seconds=60)
    assert str(error.value) == (
        "batch 1 is still 'running' after 60 s; it goes on running on the pool: follow it in "
        "Synapse Studio, or run with a longer --timeout-minutes"
    )
    assert clock.now <= 60
    assert len(synapse.calls("GET", "/livyApi/")) == 7  # at 0, 10, ..., 60 s


def test_a_state_livy_does_not_document_is_an_error_not_a_loop(synapse: FakeSynapse):
    from synapse_dl.cli.spark_batch import UnknownBatchState

    deploy(synapse)
    synapse.next_batch_states = ["starting", "teleporting"]

    with pytest.raises(UnknownBatchState) as error:
        follow(synapse, FakeClock(), poll_seconds=1)
    assert str(error.value) == (
        "batch 1 is in state 'teleporting', which Livy does not document; follow it in Synapse "
        "Studio (Monitor > Apache Spark applications)"
    )


def test_a_state_is_reported_once_however_often_it_is_read(synapse: FakeSynapse):
    deploy(synapse)
    synapse.next_batch_states = ["running", "running", "running", "success"]
    seen: list[str] = []

    from synapse_dl.cli.spark_batch import run_job_definition

    clock = FakeClock()
    result = run_job_definition(
        synapse.base_url, "pytorch_digits", "gpularge", report=seen.append,
        sleep=clock.sleep, clock=clock.time, credential_factory=FakeCredential,
    )  # fmt: skip

    assert (result.batch_id, result.state, result.errors) == (1, "success", [])
    assert seen == [
        "submitted 'pytorch_digits' to pool 'gpularge' as batch 1",
        "batch 1: running",
        "batch 1: success",
    ]


def test_a_non_200_from_livy_is_raised(synapse: FakeSynapse):
    from azure.core.exceptions import HttpResponseError

    from synapse_dl.cli.spark_batch import run_job_definition

    deploy(synapse)
    clock = FakeClock()

    # The batch runs on gpularge; asked on another pool, Livy answers 404.
    with pytest.raises(HttpResponseError, match="batch 1 in pool otherpool"):
        run_job_definition(
            synapse.base_url, "pytorch_digits", "otherpool", report=lambda _: None,
            sleep=clock.sleep, clock=clock.time, credential_factory=FakeCredential,
        )  # fmt: skip
    assert synapse.calls("GET", "/livyApi/") == [
        "/livyApi/versions/2019-11-01-preview/sparkPools/otherpool/batches/1"
    ]
    assert clock.sleeps == []


def test_the_command_line_turns_the_deadline_into_one_line_and_exit_1(synapse: FakeSynapse, capsys):
    deploy(synapse)
    synapse.next_batch_states = ["running"]

    code = main(
        ["--job", "pytorch_digits", "--endpoint", synapse.base_url, "--poll-seconds", "0.01",
         "--timeout-minutes", "0.001"],
        credential_factory=FakeCredential,
    )  # fmt: skip

    assert code == 1
    assert capsys.readouterr().err.startswith("error: batch 1 is still 'running' after 0 s")


def test_a_firewall_refusal_on_submit_says_so(synapse: FakeSynapse, capsys):
    deploy(synapse)
    synapse.firewall_refuses = True

    assert run(synapse) == 1
    err = capsys.readouterr().err
    assert "the workspace firewall refused the request to run 'pytorch_digits'" in err
    assert "Synapse Compute Operator" not in err


def test_help_names_the_command_and_says_what_each_option_is_for(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--help"])

    assert exited.value.code == 0
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps to the terminal width
    assert text.startswith("usage: synapse-dl run-job ")
    assert "run a deployed job definition. Prints each state change of the Spark batch" in text
    for option, purpose in {
        "--stack STACK": "runs a job deployed with Pulumi.<stack>.yaml (default: dev)",
        "--stack-file STACK_FILE": "runs a job deployed with this stack file",
        "--job JOB": "a job the stack deploys (its jobs key)",
        "--endpoint ENDPOINT": "the workspace's dev endpoint (default: from the stack)",
        "--timeout-minutes TIMEOUT_MINUTES": "stop following the batch after this long",
    }.items():
        assert f"{option} {purpose}" in text


def test_a_stack_file_given_by_path_is_named_by_its_file_name(synapse: FakeSynapse, capsys):
    from tests.conftest import DEV_STACK

    code = main(["--stack-file", str(DEV_STACK), "--job", "nope", "--endpoint", synapse.base_url])

    assert code == 2
    assert capsys.readouterr().err.startswith("error: --job 'nope': Pulumi.dev.yaml deploys ")


def test_without_a_job_it_says_which_argument_is_missing(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--stack", "dev"])

    assert exited.value.code == 2
    assert "the following arguments are required: --job" in capsys.readouterr().err


def test_the_command_line_follows_the_stacks_workspace_with_its_defaults(monkeypatch):
    from synapse_dl.cli import run_job as command
    from synapse_dl.cli.spark_batch import RunResult

    calls = []

    def fake_run(endpoint, definition, pool, **options):
        calls.append((endpoint, definition, pool, options))
        return RunResult(1, "success", [])

    monkeypatch.setattr(command, "run_job_definition", fake_run)

    assert main(["--job", "pytorch_digits"]) == 0
    assert main(["--job", "pytorch_digits", "--timeout-minutes", "2", "--poll-seconds", "3"]) == 0
    endpoint = "https://synw-dl-dev-001.dev.azuresynapse.net"
    assert calls == [
        # Every 10 s, for up to 6 hours, unless told otherwise; as the deploying identity.
        (
            endpoint,
            "pytorch_digits",
            "gpularge",
            {
                "poll_seconds": 10.0,
                "timeout_seconds": 21600,
                "credential_factory": default_credential,
            },
        ),
        (
            endpoint,
            "pytorch_digits",
            "gpularge",
            {"poll_seconds": 3.0, "timeout_seconds": 120, "credential_factory": default_credential},
        ),
    ]


def test_a_stack_that_is_not_there_is_a_usage_error(capsys):
    from tests.conftest import ROOT

    with pytest.raises(SystemExit) as exited:
        main(["--stack", "nosuchstack", "--job", "pytorch_digits"])
    assert exited.value.code == 2
    assert capsys.readouterr().err == (
        f"synapse-dl run-job: error: argument --stack: 'nosuchstack': no "
        f"Pulumi.nosuchstack.yaml in {ROOT} (its stacks: cpu, dev) (see synapse-dl run-job "
        "--help)\n"
    )


def test_a_stack_that_cannot_be_read_is_named_and_exit_1(tmp_path, capsys):
    broken = tmp_path / "Pulumi.broken.yaml"
    broken.write_text("config: [\n")

    assert main(["--stack-file", str(broken), "--job", "pytorch_digits"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: invalid stack config:\n  {broken}:")


def test_a_stack_that_deploys_no_jobs_says_so(tmp_path, dev_config, write_stack, capsys):
    dev_config.pop("jobs", None)
    stack_file = write_stack(dev_config, "nojobs")

    assert main(["--stack-file", str(stack_file), "--job", "pytorch_digits"]) == 2
    assert capsys.readouterr().err == (
        "error: --job 'pytorch_digits': Pulumi.nojobs.yaml deploys no such job; it deploys: none\n"
    )


# --- the driver's log while the batch runs ---------------------------------------------------


def test_the_runner_shows_each_new_log_line_once_as_livys_window_slides(synapse: FakeSynapse):
    deploy(synapse)
    synapse.next_batch_logs = [
        [],
        ["stdout:", "epoch 1/3: loss 1.2"],
        ["epoch 1/3: loss 1.2", "epoch 2/3: loss 0.6"],  # the window moved on
        ["epoch 2/3: loss 0.6", "epoch 3/3: loss 0.3", '{"job": "pytorch_digits"}'],
    ]
    from synapse_dl.cli.spark_batch import run_job_definition

    reported: list[str] = []
    clock = FakeClock()
    run_job_definition(synapse.base_url, "pytorch_digits", "gpularge", report=reported.append,
                       sleep=clock.sleep, clock=clock.time,
                       credential_factory=FakeCredential)  # fmt: skip

    logged = [line.removeprefix("  | ") for line in reported if line.startswith("  | ")]
    assert logged == ["stdout:", "epoch 1/3: loss 1.2", "epoch 2/3: loss 0.6",
                      "epoch 3/3: loss 0.3", '{"job": "pytorch_digits"}']  # fmt: skip
    # in order with the states
    assert reported.index("  | epoch 1/3: loss 1.2") > reported.index("batch 1: starting")


@pytest.mark.parametrize(
    ("shown", "window", "new"),
    [([], ["a"], ["a"]), (["a", "b"], ["b", "c"], ["c"]), (["a", "b"], ["a", "b"], []),
     (["x"], ["a", "b"], ["a", "b"]), (["a", "a"], ["a", "a", "b"], ["b"])],
)  # fmt: skip
def test_new_lines_are_what_follows_the_shown_end(shown, window, new):
    from synapse_dl.cli.spark_batch import new_lines

    assert new_lines(shown, window) == new
