"""`synapse-dl plan`, as `make plan` runs it: text, JSON, exit codes, no secrets.

main() runs in this process (so mutation testing sees what it covers); bin/plan's test runs it
as the process `make plan` starts.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from synapse_dl.cli import main
from synapse_dl.engine.analyzer import run_policy_pack
from tests.conftest import ROOT


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run_plan(capsys) -> Callable[..., Ran]:
    def run(*args: str) -> Ran:
        try:
            code = main(["plan", *args])
        except SystemExit as exited:  # a usage error, as the console script ends it
            code = int(exited.code or 0)
        captured = capsys.readouterr()
        return Ran(code, captured.out, captured.err)

    return run


def test_the_dev_plan_prints_the_tree_and_writes_the_json(run_plan, tmp_path):
    out = tmp_path / "plan.json"

    result = run_plan("--stack", "dev", "--json", str(out))

    assert result.returncode == 0, result.stderr
    assert "  +  ├─ synapse-dl:index:SparkPool  gpularge" in result.stdout
    assert "  +  ├─ synapse-dl:index:SynapseWorkspace  synw-dl-dev-001" in result.stdout
    assert "nodeSizeFamily: HardwareAcceleratedGPU" in result.stdout
    assert "warning: pool 'gpularge': Spark 3.2 is past end of support" in result.stdout
    document = json.loads(out.read_text())
    assert document["stack"] == "dev"
    assert set(document) >= {"stack", "resources", "warnings"}
    assert all(
        set(r) == {"urn", "type", "name", "parent", "inputs", "protect", "dependsOn"}
        for r in document["resources"]
    )
    assert {r["type"] for r in document["resources"]} >= {
        "azure-native:synapse:Workspace",
        "azure-native:synapse:BigDataPool",
        "pulumi-python:dynamic/synapse:PoolLibraries",
    }


def test_the_sql_password_appears_nowhere_in_the_plan(run_plan, tmp_path):
    out = tmp_path / "plan.json"

    result = run_plan("--json", str(out))

    # The mocks' password is "mock-<uuid>"; only the mask may show.
    assert "mock-" not in result.stdout
    assert "mock-" not in out.read_text()
    assert "sqlAdministratorLoginPassword: [secret]" in result.stdout
    # Dynamic providers' pickled code is not plan content either.
    assert "__provider" not in out.read_text()


def test_invalid_config_exits_non_zero_naming_the_key(run_plan, dev_config, write_stack, tmp_path):
    dev_config["sparkPools"][0]["autoScale"] = {
        "enabled": True,
        "minNodeCount": 3,
        "maxNodeCount": 500,
    }
    out = tmp_path / "plan.json"

    result = run_plan("--stack-file", str(write_stack(dev_config, "broken")), "--json", str(out))

    assert result.returncode == 1
    assert "synapse-dl:sparkPools[0].autoScale.maxNodeCount = 500" in result.stderr
    assert result.stdout == ""
    document = json.loads(out.read_text())
    assert document["stack"] == "broken"
    assert "autoScale.maxNodeCount = 500" in document["error"]


def test_a_missing_stack_file_is_an_error(run_plan):
    result = run_plan("--stack", "nosuchstack")

    assert result.returncode == 2
    assert result.stderr == (
        f"synapse-dl plan: error: argument --stack: 'nosuchstack': no Pulumi.nosuchstack.yaml "
        f"in {ROOT} (its stacks: cpu, dev) (see synapse-dl plan --help)\n"
    )


def test_the_project_is_the_nearest_folder_up_with_a_pulumi_yaml(run_plan, monkeypatch):
    # As the Pulumi CLI finds it: from a folder inside the project, the project's stack.
    monkeypatch.chdir(ROOT / "training_jobs" / "pytorch_digits")

    result = run_plan("--stack", "cpu")

    assert result.returncode == 0, result.stderr
    assert "  +  ├─ synapse-dl:index:SparkPool  cpumedium" in result.stdout


def test_outside_a_project_it_says_where_it_looked(run_plan, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "plan.json"

    result = run_plan("--json", str(out))

    message = (
        f"no Pulumi.yaml in {tmp_path.resolve()} or any folder above it: run synapse-dl inside "
        "a Pulumi project, or name the project with --project-dir"
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"synapse-dl plan: error: {message} (see synapse-dl plan --help)\n"
    assert json.loads(out.read_text()) == {"stack": "dev", "error": message, "exitStatus": 2}


def test_a_project_named_by_project_dir_is_planned_from_anywhere(run_plan, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)

    result = run_plan("--stack", "cpu", "--project-dir", str(ROOT))

    assert result.returncode == 0, result.stderr
    assert "Policy pack synapse-dl" in result.stdout


def test_a_missing_policy_pack_is_named_before_anything_is_planned(run_plan, tmp_path):
    result = run_plan("--policy-pack", str(tmp_path / "nope"))

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"synapse-dl plan: error: argument --policy-pack: '{tmp_path / 'nope'}' holds no "
        "PulumiPolicy.yaml; name a policy pack's folder (see synapse-dl plan --help)\n"
    )


def test_the_dev_plan_passes_every_mandatory_policy_and_lists_its_advisories(run_plan, tmp_path):
    out = tmp_path / "plan.json"

    result = run_plan("--json", str(out))

    assert result.returncode == 0
    policy = json.loads(out.read_text())["policy"]
    assert policy["pack"] == "synapse-dl"
    assert {v["level"] for v in policy["violations"]} == {"advisory"}
    assert {v["policy"] for v in policy["violations"]} == {
        "diagnostic-settings",
        "workspace-customer-managed-key",
        "workspace-exfiltration-protection",
        "workspace-public-network-disabled",
        "spark-runtime-lifecycle",
    }
    assert "  advisory (7):" in result.stdout


def test_a_mandatory_violation_fails_the_plan_with_exit_3(
    run_plan, dev_config, write_stack, tmp_path
):
    network = dev_config["workspace"]["network"]
    network["allowInternetWideFirewall"] = True
    network["firewallRules"].append(
        {"name": "anyone", "startIpAddress": "0.0.0.0", "endIpAddress": "255.255.255.255"}
    )
    out = tmp_path / "plan.json"

    result = run_plan("--stack-file", str(write_stack(dev_config, "open")), "--json", str(out))

    assert result.returncode == 3
    assert "  mandatory (1):" in result.stdout
    assert "[no-internet-wide-firewall] synw-dl-dev-001-fw-anyone:" in result.stdout
    (mandatory,) = [
        v for v in json.loads(out.read_text())["policy"]["violations"] if v["level"] == "mandatory"
    ]
    assert mandatory["policy"] == "no-internet-wide-firewall"
    assert mandatory["urn"].endswith("::synw-dl-dev-001-fw-anyone")


def test_policy_config_raises_an_advisory_policy_to_mandatory(run_plan, tmp_path):
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"workspace-public-network-disabled": "mandatory"}))

    result = run_plan("--policy-config", str(config))

    assert result.returncode == 3
    assert "[workspace-public-network-disabled] synw-dl-dev-001-workspace" in result.stdout


def test_a_pack_weakened_by_its_config_is_listed_in_the_text_and_the_json(run_plan, tmp_path):
    # {"all": "disabled"} silences every policy: the plan passes, and says why every time.
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"all": "disabled"}))
    out = tmp_path / "plan.json"

    result = run_plan("--policy-config", str(config), "--json", str(out))

    assert result.returncode == 0
    weakened = json.loads(out.read_text())["policy"]["weakened"]
    assert {"policy": "no-internet-wide-firewall", "default": "mandatory",
            "configured": "disabled"} in weakened  # fmt: skip
    assert all(w["configured"] == "disabled" for w in weakened)
    assert f"weakened by the policy config ({len(weakened)}):" in result.stdout
    assert "[no-internet-wide-firewall] mandatory in the pack, disabled here" in result.stdout


def test_a_config_that_only_raises_levels_weakens_nothing(run_plan, tmp_path):
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"workspace-public-network-disabled": "mandatory"}))
    out = tmp_path / "plan.json"
    run_plan("--policy-config", str(config), "--json", str(out))
    assert json.loads(out.read_text())["policy"]["weakened"] == []


def test_a_bad_policy_config_is_an_error_naming_the_policy_and_key(run_plan, tmp_path):
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"spark-pool-auto-pause": {"maxGpuDelayMinutes": "thirty"}}))

    result = run_plan("--policy-config", str(config))

    assert result.returncode == 1
    assert "'spark-pool-auto-pause'" in result.stderr
    assert "'maxGpuDelayMinutes'" in result.stderr


def test_a_json_file_from_an_earlier_run_never_passes_for_this_one(run_plan, tmp_path):
    out = tmp_path / "plan.json"
    out.write_text('{"stack": "nosuchstack", "resources": []}\n')

    result = run_plan("--stack", "nosuchstack", "--json", str(out))

    assert result.returncode == 2
    assert json.loads(out.read_text()) == {
        "stack": "nosuchstack",
        "error": f"argument --stack: 'nosuchstack': no Pulumi.nosuchstack.yaml in {ROOT} (its "
        "stacks: cpu, dev)",
        "exitStatus": 2,
    }


def test_a_stack_file_that_is_not_yaml_is_one_line_and_a_json_error(run_plan, tmp_path):
    stack_file = tmp_path / "Pulumi.broken.yaml"
    stack_file.write_text("config:\n  synapse-dl:sparkPools:\n    - name: [gpularge\n")
    out = tmp_path / "plan.json"
    out.write_text("{}")

    result = run_plan("--stack-file", str(stack_file), "--json", str(out))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[1].strip().startswith(f"{stack_file}:4:1: expected ','")
    assert json.loads(out.read_text())["error"].startswith("invalid stack config:")


def test_bin_plan_keeps_the_documented_exit_status(tmp_path, dev_config, write_stack):
    # make turns every failure into 2; bin/plan exits 0, 1 or 3 as the README says.
    plan = [str(ROOT / "bin" / "plan")]
    # This interpreter, not .venv: the suite may run where .venv is not set up.
    env = {**os.environ, "SYNAPSE_DL_PYTHON": sys.executable}

    def status(*args: str) -> int:
        return subprocess.run([*plan, *args], cwd=ROOT, capture_output=True, env=env).returncode

    assert status() == 0
    assert status("--stack", "nosuchstack") == 2
    assert status("--stack-file", str(ROOT / "tests" / "stacks" / "Pulumi.open-firewall.yaml")) == 3


def test_make_preview_without_the_pulumi_cli_says_how_to_install_it(tmp_path):
    # A PATH holding only what make needs, so no pulumi can be found (nor run by accident).
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("make", "sh", "bash"):
        (bin_dir / tool).symlink_to(shutil.which(tool))

    result = subprocess.run(
        # -o: take .venv as set up, so only the CLI check runs.
        ["make", "-o", ".venv/.installed", "preview", "STACK=dev"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": str(bin_dir)},
        timeout=60,
    )

    assert result.returncode != 0
    assert "make preview: the Pulumi CLI is not installed" in result.stdout
    assert "bash gitops/install_pulumi_cli.sh" in result.stdout


def test_a_bug_in_the_program_is_one_line_naming_it_and_how_to_see_more(
    run_plan, monkeypatch, tmp_path
):
    def broken(stack_file, program_dir):
        raise KeyError("sparkPools")

    monkeypatch.setattr("synapse_dl.cli.plan.plan_stack", broken)
    monkeypatch.delenv("SYNAPSE_DL_DEBUG", raising=False)
    out = tmp_path / "plan.json"

    result = run_plan("--json", str(out))

    line = broken.__code__.co_firstlineno + 1
    message = (
        "the program failed planning Pulumi.dev.yaml (KeyError: 'sparkPools') outside the "
        f"components, at tests/plan/test_plan_command.py line {line} (broken); this is a bug "
        "in synapse-dl: please report it (SYNAPSE_DL_DEBUG=1 shows where)"
    )
    assert (result.returncode, result.stderr) == (1, f"error: {message}\n")
    assert json.loads(out.read_text()) == {"stack": "dev", "error": message}


def test_a_bug_names_the_resource_whose_inputs_were_being_judged_and_the_line(
    run_plan, monkeypatch
):
    # A bug inside the package, reached while the dataprep pool is being built.
    from synapse_dl import spark_pool

    def broken(*args, **kwargs):
        raise IndexError("list index out of range")

    monkeypatch.setattr(spark_pool, "pool_arguments", broken)
    monkeypatch.delenv("SYNAPSE_DL_DEBUG", raising=False)

    result = run_plan()

    assert result.returncode == 1
    assert result.stderr.startswith(
        "error: the program failed planning Pulumi.dev.yaml (IndexError: list index out of "
        "range) while building SparkPool 'gpularge' from its args, at "
    )
    assert result.stderr.count("\n") == 1


def test_synapse_dl_debug_shows_where_the_bug_is(run_plan, monkeypatch):
    def broken(stack_file, program_dir):
        raise KeyError("sparkPools")

    monkeypatch.setattr("synapse_dl.cli.plan.plan_stack", broken)
    monkeypatch.setenv("SYNAPSE_DL_DEBUG", "1")

    result = run_plan()

    assert result.returncode == 1
    assert "Traceback (most recent call last):" in result.stderr
    assert 'in broken\n    raise KeyError("sparkPools")' in result.stderr


def test_the_pack_runs_as_the_stack_being_planned(run_plan, monkeypatch, write_stack, dev_config):
    from synapse_dl.cli import plan as plan_command

    sessions = []

    def recording(resources, config_path=None, **session_options):
        sessions.append(session_options)
        return run_policy_pack(resources, config_path, **session_options)

    monkeypatch.setattr(plan_command, "run_policy_pack", recording)

    result = run_plan("--stack-file", str(write_stack(dev_config, "staging")))

    assert result.returncode == 0
    assert sessions == [
        {"stack": "staging", "project": "synapse-dl", "pack_dir": ROOT / "policies"}
    ]


def test_the_json_goes_into_folders_made_for_it_indented_for_review(run_plan, tmp_path):
    out = tmp_path / "out" / "plans" / "plan.json"

    assert run_plan("--json", str(out)).returncode == 0

    text = out.read_text()
    assert text == json.dumps(json.loads(text), indent=2) + "\n"
