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


SAMPLED_RESULTS = """\
    synapse_dl.a.x_f__mutmut_1: killed
    synapse_dl.a.x_f__mutmut_2: killed
    synapse_dl.a.x_f__mutmut_3: killed
    synapse_dl.a.x_f__mutmut_4: survived
    synapse_dl.b.x_g__mutmut_1: killed
    synapse_dl.b.x_g__mutmut_2: timeout
    synapse_dl.b.x_g__mutmut_3: killed
    synapse_dl.b.x_g__mutmut_4: survived
    synapse_dl.b.x_g__mutmut_5: not checked
    synapse_dl.b.x_g__mutmut_6: not checked
"""


def test_a_sample_of_the_mutants_not_run_estimates_the_whole_score(tmp_path, capsys):
    (tmp_path / "mutmut-results.txt").write_text(SAMPLED_RESULTS)
    # Drawn from the six not run then: four have run since, two are still to run.
    (tmp_path / "mutmut-sample.txt").write_text(
        "synapse_dl.b.x_g__mutmut_1\nsynapse_dl.b.x_g__mutmut_2\n"
        "synapse_dl.b.x_g__mutmut_3\nsynapse_dl.b.x_g__mutmut_4\n"
    )

    main(["--out", str(tmp_path), "--accepted", str(tmp_path / "none.txt")])

    # 6 of 8 run killed; the 2 not run at the sample's 3 in 4: (6 + 1.5) / 10. The 95%
    # Wilson interval of 3 in 4 is 0.3006 to 0.9544: (6 + 0.60) / 10 and (6 + 1.91) / 10.
    assert (
        "mutmut over all its 10 mutants, estimated: 75.0% (95% interval 66.0% to 79.1%). "
        "8 run; the 2 not run count at the rate of a random sample of 4 drawn from the "
        "mutants not run then: 3 killed (75.0%)." in capsys.readouterr().out
    )


def test_a_sample_none_of_which_has_run_gives_no_estimate(tmp_path, capsys):
    (tmp_path / "mutmut-results.txt").write_text(SAMPLED_RESULTS)
    (tmp_path / "mutmut-sample.txt").write_text("synapse_dl.b.x_g__mutmut_5\n")

    main(["--out", str(tmp_path), "--accepted", str(tmp_path / "none.txt")])

    assert "Sample: 1 mutants drawn, none run yet: no estimate." in capsys.readouterr().out


def test_without_a_sample_there_is_no_estimate(tmp_path, capsys):
    (tmp_path / "mutmut-results.txt").write_text(SAMPLED_RESULTS)

    main(["--out", str(tmp_path), "--accepted", str(tmp_path / "none.txt")])

    assert "estimated" not in capsys.readouterr().out
