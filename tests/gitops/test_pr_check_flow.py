"""The pull-request flow end to end: the very script the workflows call, on real stack files.

`gitops/pr_check.sh` runs `synapse-dl pr-check`, which runs `synapse-dl plan` (program under
mocks + policy pack) for each stack. The dev stack must pass; tests/stacks holds one stack
that fails its config (exit 1 from `synapse-dl plan`) and one that a mandatory policy rejects
(exit 3). The library preflight runs against a package index served on 127.0.0.1, or is
skipped when the index does not answer; no test reaches the network.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from synapse_dl.cli.pr_check import plan_stack
from synapse_dl.cli.pr_summary import OFFLINE_NOTE
from synapse_dl.cli.preflight.check import locked_verdict
from synapse_dl.cli.preflight.resolver import Install
from synapse_dl.cli.stack_outcome import Outcome
from synapse_dl.package_lock import LockedPackage
from synapse_dl.project import StackFile
from tests.fakes.package_index import PackageIndex, unreachable_index_url
from tests.libraries.test_libraries_preflight import pool_35

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "gitops" / "pr_check.sh"
OPEN_FIREWALL = REPO / "tests" / "stacks" / "Pulumi.open-firewall.yaml"
GPU_WESTEUROPE = REPO / "tests" / "stacks" / "Pulumi.gpu-westeurope.yaml"


def run_pr_check(
    out: Path,
    *args: str,
    step_summary: Path | None = None,
    policy_pack_config: str | None = None,
    cwd: Path = REPO,
    index_url: str | None = None,
    ascii_console: bool = False,
) -> subprocess.CompletedProcess:
    """The check as the pipelines run it; PIP_INDEX_URL is its package index (by default one
    that does not answer, so the libraries are not checked). With `ascii_console`, in a C
    locale that Python does not turn into UTF-8: stdout, stderr and the locale's default
    encoding are ASCII."""
    env = {**os.environ, "PR_CHECK_PYTHON": sys.executable}
    if ascii_console:
        env.update(LC_ALL="C", LANG="C", PYTHONCOERCECLOCALE="0", PYTHONUTF8="0")
        env.pop("PYTHONIOENCODING", None)
    env["PIP_INDEX_URL"] = index_url or unreachable_index_url()
    env.pop("GITHUB_STEP_SUMMARY", None)
    env.pop("POLICY_PACK_CONFIG", None)
    if policy_pack_config is not None:
        env["POLICY_PACK_CONFIG"] = policy_pack_config
    if step_summary is not None:
        env["GITHUB_STEP_SUMMARY"] = str(step_summary)
    return subprocess.run(
        ["bash", str(SCRIPT), "--out", str(out), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def section(summary: str, stack: str) -> str:
    """The summary's section for one stack."""
    parts = [p for p in summary.split("\n### ") if f"Stack `{stack}`" in p.splitlines()[0]]
    assert len(parts) == 1, f"no single section for stack {stack} in:\n{summary}"
    return parts[0]


@pytest.fixture(scope="module")
def package_index(tmp_path_factory):
    """A package index with one package, `helper` 2.1; served while the module's tests run."""
    index = PackageIndex(tmp_path_factory.mktemp("index"))
    index.add_wheel("helper", "2.1")
    with index.serve() as url:
        yield url


@pytest.fixture(scope="module")
def default_run(tmp_path_factory, package_index):
    """The PR flow as the workflow runs it: no arguments, every root Pulumi.<stack>.yaml."""
    out = tmp_path_factory.mktemp("default")
    proc = run_pr_check(out, index_url=package_index)
    return proc, out


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory):
    """The dev stack with both non-compliant stacks, summary also sent to a step summary file,
    on a console that cannot show the summary's icons."""
    out = tmp_path_factory.mktemp("mixed")
    step_summary = out / "step_summary.md"
    step_summary.write_text("earlier step\n")
    proc = run_pr_check(
        out,
        str(REPO / "Pulumi.dev.yaml"),
        str(OPEN_FIREWALL),
        str(GPU_WESTEUROPE),
        "--note",
        "Cloud preview not run: test",
        step_summary=step_summary,
        ascii_console=True,
    )
    return proc, out, step_summary


