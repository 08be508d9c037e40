"""Render the offline plan results of a pull request as Markdown, for a reviewer to read first.

Per stack: one line of what changes against the base (`N to create, M to update, K to replace,
J to delete`), the blocking findings, the cost and its change, then the policy verdicts; the
diagram, the changes and the resources folded (`<details>`). A stack with no change takes one
line. The same text goes to the GitHub job summary, the pull-request comment and the Azure DevOps
build summary, so it uses only Markdown that all three render. Text from plans (messages, names)
is HTML-escaped and folded onto one line where it sits in a list or table, so a config value
cannot break the layout.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from synapse_dl.cli.plan_cost import money_span
from synapse_dl.cli.plan_json import Against, Cost, Plan, Violation, Weakened
from synapse_dl.cli.pr_diagram import mermaid
from synapse_dl.cli.preflight.check import PoolVerdict
from synapse_dl.cli.stack_outcome import Outcome, StackResult
from synapse_dl.engine.analyzer.levels import ADVISORY, MANDATORY, REPORTED_LEVELS

TITLE = "synapse-dl plan check"

OFFLINE_NOTE = (
    "**Offline check, no cloud credentials used.** Each stack was planned by `synapse-dl plan` "
    "under Pulumi's mock runtime and judged by the policy pack. It shows the resources the "
    "program declares, not a diff against what is deployed."
)
BASE_NOTE = (
    "**Offline check, no cloud credentials used.** Each stack was planned by `synapse-dl plan` "
    "under Pulumi's mock runtime, at the base and here, and judged by the policy pack. The "
    "changes are against the base's plan, not against what is deployed."
)

# GitHub rejects comments over 65,536 characters; stay well under it.
MAX_CHARS = 60_000
_ACTIONS = ("create", "update", "replace", "delete")

# The levels a summary counts: what blocks a merge, and what only advises.
_LEVELS = REPORTED_LEVELS


def _inline(text: str) -> str:
    """One line of escaped text for a list item or table cell."""
    return html.escape(re.sub(r"\s+", " ", text).strip(), quote=False).replace("|", "\\|")


def _code(text: str) -> str:
    """An inline code span that survives backticks inside the text."""
    text = re.sub(r"\s+", " ", text).strip()
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _block(text: str) -> str:
    """A fenced block longer than any backtick run inside it."""
    longest = max((len(m) for m in re.findall(r"`{3,}", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text.rstrip()}\n{fence}"


def _resource_label(urn: str | None) -> str:
    """`urn:pulumi:dev::proj::a$b::name` -> the resource name; no URN -> the stack."""
    if not urn:
        return "the stack"
    return _code(urn.rsplit("::", 1)[-1])


def _count(result: StackResult, level: str) -> str:
    return str(len(result.violations(level))) if result.plan else "–"


def _libraries_cell(result: StackResult) -> str:
    if result.libraries is None:
        return "–"
    failed = sum(not v.ok for v in result.libraries)
    pools = len(result.libraries)
    return f"❌ {failed} of {pools} pools" if failed else f"✅ {pools} pools"


def change_line(against: Against) -> str:
    """`N to create, M to update, K to replace, J to delete`, or that nothing changes."""
    if not against.changed:
        return f"no change ({against.count('same')} resources the same)"
    return ", ".join(f"{against.count(a)} to {a}" for a in _ACTIONS)


def cost_line(cost: Cost) -> str:
    """The month's cost and, against a base, its change; unknown where a price is."""
    monthly = cost.monthly
    line = "unknown" if monthly is None else money_span(monthly.min, monthly.max, cost.currency)
    line += " a month"
    if cost.delta is not None:
        line += f" ({money_span(cost.delta.min, cost.delta.max, cost.currency, signed=True)})"
    return line


def _changes_cell(plan: Plan | None) -> str:
    if plan is None or plan.against is None:
        return "–"
    if not plan.against.changed:
        return "no change"
    marks = {"create": "+", "update": "~", "replace": "±", "delete": "-"}
    return " ".join(f"{marks[a]}{plan.against.count(a)}" for a in _ACTIONS)


