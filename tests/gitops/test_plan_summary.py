"""The summary renderer: plan JSON (as `synapse-dl plan` writes it) -> Markdown."""

from __future__ import annotations

import json

from synapse_dl.cli.pr_summary import OFFLINE_NOTE, render_stack, render_summary
from synapse_dl.cli.preflight.check import PoolVerdict, Replacement
from synapse_dl.cli.preflight.resolver import Install
from synapse_dl.cli.stack_outcome import classify

POOL = "azure-native:synapse:BigDataPool"
WORKSPACE = "azure-native:synapse:Workspace"
FIREWALL = "azure-native:synapse:IpFirewallRule"


def _plan(stack: str, resources: list[tuple[str, str]], violations=(), warnings=()) -> dict:
    return {
        "stack": stack,
        "resources": [
            {
                "urn": f"urn:pulumi:{stack}::synapse-dl::{rtype}::{name}",
                "type": rtype,
                "name": name,
                "parent": None,
                "inputs": {"sqlAdministratorLoginPassword": "[secret]"},
            }
            for rtype, name in resources
        ],
        "warnings": list(warnings),
        "policy": {"pack": "synapse-dl-guard", "violations": list(violations)},
    }


CLEAN = _plan(
    "dev",
    [(WORKSPACE, "ws"), (POOL, "gpupool"), (POOL, "cpupool")],
    violations=[
        {
            "policy": "spark-pool-auto-pause",
            "level": "advisory",
            "urn": f"urn:pulumi:dev::synapse-dl::{POOL}::cpupool",
            "message": "Pool cpupool never pauses: set autoPause.enabled.",
        }
    ],
)

OPEN_FIREWALL = _plan(
    "open-firewall",
    [(WORKSPACE, "ws"), (FIREWALL, "everyone")],
    violations=[
        {
            "policy": "synapse-no-internet-firewall-rule",
            "level": "mandatory",
            "urn": f"urn:pulumi:open-firewall::synapse-dl::{FIREWALL}::everyone",
            "message": "Rule everyone opens 0.0.0.0-255.255.255.255 | to the internet.",
        }
    ],
    warnings=["pool gpupool: GPU preview retired on 2024-07-08"],
)


def _result(plan: dict, exit_code: int):
    return classify(plan["stack"], exit_code, json.dumps(plan), stderr="")


def test_a_clean_plan_lists_resources_by_type_with_counts():
    section = render_stack(_result(CLEAN, 0))

    assert "### ✅ Stack `dev`: passed" in section
    assert "**Resources planned (3)**\n\nPolicy pack `synapse-dl-guard`:" in section
    # Folded at the end, the most frequent type first; a blank line ends the table (GitHub's
    # Markdown would take the next line for a row).
    assert section.endswith(
        "<summary>Resources planned (3), by type</summary>\n\n"
        f"| Type | Count |\n|---|---:|\n| `{POOL}` | 2 |\n| `{WORKSPACE}` | 1 |\n\n</details>\n"
    )


def test_a_clean_plan_shows_advisory_violations_but_no_mandatory_ones():
    section = render_stack(_result(CLEAN, 0))

    assert "**Policy violations, mandatory (0)**" in section
    assert "**Policy violations, advisory (1)**:" in section
    assert (
        "- `spark-pool-auto-pause` on `cpupool`: Pool cpupool never pauses: set autoPause.enabled."
        in section
    )


def test_a_mandatory_violation_is_listed_under_mandatory_with_its_resource():
    section = render_stack(_result(OPEN_FIREWALL, 3))

    assert "### ❌ Stack `open-firewall`: mandatory policy violation" in section
    mandatory = section.split("**Policy violations, mandatory (1)**:")[1].split(
        "**Policy violations, advisory"
    )[0]
    assert "`synapse-no-internet-firewall-rule` on `everyone`" in mandatory
    # a pipe in the message is escaped so it cannot split a Markdown table
    assert "0.0.0.0-255.255.255.255 \\| to the internet." in mandatory


def test_plan_warnings_are_listed():
    section = render_stack(_result(OPEN_FIREWALL, 3))

    assert "**Warnings (1)**:" in section
    assert "- pool gpupool: GPU preview retired on 2024-07-08" in section