def test_the_repository_stacks_pass_the_pull_request_check(default_run):
    proc, out = default_run

    assert proc.returncode == 0, proc.stdout + proc.stderr
    summary = (out / "summary.md").read_text()
    assert "## ✅ synapse-dl plan check: all" in summary
    assert OFFLINE_NOTE in summary
    dev = section(summary, "dev")
    assert dev.startswith("✅ Stack `dev`: passed")
    assert "**Policy violations, mandatory (0)**" in dev


def test_the_dev_plan_json_is_kept_for_the_artifact(default_run):
    _, out = default_run

    plan = json.loads((out / "dev.json").read_text())
    assert plan["stack"] == "dev"
    assert plan["resources"], "the dev stack plans resources"
    assert "pack" in plan["policy"]


def test_a_mandatory_policy_violation_fails_the_check_and_names_the_policy(mixed_run):
    proc, out, _ = mixed_run

    assert proc.returncode == 1
    summary = (out / "summary.md").read_text()
    firewall = section(summary, "open-firewall")
    assert firewall.startswith("❌ Stack `open-firewall`: mandatory policy violation")
    mandatory = firewall.split("**Policy violations, mandatory")[1].split(
        "**Policy violations, advisory"
    )[0]
    assert "`no-internet-wide-firewall` on `" in mandatory
    assert "0.0.0.0-255.255.255.255" in mandatory
    assert json.loads((out / "open-firewall.json").read_text())["stack"] == "open-firewall"


def test_a_config_error_fails_the_check_and_shows_the_config_message(mixed_run):
    proc, out, _ = mixed_run

    assert proc.returncode == 1
    summary = (out / "summary.md").read_text()
    gpu = section(summary, "gpu-westeurope")
    assert gpu.startswith("❌ Stack `gpu-westeurope`: config error")
    assert "GPU pools exist only in eastus, australiaeast, northeurope" in gpu
    assert "| `gpu-westeurope` | ❌ config error | – | – | – | – | – |" in summary


def test_one_failing_stack_does_not_hide_the_others(mixed_run):
    _, out, _ = mixed_run

    summary = (out / "summary.md").read_text()
    assert summary.startswith("## ❌ synapse-dl plan check: 2 of 3 stacks failed\n")
    assert "| `dev` | ✅ passed |" in summary
    assert "> Cloud preview not run: test" in summary


def test_the_libraries_of_the_repository_stacks_can_install(default_run, package_index):
    _, out = default_run

    summary = (out / "summary.md").read_text()
    dev = section(summary, "dev")
    # the 3.2 GPU pool's pins are all preinstalled; the 3.5 pool names no libraries
    assert "- ✅ pool gpularge (Spark 3.2, Python 3.8): OK, the runtime already has" in dev
    assert "- ✅ pool dataprep (Spark 3.5, Python 3.11.11): OK, no libraries" in dev
    assert "| `dev` | ✅ passed |" in summary and "| ✅ 2 pools |" in summary
    # The cpu stack's pool gets the wheels locked for it (workspace packages), as locked.
    cpu = section(summary, "cpu")
    assert "- ✅ pool cpumedium (Spark 3.5, Python 3.11.11): OK, uploads 19 locked wheels" in cpu
    report = json.loads((out / "dev.libraries.json").read_text())
    assert report["indexUrl"] == package_index
    assert [p["ok"] for p in report["pools"]] == [True, True]


def test_a_pool_that_cannot_install_fails_the_check_naming_the_requirement(
    tmp_path, package_index, write_stack, dev_config
):
    dev_config["sparkPools"][1]["extraLibraries"] = ["helper==2.1", "absent==1.0"]
    stack = write_stack(dev_config, name="libs")
    out = tmp_path / "out"

    proc = run_pr_check(out, str(stack), index_url=package_index)

    assert proc.returncode == 1, proc.stdout + proc.stderr
    summary = (out / "summary.md").read_text()
    libs = section(summary, "libs")
    assert libs.startswith("❌ Stack `libs`: libraries cannot install")
    assert "**Policy violations, mandatory (0)**" in libs
    assert "- ❌ pool dataprep (Spark 3.5, Python 3.11.11): CANNOT INSTALL" in libs
    assert f"  - absent==1.0: not found on the index {package_index}" in libs
    assert "| ❌ 1 of 2 pools |" in summary


