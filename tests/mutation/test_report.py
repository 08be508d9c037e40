"""mutation/report.py: the score `make mutation` prints, from both tools' results."""

from __future__ import annotations

import json

from mutation.report import main

MUTMUT_RESULTS = """\
    components.arm.x_get__mutmut_1: killed
    components.arm.x_get__mutmut_2: survived
    components.arm.x_get__mutmut_3: timeout
    job_runner.run.x_follow__mutmut_1: no tests
    job_runner.run.x_follow__mutmut_2: not checked
    synapse_dl.offline_plan.mocks.x_plan_stack__mutmut_1: killed
    synapse_dl.workspace.x_tags__mutmut_1: killed
"""


def cosmic_ray_line(module: str, occurrence: int, worker: str, test: str | None) -> str:
    item = {
        "job_id": f"job-{occurrence}",
        "mutations": [
            {"module_path": module, "operator_name": "core/AddNot", "occurrence": occurrence}
        ],
    }
    result = {"worker_outcome": worker, "test_outcome": test, "diff": ""}
    return json.dumps([item, result])


def write_run(tmp_path, accepted: str = "") -> None:
    (tmp_path / "mutmut-results.txt").write_text(MUTMUT_RESULTS)
    dump = [
        cosmic_ray_line("policies/stack.py", 0, "normal", "killed"),
        cosmic_ray_line("policies/stack.py", 1, "normal", "survived"),
        # Taken out by the operators filter: not counted at all.
        cosmic_ray_line("policies/stack.py", 2, "skipped", None),
    ]
    (tmp_path / "cosmic-ray.jsonl").write_text("\n".join(dump) + "\n")


def test_the_score_counts_timeouts_as_killed_and_untested_as_survived(tmp_path, capsys):
    write_run(tmp_path)

    assert main(["--out", str(tmp_path), "--accepted", str(tmp_path / "none.txt")]) == 1

    report = (tmp_path / "report.md").read_text()
    assert report == capsys.readouterr().out
    assert "| components | 3 | 2 | 1 | 66.7% |" in report
    assert "| job_runner | 1 | 0 | 1 | 0.0% |" in report
    assert "| policies | 2 | 1 | 1 | 50.0% |" in report
    # Each folder of the package is a row: the components and each tool in it.
    assert "| synapse_dl | 1 | 1 | 0 | 100.0% |" in report
    assert "| synapse_dl.offline_plan | 1 | 1 | 0 | 100.0% |" in report
    assert "| **all** | 8 | 5 | 3 | 62.5% |" in report
    assert "Not run: 1. Survivors: 3, unexplained: 3" in report
    assert "- `policies.stack:core/AddNot:1` (survived): UNEXPLAINED" in report


def test_an_accepted_survivor_is_listed_with_its_reason(tmp_path, capsys):
    write_run(tmp_path)
    accepted = tmp_path / "accepted.txt"
    accepted.write_text(
        "# name  reason\n"
        "components.arm.x_get__mutmut_2 equivalent: the default is the same value\n"
        "job_runner.run.x_follow__mutmut_1 runs in a subprocess only\n"
        "policies.stack:core/AddNot:1 the annotation is never evaluated\n"
    )

    assert main(["--out", str(tmp_path), "--accepted", str(accepted)]) == 0

    report = capsys.readouterr().out
    assert "Not run: 1. Survivors: 3, unexplained: 0" in report
    assert (
        "- `components.arm.x_get__mutmut_2` (survived): "
        "equivalent: the default is the same value" in report
    )


def test_accepted_lines_that_no_longer_hold_are_listed(tmp_path, capsys):
    write_run(tmp_path)
    accepted = tmp_path / "accepted.txt"
    accepted.write_text(
        "components.arm.x_get__mutmut_2 equivalent: the default is the same value\n"
        "components.arm.x_get__mutmut_1 killed by a test since\n"
        "components.arm.x_get__mutmut_9 renumbered by an edit of its function\n"
        "job_runner.run.x_follow__mutmut_2 not run this time: says nothing yet\n"
        "policies.stack:core/AddNot:1 the annotation is never evaluated\n"
    )
    (tmp_path / "cosmic-ray.jsonl").unlink()  # cosmic-ray not run: its lines are not judged

    main(["--out", str(tmp_path), "--accepted", str(accepted)])

    report = capsys.readouterr().out
    assert report.endswith(
        "Accepted but killed now or no longer a mutant: 2\n\n"
        "- `components.arm.x_get__mutmut_1`\n"
        "- `components.arm.x_get__mutmut_9`\n"
    )