def test_a_config_error_shows_the_message_in_a_block_and_no_resource_table():
    error = {
        "stack": "gpu-westeurope",
        "error": "synapse-dl:sparkPools[0].nodeSizeFamily: HardwareAcceleratedGPU is not "
        "offered in westeurope; allowed regions: eastus, australiaeast, northeurope",
    }
    section = render_stack(classify("gpu-westeurope", 1, json.dumps(error), stderr=""))

    assert "### ❌ Stack `gpu-westeurope`: config error" in section
    assert "**Config error, nothing was judged:**" in section
    assert "```text\n" + error["error"] + "\n```" in section
    assert "Resources planned" not in section


def test_a_crash_without_plan_json_is_a_plan_error_showing_the_end_of_stderr():
    stderr = (
        "Traceback ...\n" + "\n".join(f"line {i}" for i in range(100)) + "\nValueError: bad key"
    )
    section = render_stack(classify("broken", 1, None, stderr))

    assert section.startswith("### ❌ Stack `broken`: plan error")
    assert "**The plan failed:**" in section
    assert "synapse-dl plan failed (exit 1) without writing a plan:" in section
    assert "ValueError: bad key" in section
    assert "line 99" in section
    assert "line 0\n" not in section  # only the tail is kept


def test_an_exit_outside_the_contract_shows_the_error_and_the_plan_it_wrote():
    section = render_stack(classify("dev", 137, json.dumps(CLEAN), "Killed"))

    assert "**The plan failed:**" in section
    assert "synapse-dl plan exited 137, which its contract does not define:\nKilled" in section
    assert "**Resources planned (3)**\n\nPolicy pack `synapse-dl-guard`:" in section


def test_an_exit_code_and_plan_that_disagree_are_shown_as_inconsistent():
    section = render_stack(classify("dev", 3, json.dumps(CLEAN), ""))

    assert "**Inconsistent result:**" in section
    assert "exited 3 (mandatory violation) but the plan JSON lists none" in section


def test_the_summary_says_the_check_is_offline_and_tabulates_every_stack():
    results = [_result(CLEAN, 0), _result(OPEN_FIREWALL, 3)]
    summary = render_summary(results)

    assert summary.startswith("## ❌ synapse-dl plan check: 1 of 2 stacks failed\n")
    assert OFFLINE_NOTE in summary
    assert "| `dev` | ✅ passed | – | – | – | 0 | 1 | 0 |" in summary
    assert "| `open-firewall` | ❌ mandatory policy violation | – | – | – | 1 | 0 | 1 |" in summary


def test_a_summary_of_clean_stacks_says_all_passed():
    summary = render_summary([_result(CLEAN, 0)])

    assert summary.startswith("## ✅ synapse-dl plan check: all 1 stacks passed\n")


def test_a_config_error_row_has_no_counts():
    failed = classify(
        "gpu-westeurope", 1, json.dumps({"stack": "gpu-westeurope", "error": "x"}), ""
    )
    summary = render_summary([failed])

    assert "| `gpu-westeurope` | ❌ config error | – | – | – | – |" in summary


def test_notes_appear_under_the_headline_escaped():
    summary = render_summary([_result(CLEAN, 0)], notes=["Cloud preview not run: <fork>"])

    assert "> Cloud preview not run: &lt;fork&gt;" in summary


def test_html_in_a_violation_message_is_escaped():
    plan = _plan(
        "dev",
        [(WORKSPACE, "ws")],
        violations=[{"policy": "p", "level": "advisory", "urn": None, "message": "<details>oops"}],
    )
    section = render_stack(_result(plan, 0))

    assert "- `p` on the stack: &lt;details&gt;oops" in section


def test_a_summary_over_the_size_limit_keeps_the_table_and_points_to_the_artifact():
    many = _plan("dev", [(f"azure-native:x:Type{i}", f"r{i}") for i in range(400)])
    summary = render_summary([_result(many, 0)], max_chars=4_000)

    assert len(summary) <= 4_000
    assert "| `dev` | ✅ passed | – | – | – | 0 | 0 | 0 |" in summary
    assert "`plan-check` artifact" in summary