def test_without_an_index_the_libraries_are_not_checked_and_the_summary_says_so(mixed_run):
    proc, out, _ = mixed_run

    summary = (out / "summary.md").read_text()
    assert "> Libraries not checked: no package index answers (http://127.0.0.1:" in summary
    assert "**Libraries" not in section(summary, "dev")
    assert not (out / "dev.libraries.json").exists()


def test_a_console_without_the_icons_shows_stand_ins_and_the_files_keep_them(mixed_run):
    proc, out, _ = mixed_run

    assert "Traceback" not in proc.stderr
    assert proc.stdout.startswith("## ? synapse-dl plan check: 2 of 3 stacks failed\n")
    # Markdown files are UTF-8 whatever the console's encoding.
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("## ❌ synapse-dl plan check: 2 of 3 stacks failed\n")


def test_the_summary_is_appended_to_the_github_step_summary(mixed_run):
    _, out, step_summary = mixed_run

    written = step_summary.read_text()
    assert written.startswith("earlier step\n")
    assert (out / "summary.md").read_text() in written


def test_a_missing_stack_file_is_a_usage_error(tmp_path):
    proc = run_pr_check(tmp_path, "tests/stacks/Pulumi.nope.yaml")

    assert proc.returncode == 2
    assert "stack file 'tests/stacks/Pulumi.nope.yaml' does not exist" in proc.stderr


def test_a_policy_config_that_makes_a_policy_mandatory_fails_the_dev_stack(tmp_path):
    # the same file `pulumi preview --policy-pack-config` takes; the dev stack leaves
    # public network access on, which the pack reports as advisory by default
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"workspace-public-network-disabled": "mandatory"}))

    proc = run_pr_check(
        tmp_path / "out", str(REPO / "Pulumi.dev.yaml"), "--policy-config", str(config)
    )

    assert proc.returncode == 1, proc.stdout + proc.stderr
    summary = (tmp_path / "out" / "summary.md").read_text()
    assert f"> Policy pack config: {config}" in summary
    dev = section(summary, "dev")
    mandatory = dev.split("**Policy violations, mandatory")[1].split(
        "**Policy violations, advisory"
    )[0]
    assert "`workspace-public-network-disabled` on `" in mandatory


def test_a_policy_config_that_weakens_the_pack_is_shown_above_and_in_each_stack(tmp_path):
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"no-internet-wide-firewall": "advisory"}))

    proc = run_pr_check(
        tmp_path / "out", str(REPO / "Pulumi.dev.yaml"), "--policy-config", str(config)
    )

    assert proc.returncode == 0, proc.stdout + proc.stderr
    summary = (tmp_path / "out" / "summary.md").read_text()
    assert "> ⚠️ The policy config weakens policies of the pack in: `dev` (1)." in summary
    assert (
        "**⚠️ Policies weakened by the policy config (1)**:\n\n"
        "- `no-internet-wide-firewall`: mandatory in the pack, advisory here"
    ) in section(summary, "dev")


def test_a_policy_config_the_pack_cannot_take_is_a_config_error(tmp_path):
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"spark-pool-node-ceiling": {"maxNodes": "many"}}))

    proc = run_pr_check(
        tmp_path / "out", str(REPO / "Pulumi.dev.yaml"), "--policy-config", str(config)
    )

    assert proc.returncode == 1
    dev = section((tmp_path / "out" / "summary.md").read_text(), "dev")
    assert dev.startswith("❌ Stack `dev`: config error")
    assert "maxNodes" in dev


def test_a_missing_policy_config_is_a_usage_error(tmp_path):
    proc = run_pr_check(tmp_path, "--policy-config", str(tmp_path / "nope.json"))

    assert proc.returncode == 2
    assert "argument --policy-config: " in proc.stderr
    assert "nope.json' does not exist" in proc.stderr


def test_the_policy_config_variable_of_the_pipelines_is_honoured(tmp_path):
    # the workflows pass vars.POLICY_PACK_CONFIG as the environment variable, not a flag
    proc = run_pr_check(tmp_path, policy_pack_config=str(tmp_path / "from-env.json"))

    assert proc.returncode == 2
    assert "$POLICY_PACK_CONFIG: " in proc.stderr
    assert "from-env.json' does not exist" in proc.stderr


