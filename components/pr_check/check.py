"""The pull-request check: plan every stack offline, judge it, summarise, fail on a violation.

Both pipelines (GitHub Actions and Azure DevOps) call this, through
`gitops/pr_check.sh`, so what a pull request is judged by is one piece of code.

    python -m gitops.pr_check [STACK_FILE ...] [--out DIR] [--summary PATH] [--note TEXT]
                              [--policy-config FILE]

With no STACK_FILE, every `Pulumi.<stack>.yaml` at the repository root is checked.
Writes `<out>/<stack>.json` (the plan), `<out>/<stack>.log` (offline_plan's stderr)
and the Markdown summary (`<out>/summary.md` unless --summary), and appends the
summary to `$GITHUB_STEP_SUMMARY` when that is set.

Exit codes: 0 every stack planned without a mandatory violation; 1 a stack has a
mandatory violation, a config error or a failed plan; 2 bad arguments.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from gitops.stack_result import Outcome, StackResult, classify
from gitops.stacks import REPO_ROOT, StackFile, root_stack_files, stack_files_from_paths
from gitops.summary import render_summary

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

DEFAULT_TIMEOUT_S = 900


def plan_stack(
    stack: StackFile,
    out_dir: Path,
    python: str,
    timeout_s: float,
    policy_config: Path | None = None,
) -> StackResult:
    """Run offline_plan on one stack file and classify what came back."""
    json_path = out_dir / f"{stack.name}.json"
    json_path.unlink(missing_ok=True)  # a stale plan from an earlier run must not be read
    cmd = [python, "-m", "offline_plan", "--stack-file", str(stack.path), "--json", str(json_path)]
    if policy_config is not None:
        cmd += ["--policy-config", str(policy_config)]
    try:
        proc = subprocess.run(
            cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout_s, check=False
        )
    except subprocess.TimeoutExpired:
        return StackResult(
            stack.name, Outcome.PLAN_ERROR, error=f"offline_plan did not finish in {timeout_s:g} s"
        )
    (out_dir / f"{stack.name}.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    plan_text = json_path.read_text(encoding="utf-8") if json_path.is_file() else None
    return classify(stack.name, proc.returncode, plan_text, proc.stderr)


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="gitops/pr_check.sh",
        description="Plan stacks offline under the policy pack and summarise the result.",
    )
    parser.add_argument(
        "stack_files",
        nargs="*",
        metavar="STACK_FILE",
        help="stack files to check (default: every Pulumi.<stack>.yaml at the repository root)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("out/plan-check"),
        help="directory for the plan JSON and logs (default: %(default)s)",
    )
    parser.add_argument(
        "--summary",
        type=Path,
        default=None,
        help="where to write the Markdown summary (default: OUT/summary.md)",
    )
    parser.add_argument(
        "--note",
        action="append",
        default=[],
        help="a line under the headline (repeatable), e.g. why the cloud preview did not run",
    )
    parser.add_argument(
        "--policy-config",
        type=Path,
        default=os.environ.get("POLICY_PACK_CONFIG") or None,
        help="policy pack config (--policy-pack-config format) for every stack "
        "(default: $POLICY_PACK_CONFIG, the variable the cloud preview and deploy use)",
    )
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="the Python that runs offline_plan (default: this one)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        help="seconds one stack's plan may take (default: %(default)s)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    try:
        stacks = (
            stack_files_from_paths(args.stack_files) if args.stack_files else root_stack_files()
        )
    except ValueError as exc:
        print(f"pr_check: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not stacks:
        print(f"pr_check: no Pulumi.<stack>.yaml files at {REPO_ROOT}", file=sys.stderr)
        return EXIT_USAGE

    policy_config: Path | None = args.policy_config
    notes = list(args.note)
    if policy_config is not None:
        if not policy_config.is_file():
            print(f"pr_check: policy config {str(policy_config)!r} does not exist", file=sys.stderr)
            return EXIT_USAGE
        notes.append(f"Policy pack config: {policy_config}")
        policy_config = policy_config.resolve()  # offline_plan runs from the repository root

    out_dir: Path = args.out.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for stack in stacks:
        print(f"pr_check: planning stack {stack.name} ({stack.path})", file=sys.stderr)
        result = plan_stack(stack, out_dir, args.python, args.timeout, policy_config)
        print(f"pr_check: {stack.name}: {result.outcome.value}", file=sys.stderr)
        results.append(result)

    summary = render_summary(results, offline=True, notes=notes)
    summary_path: Path = args.summary or out_dir / "summary.md"
    summary_path.parent.mkdir(parents=True, exist_ok=True)
    summary_path.write_text(summary, encoding="utf-8")
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with open(step_summary, "a", encoding="utf-8") as fh:
            fh.write(summary + "\n")
    print(summary)
    return EXIT_FAILED if any(r.failed for r in results) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
