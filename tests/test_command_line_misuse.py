"""Misuse of a command is a usage error: exit 2 and one line naming the option, whatever the
arguments or the environment; no traceback anywhere."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synapse_dl.cli import main
from synapse_dl.cli.commands import COMMANDS, parse
from tests.conftest import ROOT

MISSING = "/nonexistent/thing"
FOLDER = str(ROOT / "policies")
A_FILE = str(ROOT / "README.md")

# (argv, the option the one line names)
BAD = [
    (["nope"], "argument COMMAND"),
    ([], "COMMAND"),
    (["plan", "--nope"], "--nope"),
    (["plan", "--stack", "nope"], "argument --stack"),
    (["plan", "--stack", ""], "argument --stack"),
    (["plan", "--stack", "../Pulumi.dev"], "argument --stack"),
    (["plan", "--stack", "a b"], "argument --stack"),
    (["plan", "--stack", "dev\n"], "argument --stack"),
    (["plan", "--stack", "cpu", "--stack-file", str(ROOT / "Pulumi.dev.yaml")], "--stack-file"),
    (["plan", "--stack-file", MISSING], "argument --stack-file"),
    (["plan", "--stack-file", FOLDER], "argument --stack-file"),
    (["plan", "--json", FOLDER], "--json"),
    (["plan", "--json", str(ROOT / "Pulumi.dev.yaml")], "--json"),
    (["plan", "--policy-config", MISSING], "argument --policy-config"),
    (["plan", "--policy-config", FOLDER], "argument --policy-config"),
    (["plan", "--policy-pack", MISSING], "argument --policy-pack"),
    (["plan", "--policy-pack", A_FILE], "argument --policy-pack"),
    (["plan", "--policy-pack", str(ROOT)], "argument --policy-pack"),
    (["plan", "--project-dir", MISSING], "argument --project-dir"),
    (["plan", "--against", MISSING], "argument --against"),
    (["plan", "--against", A_FILE], "argument --against"),
    (["plan", "--against", FOLDER], "argument --against"),
    (["plan", "--against", "no-such-branch"], "argument --against"),
    (["plan", "--prices", MISSING], "argument --prices"),
    (["plan", "--prices", A_FILE], "argument --prices"),
    (["plan", "--active-hours", "0"], "argument --active-hours"),
    (["plan", "--active-hours", "-3"], "argument --active-hours"),
    (["plan", "--project-dir", FOLDER], "argument --project-dir"),
    (["libraries", "--index-url", "not-a-url"], "argument --index-url"),
    (["libraries", "--index-url", "ftp://pypi.org/simple"], "argument --index-url"),
    (["libraries", "--index-url", "http://"], "argument --index-url"),
    (["libraries", "--index-url", "https://py pi.org/simple"], "argument --index-url"),
    (["libraries", "--index-url", "https://pypi.org:99999/simple"], "argument --index-url"),
    (["libraries", "--index-url", "https://pypi.org/simple\n"], "argument --index-url"),
    (["libraries", "--json", FOLDER], "--json"),
    (["packages", "--index-url", "not-a-url"], "argument --index-url"),
    (["packages", "--stack", "nope"], "argument --stack"),
    (["pr-check", MISSING], "does not exist"),
    (["pr-check", "--timeout", "-1"], "argument --timeout"),
    (["pr-check", "--base", "no-such-branch"], "argument --base"),
    (["new-job", "x"], "--framework"),
    (["new-job", "1x", "--framework", "pytorch"], "argument NAME"),
    (["new-job", "x", "--framework", "jax"], "argument --framework"),
    (["new-job", "x", "--framework", "pytorch", "--pool", "nope"], "argument --pool"),
    (["pr-check", "--prices", MISSING], "argument --prices"),
    (["pr-check", "--timeout", "0"], "argument --timeout"),
    (["pr-check", "--timeout", "nan"], "argument --timeout"),
    (["pr-check", "--timeout", "inf"], "argument --timeout"),
    (["pr-check", "--timeout", "1e3"], "argument --timeout"),
    (["pr-check", "--timeout", "٤"], "argument --timeout"),
    (["pr-check", "--out", A_FILE], "--out"),
    (["pr-check", "--summary", FOLDER], "--summary"),
    (["pr-check", "--policy-config", MISSING], "argument --policy-config"),
    (["pr-check", "--policy-pack", MISSING], "argument --policy-pack"),
    (["pr-check", "--index-url", "pypi"], "argument --index-url"),
    (["run-job"], "--job"),
    (["run-job", "--job", "nope"], "--job"),
    (["run-job", "--job", "pytorch_digits", "--endpoint", "http://ws.dev.azuresynapse.net"],
     "argument --endpoint"),
    (["run-job", "--job", "pytorch_digits", "--endpoint", "ws"], "argument --endpoint"),
    (["run-job", "--job", "pytorch_digits", "--poll-seconds", "-1"], "argument --poll-seconds"),
    (["run-job", "--job", "pytorch_digits", "--poll-seconds", "soon"], "argument --poll-seconds"),
    (["run-job", "--job", "pytorch_digits", "--timeout-minutes", "0"],
     "argument --timeout-minutes"),
    (["run-job", "--job", "pytorch_digits", "--timeout-minutes", "nan"],
     "argument --timeout-minutes"),
    (["run-job", "--job", "pytorch_digits", "--stack", "nope"], "argument --stack"),
    (["schema", "--out", FOLDER], "--out"),
    (["schema", "--out", str(ROOT / "Pulumi.yaml")], "--out"),
    (["schema", "--project-dir", MISSING], "argument --project-dir"),
]  # fmt: skip


def _run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as exited:
            code = int(exited.code or 0)
    return code, err.getvalue()


@pytest.mark.parametrize(("argv", "named"), BAD, ids=[" ".join(a)[:60] or "-" for a, _ in BAD])
def test_each_misuse_is_exit_2_and_one_line_naming_the_option(argv, named):
    code, err = _run(argv)
    assert code == 2, err
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert named in err
    assert "Traceback" not in err


def test_every_command_is_in_the_matrix():
    assert {argv[0] for argv, _ in BAD if argv} >= set(COMMANDS)


def test_a_usage_error_leaves_the_files_it_names_alone():
    before = (ROOT / "Pulumi.dev.yaml").read_bytes()
    _run(["plan", "--json", str(ROOT / "Pulumi.dev.yaml")])
    assert (ROOT / "Pulumi.dev.yaml").read_bytes() == before


# Each option that takes a value, per command: what a property throws at it.
VALUE_OPTIONS = {
    "plan": ["--stack", "--stack-file", "--json", "--policy-config", "--policy-pack",
             "--against", "--prices", "--active-hours", "--project-dir"],
    "libraries": ["--stack", "--stack-file", "--index-url", "--json", "--project-dir"],
    "packages": ["--stack", "--stack-file", "--index-url", "--project-dir"],
    "pr-check": ["--out", "--summary", "--note", "--policy-config", "--policy-pack",
                 "--index-url", "--base", "--prices", "--timeout", "--project-dir"],
    "run-job": ["--stack", "--stack-file", "--endpoint", "--poll-seconds", "--timeout-minutes",
                "--project-dir"],
    "schema": ["--out", "--project-dir"],
    "new-job": ["--framework", "--pool", "--project-dir"],
}  # fmt: skip
NASTY = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", " ", "-", "--", "0", "-0", "1e9", "nan", "inf", "²", "https://", "http://:1",
         "https://h:0", "https://h/\x00", "..", "/", "\n", "dev\r", "a" * 300, MISSING, FOLDER]
    ),
)  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    command_option=st.sampled_from([(c, o) for c, opts in VALUE_OPTIONS.items() for o in opts]),
    value=NASTY,
)
def test_any_value_of_any_option_parses_or_is_one_usage_line(command_option, value):
    command, option = command_option
    argv = [command, f"{option}={value}"]
    if command == "run-job":
        argv += ["--job", "pytorch_digits"]
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            parse(argv)
        except SystemExit as exited:
            assert exited.code == 2
            assert err.getvalue().count("\n") == 1, err.getvalue()


def test_the_value_options_listed_are_every_option_that_takes_one():
    import argparse

    from synapse_dl.cli.argument_types import Parser

    for name, module in COMMANDS.items():
        parser = Parser(prog=name)
        module.add_arguments(parser)
        takes_value = {
            option
            for action in parser._actions
            if action.option_strings
            and action.nargs != 0
            and not isinstance(action, argparse._HelpAction)
            for option in action.option_strings
            if option.startswith("--")
        } - {"--job"}
        assert takes_value == set(VALUE_OPTIONS[name]), name


# --- the environment ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "value", "argv"),
    [("PIP_INDEX_URL", "not-a-url", ["libraries"]),
     ("PIP_INDEX_URL", "ftp://x", ["packages", "--stack", "cpu"]),
     ("POLICY_PACK_CONFIG", MISSING, ["pr-check"])],
)  # fmt: skip
def test_a_bad_default_from_the_environment_is_a_usage_error_naming_it(
    monkeypatch, variable, value, argv
):
    monkeypatch.setenv(variable, value)
    code, err = _run(argv)
    assert code == 2
    assert err.count("\n") == 1 and f"${variable}: " in err


def test_pulumi_config_in_the_shell_does_not_reach_the_plan_or_its_pack(monkeypatch):
    # The language host and the engine set it for the program and the pack; a stale or broken
    # one in the shell changes nothing.
    monkeypatch.setenv("PULUMI_CONFIG", "not json")
    monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", "not json either")
    code, err = _run(["plan", "--stack", "cpu"])
    assert code == 0, err
    assert os.environ["PULUMI_CONFIG"] == "not json"


def test_a_pack_that_does_not_start_is_one_line_naming_it(tmp_path):
    (tmp_path / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (tmp_path / "__main__.py").write_text("import no_such_module\n")
    code, err = _run(["plan", "--policy-pack", str(tmp_path)])
    assert code == 1
    assert err == (
        f"error: the policy pack in {tmp_path} did not start: ModuleNotFoundError: No module "
        "named 'no_such_module'\n"
    )


def test_run_job_without_an_azure_login_is_the_one_line_the_readme_promises(tmp_path):
    # The real credential chain, in a process with no login of any kind: azure-identity's
    # own warnings (one per credential it tried) stay out of the way.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "IDENTITY_"))}
    env.update(HOME=str(tmp_path), SYNAPSE_DL_DEBUG="", MSI_ENDPOINT="", IMDS_ENDPOINT="")
    entry = "import sys; from synapse_dl.cli import main; sys.exit(main())"
    command = [sys.executable, "-c", entry, "run-job", "--job", "pytorch_digits"]
    endpoint = ["--endpoint", "https://127.0.0.1:9", "--poll-seconds", "0"]
    ran = subprocess.run(
        [*command, *endpoint], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert ran.returncode == 1
    assert ran.stderr.count("\n") == 1, ran.stderr
    assert ran.stderr.startswith("error: no Azure credential could sign in to the workspace.")
    assert Path(ROOT / "Pulumi.dev.yaml").is_file()
