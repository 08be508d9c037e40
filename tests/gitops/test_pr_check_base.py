"""`pr-check --base REF`: each stack planned at the pull request's base and here, and the
summary a reviewer reads first: what changes, what blocks, what it costs, a diagram."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from synapse_dl.cli import main
from synapse_dl.cli.pr_summary import MAX_CHARS
from tests.cli_runs import committed, project_copy
from tests.fakes.retail_prices import item

# Test data, not Azure's price: the memory-optimized vCore-hour in westeurope.
PRICE = 0.5
UNREACHABLE_INDEX = "http://127.0.0.1:9/simple"


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """This project's cpu stack in a git repository of its own, committed on `main`."""
    files = ("Pulumi.yaml", "Pulumi.cpu.yaml", "__main__.py")
    folders = ("policies", "training_jobs", "workspace_packages")
    return committed(project_copy(tmp_path / "repo", files, folders))


SECOND_POOL = """  synapse-dl:sparkPools:
    - name: cpusmall
      nodeSizeFamily: MemoryOptimized
      nodeSize: Small
      sparkVersion: "3.5"
      nodeCount: 3
      autoPause:
        enabled: true
        delayInMinutes: 15
"""


def _change_the_cpu_stack(repo: Path) -> None:
    """The issue's change: a new lake name, a larger pool, a second pool, no TensorFlow job."""
    stack = repo / "Pulumi.cpu.yaml"
    text = stack.read_text()
    edits = [
        ("accountName: stsynapsedlcpu001", "accountName: stsynapsedlcpu002"),
        ("maxNodeCount: 6", "maxNodeCount: 8"),
        ("  synapse-dl:sparkPools:\n", SECOND_POOL),
    ]
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    job = text.index("    - name: tensorflow_digits")
    stack.write_text(text[:job])


def _pr_check(repo: Path, out: Path, *argv: str) -> int:
    prices = out.parent / "prices.json"
    prices.write_text(json.dumps({"Items": [item(retailPrice=PRICE)]}))
    return main(["pr-check", str(repo / "Pulumi.cpu.yaml"), "--out", str(out),
                 "--project-dir", str(repo), "--index-url", UNREACHABLE_INDEX,
                 "--prices", str(prices), *argv])  # fmt: skip


def test_the_summary_says_what_the_change_does_blocks_and_costs(repository, tmp_path, capsys):
    _change_the_cpu_stack(repository)
    out = tmp_path / "out"

    code = _pr_check(repository, out, "--base", "main")

    assert code == 1  # the protected lake would be replaced: a blocking change
    summary = (out / "summary.md").read_text()
    assert len(summary) < MAX_CHARS
    plan = json.loads((out / "cpu.json").read_text())
    changes = {(c["type"].rsplit(":", 1)[-1], c["name"]): c for c in plan["changes"]}
    assert changes[("StorageAccount", "synw-dl-cpu-001-datalake")]["action"] == "replace"
    assert (
        "`accountName` is part of the ARM id"
        in (changes[("StorageAccount", "synw-dl-cpu-001-datalake")]["reasons"])
    )
    assert changes[("BigDataPool", "cpumedium")]["action"] == "update"
    assert changes[("BigDataPool", "cpusmall")]["action"] == "create"
    assert changes[("SparkJobDefinition", "tensorflow_digits-definition")]["action"] == "delete"

    against = plan["against"]["summary"]
    line = ", ".join(f"{against[a]} to {a}" for a in ("create", "update", "replace", "delete"))
    assert f"### ❌ Stack `cpu`: blocking change\n\n**{line}** against `main (" in summary
    assert "**⛔ Blocking (" in summary and "is protected: the engine refuses to replace" in summary
    # 8 more vCores at the top of cpumedium, and cpusmall's 3 Small nodes (12 vCores) throughout
    low, high = 12 * PRICE * 176, (16 + 12) * PRICE * 176
    assert f"(+USD {low:,.2f} to +USD {high:,.2f})" in summary
    assert "```mermaid\nflowchart LR\n" in summary
    assert 'data lake<br/><b>synw-dl-cpu-001-datalake</b><br/><i>replace</i>"]:::replace' in (
        summary
    )
    assert "job definition<br/><b>tensorflow_digits-definition</b><br/><i>delete</i>" in summary


def test_an_unchanged_stack_takes_one_line(repository, tmp_path):
    out = tmp_path / "out"
    assert _pr_check(repository, out, "--base", "main") == 0
    summary = (out / "summary.md").read_text()
    assert "- ✅ Stack `cpu`: no change (" in summary
    assert "### " not in summary  # no section, no details


def test_a_base_that_names_no_commit_is_a_usage_error(repository, tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        _pr_check(repository, tmp_path / "out", "--base", "no-such-branch")
    assert exited.value.code == 2
    assert "argument --base: 'no-such-branch' is not a commit" in capsys.readouterr().err


def test_a_commits_plan_is_planned_once_then_reused(repository, tmp_path, capsys):
    out = tmp_path / "out"
    assert _pr_check(repository, out, "--base", "main") == 0
    first = (out / "cpu.base.json").read_text()
    assert _pr_check(repository, out, "--base", "main") == 0

    err = capsys.readouterr().err
    assert err.count("pr_check: planning stack cpu at main") == 1
    assert (out / "cpu.base.json").read_text() == first
