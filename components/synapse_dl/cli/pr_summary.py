"""Render the offline plan results of a pull request as Markdown.

The same text goes to the GitHub job summary, the pull-request comment and the
Azure DevOps build summary, so it uses only Markdown that all three render.
Text from plans (messages, names) is HTML-escaped and folded onto one line
where it sits in a list or table, so a config value cannot break the layout.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from synapse_dl.cli.plan_json import Violation, Weakened
from synapse_dl.cli.preflight.check import PoolVerdict
from synapse_dl.cli.stack_outcome import Outcome, StackResult
from synapse_dl.engine.analyzer.levels import ADVISORY, MANDATORY, REPORTED_LEVELS

TITLE = "synapse-dl plan check"

OFFLINE_NOTE = (
    "**Offline check, no cloud credentials used.** Each stack was planned by `synapse-dl plan` "
    "under Pulumi's mock runtime and judged by the policy pack. It shows the resources the "
    "program declares, not a diff against what is deployed."
)

# GitHub rejects comments over 65,536 characters; stay well under it.
MAX_CHARS = 60_000

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


def _overview(results: Sequence[StackResult]) -> list[str]:
    lines = [
        "| Stack | Result | Resources | Mandatory | Advisory | Warnings | Libraries |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for r in results:
        resources = str(len(r.plan.resources)) if r.plan else "–"
        warnings = str(len(r.plan.warnings)) if r.plan else "–"
        lines.append(
            f"| {_code(r.stack)} | {r.outcome.icon} {r.outcome.value} | {resources} "
            f"| {_count(r, MANDATORY)} | {_count(r, ADVISORY)} | {warnings} "
            f"| {_libraries_cell(r)} |"
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


def render_stack(result: StackResult) -> str:
    """The section for one stack: resources by type, violations by level, warnings, errors."""
    lines = [f"### {result.outcome.icon} Stack {_code(result.stack)}: {result.outcome.value}", ""]
    if result.error:
        heading = {
            Outcome.CONFIG_ERROR: "Config error, nothing was judged:",
            Outcome.PLAN_ERROR: "The plan failed:",
        }.get(result.outcome, "Inconsistent result:")
        lines += [f"**{heading}**", "", _block(result.error), ""]
    plan = result.plan
    if plan is None:
        return "\n".join(lines).rstrip() + "\n"

    by_type = Counter(r.type for r in plan.resources)
    lines.append(
        f"**Resources planned ({len(plan.resources)})**, policy pack {_code(plan.policy.pack)}:"
    )
    lines.append("")
    if by_type:
        lines += ["| Type | Count |", "|---|---:|"]
        for rtype, n in sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"| {_code(rtype)} | {n} |")
    else:
        lines.append("_No resources._")
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
    """The whole summary; past `max_chars` the per-stack details give way to a pointer."""
    head = [_headline(results), ""]
    if offline:
        head += [f"> {OFFLINE_NOTE}", ""]
    for note in notes:
        head += [f"> {_inline(note)}", ""]
    head += _overview(results) + [""]
    weakened = [(r.stack, len(r.plan.policy.weakened)) for r in results if r.plan]
    if any(n for _, n in weakened):
        named = ", ".join(f"{_code(stack)} ({n})" for stack, n in weakened if n)
        head += [f"> ⚠️ The policy config weakens policies of the pack in: {named}.", ""]

    full = "\n".join(head) + "\n" + "\n".join(render_stack(r) for r in results)
    if len(full) <= max_chars:
        return full
    short = "\n".join(head) + (
        "\n_The per-stack details are too long for this summary; they are in the "
        "`plan-check` artifact (summary.md and one plan JSON per stack)._\n"
    )
    return short[:max_chars]