def test_a_policy_pack_named_by_flag_is_the_one_each_stack_is_judged_by(tmp_path):
    # A pack that cannot start: each stack's plan says so, naming the flag's folder.
    pack = tmp_path / "broken-pack"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (pack / "__main__.py").write_text("raise SystemExit('this pack does not start')\n")

    proc = run_pr_check(tmp_path / "out", str(REPO / "Pulumi.cpu.yaml"), "--policy-pack", str(pack))

    assert proc.returncode == 1
    cpu = section((tmp_path / "out" / "summary.md").read_text(), "cpu")
    assert cpu.startswith("❌ Stack `cpu`: config error")
    assert f"the policy pack in {pack} did not start: this pack does not start" in cpu


def test_a_policy_pack_flag_that_names_no_pack_is_a_usage_error(tmp_path):
    proc = run_pr_check(tmp_path / "out", "--policy-pack", str(tmp_path))
    assert proc.returncode == 2
    assert proc.stderr.endswith(
        f"argument --policy-pack: '{tmp_path}' holds no PulumiPolicy.yaml; name a policy "
        "pack's folder (see synapse-dl pr-check --help)\n"
    )


def test_run_from_outside_the_repository_it_checks_the_repositorys_stacks(tmp_path):
    # The script names its own repository as the project, wherever the pipeline stands.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    proc = run_pr_check(Path("out"), str(REPO / "Pulumi.cpu.yaml"), cwd=elsewhere)

    assert proc.returncode == 0, proc.stdout + proc.stderr
    plan = json.loads((elsewhere / "out" / "cpu.json").read_text())
    assert plan["stack"] == "cpu"
    # Each plan runs in the project, so the files it uploads are named as the project has them.
    sources = [
        r["inputs"]["source"]["fileAsset"]
        for r in plan["resources"]
        if isinstance(r["inputs"].get("source"), dict)
    ]
    assert "training_jobs/pytorch_digits/train.py" in sources


def test_a_plan_that_outlasts_its_timeout_is_a_plan_error(tmp_path):
    stack = StackFile("cpu", REPO / "Pulumi.cpu.yaml")

    result = plan_stack(stack, tmp_path, REPO, timeout_s=0.01)

    assert (result.stack, result.outcome) == ("cpu", Outcome.PLAN_ERROR)
    assert result.error == "the plan did not finish in 0.01 s"


def test_a_plan_that_crashes_is_a_plan_error_showing_its_stderr_and_its_log_is_kept(
    tmp_path, monkeypatch
):
    crashing = tmp_path / "python"
    crashing.write_text('#!/bin/sh\necho "starting" ; echo "Traceback: boom" >&2 ; exit 1\n')
    crashing.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(crashing))
    stack = StackFile("cpu", REPO / "Pulumi.cpu.yaml")

    result = plan_stack(stack, tmp_path, REPO, timeout_s=60)

    assert (result.stack, result.outcome) == ("cpu", Outcome.PLAN_ERROR)
    assert (
        result.error == "synapse-dl plan failed (exit 1) without writing a plan:\nTraceback: boom"
    )
    assert (tmp_path / "cpu.log").read_text() == "starting\nTraceback: boom\n"


def test_a_pool_with_locked_wheels_gets_what_the_lock_says():
    pool = pool_35("helper==2.1", name="cpumedium")
    wheels = [
        LockedPackage("helper-2.1-py3-none-any.whl", "https://i/helper.whl", "ab" * 32, 300),
        LockedPackage("extra_lib-1.5-cp311-cp311-manylinux_2_17_x86_64.whl", "https://i/e.whl",
                      "cd" * 32, 4000),
    ]  # fmt: skip

    verdict = locked_verdict(pool, wheels)

    assert (verdict.pool, verdict.spark_version, verdict.python) == ("cpumedium", "3.5", "3.11.11")
    assert verdict.requirements == "helper==2.1\n"
    assert verdict.installs == [
        Install("helper", "2.1", "https://i/helper.whl", "ab" * 32),
        Install("extra-lib", "1.5", "https://i/e.whl", "cd" * 32),
    ]
    assert verdict.download_bytes == 4300
    assert verdict.ok
