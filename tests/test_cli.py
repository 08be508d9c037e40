"""`synapse-dl`: the commands it offers, its version, and usage errors."""

from __future__ import annotations

import pytest

from synapse_dl.cli import main
from synapse_dl.cli.commands import parse
from synapse_dl.version import VERSION
from tests.conftest import ROOT


def test_version_names_the_package_and_its_version(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--version"])

    assert exited.value.code == 0
    assert capsys.readouterr().out == f"synapse-dl {VERSION}\n"


def test_help_lists_every_command_with_what_it_does(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--help"])

    assert exited.value.code == 0
    out = capsys.readouterr().out
    # The module's description, kept line by line as written.
    assert "\n    synapse-dl plan [--stack dev]        the offline plan of a stack" in out
    assert "\n2 is always a usage error.\n" in out
    text = " ".join(out.split())
    assert text.startswith("usage: synapse-dl [-h] [--version] COMMAND ...")
    for command, purpose in {
        "plan": "plan a stack offline and judge it with the policy pack",
        "pr-check": "plan every stack offline under the policy pack and write a Markdown summary",
        "libraries": "check that each pool's libraries can install on its runtime, before",
        "packages": "lock the wheels of pools whose workspace blocks PyPI, for upload as",
        "run-job": "run a deployed training job on its pool and follow it to the end",
        "schema": "write the package schema the component provider serves, checked against the",
    }.items():
        assert f"{command} {purpose}" in text


def test_without_a_command_it_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exited:
        main([])

    assert exited.value.code == 2
    assert "the following arguments are required: COMMAND" in capsys.readouterr().err


@pytest.mark.parametrize(
    "command", ["plan", "libraries", "packages", "pr-check", "run-job", "schema"]
)
def test_every_command_takes_the_project_folder(command):
    extra = ["--job", "pytorch_digits"] if command == "run-job" else []

    args = parse([command, "--project-dir", str(ROOT), *extra])

    assert args.project_dir == ROOT


def test_a_commands_help_is_its_module_description_kept_as_written(capsys):
    with pytest.raises(SystemExit):
        main(["plan", "--help"])

    out = capsys.readouterr().out
    # Kept line by line (RawDescriptionHelpFormatter), as the module's docstring has it.
    assert (
        "Exit status: 0 planned, no mandatory violation; 1 invalid config "
        "(stack or policy config)\n" in out
    )
    assert (
        "--project-dir PROJECT_DIR the Pulumi project (default: the nearest folder from here up "
        "with a Pulumi.yaml)"
    ) in " ".join(out.split())
