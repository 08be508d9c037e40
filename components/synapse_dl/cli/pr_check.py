"""`synapse-dl pr-check`: plan every stack offline, judge it, summarise, fail on a violation.

Both pipelines (GitHub Actions and Azure DevOps) call this, through `gitops/pr_check.sh`, and
so does `make pr-check`, so what a pull request is judged by is one piece of code.

    synapse-dl pr-check [STACK_FILE ...] [--base REF] [--out DIR] [--summary PATH]
                        [--note TEXT] [--policy-config FILE] [--policy-pack DIR]
                        [--index-url URL] [--prices FILE] [--project-dir DIR]

With no STACK_FILE, every `Pulumi.<stack>.yaml` of the project is checked. Each stack is
planned by `synapse-dl plan` in its own process (Pulumi's runtime is one per process). Writes
`<out>/<stack>.json` (the plan), `<out>/<stack>.log` (the plan's output) and the Markdown
summary (`<out>/summary.md` unless --summary), and appends the summary to
`$GITHUB_STEP_SUMMARY` when that is set.

With --base REF (the pull request's base branch), each stack is first planned as it is at REF,
in one temporary worktree (`<out>/<stack>.base.json`), then planned here against that plan:
the summary says what the change creates, updates, replaces and deletes, what blocks the deploy
and what it does to the cost. A stack REF does not have is all new.

When the package index answers, each stack's pools also get the library preflight
(`synapse-dl libraries`), written to `<out>/<stack>.libraries.json`; when it does not, the
summary says that the libraries were not checked.

Exit codes: 0 every stack planned without a mandatory violation or a blocking change, and
every checked pool can install its libraries; 1 a stack has a mandatory violation, a blocking
change, a config error, a failed plan or a pool that cannot install; 2 bad arguments.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

from synapse_dl.cli.argument_types import (
    existing_file,
    file_or_ref,
    from_environment,
    policy_pack_folder,
    positive_number,
)
from synapse_dl.cli.arguments import add_project_dir_argument
from synapse_dl.cli.baseline import BaselineError, commit_of, repository_top, worktree_at
from synapse_dl.cli.output_files import (
    EXIT_USAGE,
    OutputPathError,
    check_output_file,
    check_output_folder,
    project_inputs,
    write_json,
    write_text,
)
from synapse_dl.cli.pr_base import BaseTree, base_plan
from synapse_dl.cli.pr_summary import render_summary
from synapse_dl.cli.preflight.check import stack_verdicts
from synapse_dl.cli.preflight.index import (
    IndexUnreachableError,
    add_index_url_argument,
    check_index_url,
    check_reachable,
    display_url,
)
from synapse_dl.cli.stack_outcome import Outcome, StackResult, classify
from synapse_dl.config.errors import ConfigError
from synapse_dl.config.stack_file import read_stack_file
from synapse_dl.package_lock import lock_path
from synapse_dl.project import (
    ProjectNotFoundError,
    StackFile,
    find_project_dir,
    root_stack_files,
    stack_files_from_paths,
)

HELP = "plan every stack offline under the policy pack and write a Markdown summary"

EXIT_OK = 0
EXIT_FAILED = 1

DEFAULT_TIMEOUT_S = 900
# What the check writes in its folder for each stack: the plan, its output, the preflight.
_STACK_FILES = (".json", ".log", ".libraries.json", ".base.json")


def plan_stack(
    stack: StackFile,
    out_dir: Path,
    project: Path,
    timeout_s: float,
    policy_config: Path | None = None,
    policy_pack: Path | None = None,
    extra: Sequence[str] = (),
) -> StackResult:
    """Plan one stack file in its own `synapse-dl plan` and classify what came back; `extra`:
    more options for the plan (--against, --prices)."""
    json_path = out_dir / f"{stack.name}.json"
    json_path.unlink(missing_ok=True)  # a stale plan from an earlier run must not be read
    cmd = [sys.executable, "-m", "synapse_dl", "plan", "--stack-file", str(stack.path)]
    cmd += ["--json", str(json_path), "--project-dir", str(project), *extra]
    if policy_config is not None:
        cmd += ["--policy-config", str(policy_config)]
    if policy_pack is not None:
        cmd += ["--policy-pack", str(policy_pack)]
    try:
        proc = subprocess.run(
            cmd, cwd=project, capture_output=True, text=True, timeout=timeout_s, check=False
        )
    except subprocess.TimeoutExpired:
        return StackResult(
            stack.name, Outcome.PLAN_ERROR, error=f"the plan did not finish in {timeout_s:g} s"
        )
    write_text(out_dir / f"{stack.name}.log", proc.stdout + proc.stderr)
    plan_text = json_path.read_text(encoding="utf-8") if json_path.is_file() else None
    return classify(stack.name, proc.returncode, plan_text, proc.stderr)


def check_libraries(
    result: StackResult, stack: StackFile, out_dir: Path, index_url: str, project: Path
) -> StackResult:
    """The stack's result with each pool's library preflight (see `synapse-dl libraries`)."""
    if result.plan is None:
        return result  # a config error or a failed plan: what it says comes first
    try:
        config = read_stack_file(stack.path)
    except ConfigError:
        return result
    try:
        verdicts = stack_verdicts(config, lock_path(project, stack.name), stack.name, index_url)
    except ConfigError:
        return result  # the plan reports a missing or stale lock
    document = {"indexUrl": display_url(index_url), "pools": [v.to_json() for v in verdicts]}
    write_json(out_dir / f"{stack.name}.libraries.json", document)
    return result.with_libraries(verdicts)


def _check_outputs(
    out: Path,
    summary: Path | None,
    project: Path,
    stacks: list[StackFile],
    policy_config: Path | None,
    policy_pack: Path | None,
) -> None:
    """Raises OutputPathError unless every file the check writes may be written."""
    inputs = project_inputs(project, policy_config, policy_pack, *(s.path for s in stacks))
    names = [f"{s.name}{suffix}" for s in stacks for suffix in _STACK_FILES]
    if summary is None:
        names.append("summary.md")
    check_output_folder("--out", out, inputs, names)
    if summary is not None:
        check_output_file("--summary", summary, inputs)


def check_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """The defaults the pipelines set in the environment, checked as their options are; a
    base that names no commit is misuse."""
    check_index_url(parser, args)
    if args.base is not None:
        project = args.project_dir or _project_or_none()
        if project is None or commit_of(project, args.base) is None:
            parser.error(
                f"argument --base: {args.base!r} is not a commit of the project's git repository"
            )
    if args.policy_config is None:
        args.policy_config = from_environment(parser, "POLICY_PACK_CONFIG", existing_file)


def _project_or_none() -> Path | None:
    try:
        return find_project_dir()
    except ProjectNotFoundError:
        return None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "stack_files",
        nargs="*",
        metavar="STACK_FILE",
        help="stack files to check (default: every Pulumi.<stack>.yaml of the project)",
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
        type=existing_file,
        help="policy pack config (--policy-pack-config format) for every stack "
        "(default: $POLICY_PACK_CONFIG, the variable the cloud preview and deploy use)",
    )
    parser.add_argument(
        "--policy-pack",
        type=policy_pack_folder,
        help="the policy pack's folder (default: the project's policies/)",
    )
    add_index_url_argument(
        parser,
        "the package index for the library preflight; when it does not answer, the libraries "
        "are not checked and the summary says so",
    )
    parser.add_argument(
        "--base",
        type=file_or_ref,
        metavar="REF",
        help="the pull request's base (a branch or commit): plan each stack there too, and "
        "show what this change does to it",
    )
    parser.add_argument(
        "--prices",
        type=existing_file,
        metavar="FILE",
        help="a saved answer of the Azure Retail Prices API (default: the API, cached a day)",
    )
    parser.add_argument(
        "--timeout",
        type=positive_number,
        default=DEFAULT_TIMEOUT_S,
        help="seconds one stack's plan may take (default: %(default)s)",
    )
    add_project_dir_argument(parser)


def run(args: argparse.Namespace) -> int:
    try:
        project: Path = (args.project_dir or find_project_dir()).resolve()
        stacks = (
            stack_files_from_paths(args.stack_files)
            if args.stack_files
            else root_stack_files(project)
        )
    except (ValueError, ProjectNotFoundError) as exc:
        print(f"pr_check: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not stacks:
        print(f"pr_check: no Pulumi.<stack>.yaml files at {project}", file=sys.stderr)
        return EXIT_USAGE

    policy_config: Path | None = args.policy_config
    notes = list(args.note)
    if policy_config is not None:  # the parser checked it is a file
        notes.append(f"Policy pack config: {policy_config}")
        policy_config = policy_config.resolve()  # each plan runs in the project folder
    policy_pack = args.policy_pack.resolve() if args.policy_pack else None
    summary_path: Path = args.summary or args.out / "summary.md"
    try:
        _check_outputs(args.out, args.summary, project, stacks, policy_config, policy_pack)
    except OutputPathError as error:
        print(f"pr_check: {error}", file=sys.stderr)
        return EXIT_USAGE

    index_url: str | None = args.index_url
    try:
        check_reachable(args.index_url)
    except IndexUnreachableError as error:
        index_url = None
        notes.append(f"Libraries not checked: no package index answers ({error}).")

    out_dir: Path = args.out.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    prices = ["--prices", str(args.prices.resolve())] if args.prices else []

    def check(stack: StackFile, base: BaseTree | None) -> tuple[StackResult, str | None]:
        """One stack: planned at the base, then here against it, then its libraries."""
        extra, note = list(prices), None
        if base is not None:
            against, note = base_plan(base, stack, out_dir, project, args.timeout)
            extra += ["--against", str(against)] if against else []
        print(f"pr_check: planning stack {stack.name} ({stack.path})", file=sys.stderr)
        (out_dir / f"{stack.name}.libraries.json").unlink(missing_ok=True)  # not an old one
        result = plan_stack(
            stack, out_dir, project, args.timeout, policy_config, policy_pack, extra
        )
        if index_url is not None:
            result = check_libraries(result, stack, out_dir, index_url, project)
        print(f"pr_check: {stack.name}: {result.outcome.value}", file=sys.stderr)
        return result, note

    with ExitStack() as cleanup:
        base = None
        if args.base is not None:
            commit = commit_of(project, args.base) or args.base
            try:
                tree = cleanup.enter_context(worktree_at(project, commit))
                top = Path(repository_top(project) or project)
                base = BaseTree(args.base, commit, tree, top)
            except BaselineError as error:
                notes.append(f"Not compared with {args.base}: {error}")
        # Each stack in its own processes, side by side: a plan is mostly imports and the
        # program under mocks, one core each.
        with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as workers:
            checked = list(workers.map(lambda stack: check(stack, base), stacks))
    results = [result for result, _ in checked]
    notes += [note for _, note in checked if note]

    summary = render_summary(results, offline=True, notes=notes)
    write_text(summary_path, summary)
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with open(step_summary, "a", encoding="utf-8") as fh:
            fh.write(summary + "\n")
    print(summary)
    return EXIT_FAILED if any(r.failed for r in results) else EXIT_OK