def _overview(results: Sequence[StackResult]) -> list[str]:
    lines = [
        "| Stack | Result | Changes | Blocking | Cost | Mandatory | Advisory | Warnings "
        "| Libraries |",
        "|---|---|---|---:|---|---:|---:|---:|---|",
    ]
    for r in results:
        plan = r.plan
        warnings = str(len(plan.warnings)) if plan else "–"
        blocking = str(len(plan.blocking)) if plan and plan.against else "–"
        cost = cost_line(plan.cost) if plan and plan.cost else "–"
        lines.append(
            f"| {_code(r.stack)} | {r.outcome.icon} {r.outcome.value} | {_changes_cell(plan)} "
            f"| {blocking} | {_inline(cost)} | {_count(r, MANDATORY)} | {_count(r, ADVISORY)} "
            f"| {warnings} | {_libraries_cell(r)} |"
        )
    return lines


def _libraries_lines(verdicts: Sequence[PoolVerdict]) -> list[str]:
    """Each pool's library preflight: its outcome, and what a reviewer should look at."""
    lines = [f"**Libraries ({len(verdicts)} pools)**, checked with pip for each runtime:", ""]
    for v in verdicts:
        icon = "✅" if v.ok else "❌"
        lines.append(f"- {icon} {_inline(v.heading)}: {_inline(v.outcome())}")
        lines += [f"  - {_inline(problem)}" for problem in v.problems]
        lines += [
            f"  - replaces the runtime's {_code(r.name)} {_inline(r.runtime_version)} "
            f"with {_inline(r.new_version)}"
            for r in v.replacements
        ]
    return lines + [""]


def _violation_lines(violations: Iterable[Violation]) -> list[str]:
    return [
        f"- {_code(v.policy)} on {_resource_label(v.urn)}: {_inline(v.message)}" for v in violations
    ]


def _weakened_lines(weakened: Sequence[Weakened]) -> list[str]:
    if not weakened:
        return []
    lines = [f"**⚠️ Policies weakened by the policy config ({len(weakened)})**:", ""]
    lines += [
        f"- {_code(w.policy)}: {_inline(w.default)} in the pack, {_inline(w.configured)} here"
        for w in weakened
    ]
    return lines + [""]


def _folded(summary: str, body: list[str]) -> list[str]:
    """A <details> block; blank lines around the body so Markdown inside it renders."""
    return ["<details>", f"<summary>{summary}</summary>", "", *body, "", "</details>", ""]


def _change_lines(against: Against) -> list[str]:
    lines = []
    for change in against.resources:
        why = f": {_inline('; '.join(change.reasons))}" if change.reasons else ""
        paths = f" ({', '.join(_code(p) for p in change.paths)})" if change.paths else ""
        lines.append(f"- **{change.action}** {_code(change.type)} {_code(change.name)}{paths}{why}")
    return lines


def _resource_table(plan: Plan) -> list[str]:
    by_type = Counter(r.type for r in plan.resources)
    if not by_type:
        return ["_No resources._"]
    lines = ["| Type | Count |", "|---|---:|"]
    for rtype, n in sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"| {_code(rtype)} | {n} |")
    return lines


def _unchanged(result: StackResult) -> bool:
    plan = result.plan
    return bool(plan and plan.against and not plan.against.changed and not result.failed)


