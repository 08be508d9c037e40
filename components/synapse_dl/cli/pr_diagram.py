"""A Mermaid diagram of a planned stack for the pull-request summary: the workspace, the data
lake, the pools, the job definitions and the private endpoints, each drawn after what it
depends on; against a baseline, each node marked by what happens to it.

GitHub renders a fenced `mermaid` block in comments and job summaries; Azure DevOps renders
the same text in wikis. Dependencies through resources not drawn (a lake file, a role
assignment) are followed, and an edge that a longer path already implies is left out, so the
picture stays readable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from synapse_dl.cli.plan_json import Change, PlannedResource

# What is drawn: type -> the label's kind.
DRAWN = {
    "azure-native:storage:StorageAccount": "data lake",
    "azure-native:synapse:Workspace": "workspace",
    "azure-native:network:PrivateEndpoint": "private endpoint",
    "azure-native:synapse:BigDataPool": "Spark pool",
    "pulumi-python:dynamic/synapse:SparkJobDefinition": "job definition",
}
# GitHub's own colours for added, changed and removed lines.
STYLES = {
    "create": "fill:#dafbe1,stroke:#1a7f37",
    "update": "fill:#fff8c5,stroke:#9a6700",
    "replace": "fill:#ffebe9,stroke:#cf222e,stroke-width:3px",
    "delete": "fill:#ffebe9,stroke:#cf222e,stroke-dasharray:5 5",
    "same": "fill:#f6f8fa,stroke:#8c959f",
}


def _label(text: str) -> str:
    """Text safe inside a quoted Mermaid label."""
    for plain, entity in (("&", "#amp;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;")):
        text = text.replace(plain, entity)
    return text


def _edges(resources: Sequence[PlannedResource], drawn: set[str]) -> set[tuple[str, str]]:
    """(needed, needing) between drawn resources, through any not drawn."""
    needs = {r.urn: set(r.depends_on) for r in resources}
    found = set()
    for urn in drawn:
        seen, todo = set(), list(needs.get(urn, ()))
        while todo:
            dep = todo.pop()
            if dep in seen or dep == urn:
                continue
            seen.add(dep)
            if dep in drawn:
                found.add((dep, urn))
            else:
                todo += needs.get(dep, ())
    return _reduced(found)


def _reduced(edges: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Without the edges another path already implies (a before c when a before b before c)."""
    after: dict[str, set[str]] = {}
    for a, b in edges:
        after.setdefault(a, set()).add(b)

    def reaches(start: str, goal: str, skip: tuple[str, str]) -> bool:
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            for nxt in after.get(node, ()):
                if (node, nxt) == skip or nxt in seen:
                    continue
                if nxt == goal:
                    return True
                seen.add(nxt)
                todo.append(nxt)
        return False

    return {edge for edge in edges if not reaches(edge[0], edge[1], edge)}


def mermaid(resources: Sequence[PlannedResource], changes: Sequence[Change] | None = None) -> str:
    """The diagram as a fenced block; `changes` (against a baseline) marks each node."""
    action: Mapping[str, str] = {c.urn: c.action for c in changes or ()}
    shown = [r for r in resources if r.type in DRAWN]
    deleted = [c for c in changes or () if c.action == "delete" and c.type in DRAWN]
    nodes: list[PlannedResource | Change] = [*shown, *deleted]
    ids = {r.urn: f"n{i}" for i, r in enumerate(nodes)}
    lines = ["```mermaid", "flowchart LR"]
    for node in nodes:
        what = action.get(node.urn)
        mark = f"<br/><i>{what}</i>" if what and what != "same" else ""
        style = f":::{what}" if what else ""
        label = f"{DRAWN[node.type]}<br/><b>{_label(node.name)}</b>{mark}"
        lines.append(f'  {ids[node.urn]}["{label}"]{style}')
    for needed, needing in sorted(_edges(resources, {r.urn for r in shown})):
        lines.append(f"  {ids[needed]} --> {ids[needing]}")
    if action:
        lines += [f"  classDef {name} {style}" for name, style in STYLES.items()]
    lines.append("```")
    return "\n".join(lines)