def test_an_error_block_is_fenced_longer_than_any_backticks_inside_it():
    error = {"stack": "dev", "error": "  sparkPools[0]: bad\n    see ```` here\n\n"}
    section = render_stack(classify("dev", 1, json.dumps(error), stderr=""))
    plain = render_stack(classify("broken", 1, None, "ValueError: bad\n"))

    assert section.endswith("`````text\n  sparkPools[0]: bad\n    see ```` here\n`````\n")
    assert plain.endswith(
        "\n```text\nsynapse-dl plan failed (exit 1) without writing a plan:\nValueError: bad\n```\n"
    )


def test_each_pools_libraries_end_the_section_with_what_to_look_at():
    etl = PoolVerdict("etl", "3.5", "3.11.11", "helper==2.1\npyarrow==19.0.1")
    etl.installs = [Install("pyarrow", "19.0.1", "https://files.example/pyarrow.whl")]
    etl.download_bytes = 3 * 2**20
    etl.replacements = [Replacement("pyarrow", "19.0.0", "19.0.1")]
    gpu = PoolVerdict("gpu", "3.2", "3.8.10", "absent==1.0", problems=["absent==1.0: not found"])
    result = _result(CLEAN, 0).with_libraries([etl, gpu])

    section = render_stack(result, details=False)

    assert section.endswith(
        "**Libraries (2 pools)**, checked with pip for each runtime:\n"
        "\n"
        "- ✅ pool etl (Spark 3.5, Python 3.11.11): OK, downloads 1 packages, 3.0 MiB\n"
        "  - replaces the runtime's `pyarrow` 19.0.0 with 19.0.1\n"
        "- ❌ pool gpu (Spark 3.2, Python 3.8.10): CANNOT INSTALL\n"
        "  - absent==1.0: not found\n"
    )


# --- against a base: the change line, blocking findings, cost, diagram, size ----------------

GITHUB_COMMENT_LIMIT = 65_536


def _against_plan(stack: str, count: int, blocking: bool = False) -> dict:
    plan = _plan(stack, [(POOL, f"pool{i}") for i in range(count)])
    for resource in plan["resources"]:
        resource["dependsOn"] = []
    urns = [r["urn"] for r in plan["resources"]]
    plan["against"] = {
        "base": "main (0123456789ab)",
        "summary": {"create": count, "update": 0, "replace": 0, "delete": 0, "same": 0},
        "resources": [{"urn": u, "type": POOL, "name": u.rsplit("::", 1)[-1],
                       "action": "create", "paths": [], "reasons": []} for u in urns],
        "findings": [{"blocking": True, "urn": urns[0], "message": "lake is <protected>"}]
        if blocking else [],
    }  # fmt: skip
    plan["cost"] = {"currency": "USD", "assumption": "176 active hours a month",
                    "source": "a saved answer", "monthly": {"min": 10, "max": 20},
                    "delta": {"min": -5, "max": 20}}  # fmt: skip
    return plan


def test_exit_4_with_a_blocking_finding_is_a_blocking_change_which_fails_the_stack():
    result = _result(_against_plan("dev", 2, blocking=True), 4)
    assert (result.outcome.value, result.failed, result.error) == ("blocking change", True, None)
    section = render_stack(result)
    assert "**2 to create, 0 to update, 0 to replace, 0 to delete** against `main (" in section
    assert "**⛔ Blocking (1)**: the deploy would stop halfway.\n\n- lake is &lt;protected&gt;" in (
        section
    )
    assert "**Cost**: USD 10.00 to USD 20.00 a month (-USD 5.00 to +USD 20.00)" in section


def test_a_large_plan_is_cut_under_githubs_comment_limit_saying_what_was_left_out():
    results = [_result(_against_plan(f"s{n}", 1500), 0) for n in range(3)]

    summary = render_summary(results)

    assert len(summary) < GITHUB_COMMENT_LIMIT
    assert "| `s2` | ✅ passed | +1500 ~0 ±0 -0 | 0 | USD 10.00 to USD 20.00 a month" in summary
    assert "left out to keep this summary under 60,000 characters" in summary
    # However large, the reviewer's lines stay: each stack's change line.
    assert summary.count("**1500 to create, 0 to update, 0 to replace, 0 to delete**") == 3