def render_stack(result: StackResult, *, details: bool = True) -> str:
    """The section for one stack: what changes, what blocks, the cost, the policy verdicts,
    then (with `details`) the diagram, the changes and the resources, folded."""
    plan = result.plan
    if _unchanged(result) and plan and plan.against:
        # What it was at the base it still is: the overview's row has its verdicts and cost.
        return f"- ✅ Stack {_code(result.stack)}: {change_line(plan.against)}.\n"
    lines = [f"### {result.outcome.icon} Stack {_code(result.stack)}: {result.outcome.value}", ""]
    if result.error:
        heading = {
            Outcome.CONFIG_ERROR: "Config error, nothing was judged:",
            Outcome.PLAN_ERROR: "The plan failed:",
        }.get(result.outcome, "Inconsistent result:")
        lines += [f"**{heading}**", "", _block(result.error), ""]
    if plan is None:
        return "\n".join(lines).rstrip() + "\n"

    if plan.against:
        lines += [f"**{change_line(plan.against)}** against {_code(plan.against.base)}", ""]
        lines += [f"> {_inline(note)}" for note in plan.against.notes]
        if plan.blocking:
            lines += [f"**⛔ Blocking ({len(plan.blocking)})**: the deploy would stop halfway.", ""]
            lines += [f"- {_inline(f.message)}" for f in plan.blocking] + [""]
        warned = [f for f in plan.against.findings if not f.blocking]
        lines += [f"- ⚠️ {_inline(f.message)}" for f in warned] + ([""] if warned else [])
    else:
        lines += [f"**Resources planned ({len(plan.resources)})**", ""]
    if plan.cost:
        lines += [
            f"**Cost**: {_inline(cost_line(plan.cost))}, at {_inline(plan.cost.assumption)}; "
            f"prices from {_inline(plan.cost.source)}.",
            "",
        ]

    lines.append(f"Policy pack {_code(plan.policy.pack)}:")
    lines.append("")
    lines += _weakened_lines(plan.policy.weakened)
    for level in _LEVELS:
        found = result.violations(level)
        lines.append(f"**Policy violations, {level} ({len(found)})**" + (":" if found else ""))
        if found:
            lines += [""] + _violation_lines(found)
        lines.append("")

    if plan.warnings:
        lines += [f"**Warnings ({len(plan.warnings)})**:", ""]
        lines += [f"- {_inline(w)}" for w in plan.warnings]
        lines.append("")
    if result.libraries is not None:
        lines += _libraries_lines(result.libraries)
    if details:
        changes = plan.against.resources if plan.against else None
        lines += _folded("Diagram", [mermaid(plan.resources, changes)])
        if plan.against and plan.against.resources:
            count = len(plan.against.resources)
            lines += _folded(f"Changes ({count})", _change_lines(plan.against))
        lines += _folded(
            f"Resources planned ({len(plan.resources)}), by type", _resource_table(plan)
        )
    return "\n".join(lines).rstrip() + "\n"


def _headline(results: Sequence[StackResult]) -> str:
    failed = sum(r.failed for r in results)
    if not results:
        return f"## ❌ {TITLE}: no stacks were checked"
    if failed:
        return f"## ❌ {TITLE}: {failed} of {len(results)} stacks failed"
    return f"## ✅ {TITLE}: all {len(results)} stacks passed"


def render_summary(
    results: Sequence[StackResult],
    *,
    offline: bool = True,
    notes: Sequence[str] = (),
    max_chars: int = MAX_CHARS,
) -> str:
    """The whole summary, under `max_chars` however large the plans: past it the folded
    details give way first, then the per-stack sections, each time with a note saying so."""
    head = [_headline(results), ""]
    if offline:
        against = any(r.plan and r.plan.against for r in results)
        head += [f"> {BASE_NOTE if against else OFFLINE_NOTE}", ""]
    for note in notes:
        head += [f"> {_inline(note)}", ""]
    head += _overview(results) + [""]
    weakened = [(r.stack, len(r.plan.policy.weakened)) for r in results if r.plan]
    if any(n for _, n in weakened):
        named = ", ".join(f"{_code(stack)} ({n})" for stack, n in weakened if n)
        head += [f"> ⚠️ The policy config weakens policies of the pack in: {named}.", ""]
    top = "\n".join(head) + "\n"

    full = top + "\n".join(render_stack(r) for r in results)
    if len(full) <= max_chars:
        return full
    pointer = (
        "_{what} left out to keep this summary under {limit:,} characters; everything is in "
        "the `plan-check` artifact (summary.md and one plan JSON per stack)._\n"
    )
    compact = top + "\n".join(render_stack(r, details=False) for r in results)
    note = pointer.format(what="The diagrams, changes and resource tables were", limit=max_chars)
    if len(compact) + len(note) + 1 <= max_chars:
        return compact + "\n" + note
    note = pointer.format(what="The per-stack sections were", limit=max_chars)
    return (top + "\n" + note)[:max_chars]
