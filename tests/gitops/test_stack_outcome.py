"""How one `synapse-dl plan` run (exit code + plan JSON + stderr) becomes a pass or a failure."""

from __future__ import annotations

import json

import pytest

from synapse_dl.cli.stack_outcome import Outcome, classify

PLAN_OK = {
    "stack": "dev",
    "resources": [
        {"urn": "urn:a::b::t::n", "type": "t", "name": "n", "parent": None, "inputs": {}}
    ],
    "warnings": [],
    "policy": {"pack": "pack", "violations": []},
}
MANDATORY = {"policy": "p", "level": "mandatory", "urn": "urn:a::b::t::n", "message": "m"}


def _with(*violations) -> str:
    return json.dumps({**PLAN_OK, "policy": {"pack": "pack", "violations": list(violations)}})


def test_exit_zero_with_a_clean_plan_passes():
    result = classify("dev", 0, json.dumps(PLAN_OK), "")

    assert result.outcome is Outcome.PASSED
    assert not result.failed


def test_exit_three_is_a_mandatory_policy_violation():
    result = classify("dev", 3, _with(MANDATORY), "")

    assert result.outcome is Outcome.POLICY_VIOLATION
    assert result.failed
    assert result.error is None


def test_a_mandatory_violation_in_the_json_fails_even_when_the_exit_code_says_zero():
    result = classify("dev", 0, _with(MANDATORY), "")

    assert result.outcome is Outcome.POLICY_VIOLATION


def test_exit_three_without_a_listed_violation_fails_and_says_the_two_disagree():
    result = classify("dev", 3, json.dumps(PLAN_OK), "")

    assert result.outcome is Outcome.POLICY_VIOLATION
    assert (
        result.error
        == "synapse-dl plan exited 3 (mandatory violation) but the plan JSON lists none"
    )


def test_a_json_error_key_is_a_config_error_with_that_message():
    result = classify(
        "x", 1, json.dumps({"stack": "x", "error": "sparkPools[0].name: too long"}), ""
    )

    assert result.outcome is Outcome.CONFIG_ERROR
    assert result.error == "sparkPools[0].name: too long"


def test_exit_zero_without_a_plan_file_is_a_plan_error():
    result = classify("dev", 0, None, "something odd\n")

    assert result.outcome is Outcome.PLAN_ERROR
    assert "exited 0 but wrote no plan JSON" in result.error
    assert "something odd" in result.error


@pytest.mark.parametrize("exit_code", [2, 5, -9, 137])
def test_an_exit_code_outside_the_contract_is_a_plan_error(exit_code):
    result = classify("dev", exit_code, json.dumps(PLAN_OK), "killed")

    assert result.outcome is Outcome.PLAN_ERROR
    assert f"synapse-dl plan exited {exit_code}, which its contract does not define" in result.error


def test_malformed_plan_json_is_a_plan_error_naming_the_problem():
    result = classify("dev", 0, "{not json", "")

    assert result.outcome is Outcome.PLAN_ERROR
    assert result.error.startswith("unreadable plan JSON:")


def test_plan_json_without_a_policy_report_fails_rather_than_passing_unjudged():
    plan = {k: v for k, v in PLAN_OK.items() if k != "policy"}
    result = classify("dev", 0, json.dumps(plan), "")

    assert result.outcome is Outcome.PLAN_ERROR
    assert "policy: Field required" in result.error


def test_an_unknown_violation_level_is_named():
    bad = {**MANDATORY, "level": "disabled"}
    result = classify("dev", 0, _with(bad), "")

    assert result.outcome is Outcome.PLAN_ERROR
    assert "policy.violations.0.level" in result.error


def test_a_crash_shows_the_last_30_lines_of_stderr_as_they_were():
    stderr = "\n".join(f"line {i}" for i in range(40)) + "\n"

    result = classify("dev", 1, None, stderr)

    assert result.error == "synapse-dl plan failed (exit 1) without writing a plan:\n" + "\n".join(
        f"line {i}" for i in range(10, 40)
    )


def test_a_crash_with_nothing_on_stderr_says_so():
    result = classify("dev", 1, None, "  \n")

    assert result.error == (
        "synapse-dl plan failed (exit 1) without writing a plan:\n(nothing on stderr)"
    )
