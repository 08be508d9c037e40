"""The mutation score of `make mutation`, per package, and every surviving mutant.

Reads what mutation/run.sh left in OUTDIR (mutmut's `results --all true`, cosmic-ray's dump,
and the random sample MUTATION_SAMPLE drew from the mutants mutmut had not run), writes
OUTDIR/report.md and prints it. A mutant counts as killed when a test failed or the
suite ran past the tool's timeout (a hang is a detected change, not a pass). Survivors listed
in mutation/accepted.txt with a reason are shown as accepted; any other survivor is shown as
unexplained, and the exit status is 1 while there is one.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ACCEPTED = Path(__file__).with_name("accepted.txt")
KILLED = {"killed", "timeout"}
# Not part of this run (MUTATION_SELECT left them out, or the run was stopped): not scored.
NOT_RUN = {"not checked", "not run"}
# mutmut's `results` line: "    components.arm.x_get__mutmut_3: survived"
MUTMUT_LINE = re.compile(r"^\s*(?P<name>[\w.]+__mutmut_\d+): (?P<status>.+)$")


@dataclass(frozen=True)
class Mutant:
    package: str
    name: str  # mutmut's mutant name, or cosmic-ray's module:operator:occurrence
    status: str  # killed, timeout, survived, no tests, ...


def package_of(module: str) -> str:
    """The package a module is in (`synapse_dl.engine.offline_runtime` -> `synapse_dl.engine`):
    the report's rows, so the components and each tool in the package get a score of their own."""
    return module.rpartition(".")[0] or module


def mutmut_mutants(results: Path) -> list[Mutant]:
    mutants = []
    for line in results.read_text().splitlines():
        if match := MUTMUT_LINE.match(line):
            name = match["name"]
            module = name.rpartition(".")[
                0
            ]  # mutmut names a mutant <module>.<function>__mutmut_<n>
            mutants.append(Mutant(package_of(module), name, match["status"].strip()))
    return mutants


def cosmic_ray_mutants(dump: Path) -> list[Mutant]:
    mutants = []
    for line in dump.read_text().splitlines():
        item, result = json.loads(line)
        if result is not None and result["worker_outcome"] == "skipped":
            continue  # taken out by cr-filter-operators: not a mutant of this run
        [mutation] = item["mutations"]
        module = Path(mutation["module_path"]).with_suffix("").as_posix().replace("/", ".")
        name = f"{module}:{mutation['operator_name']}:{mutation['occurrence']}"
        if result is None:
            status = "not run"
        elif result["worker_outcome"] != "normal":
            status = result["worker_outcome"]
        else:
            status = result["test_outcome"]
        mutants.append(Mutant(package_of(module), name, status))
    return mutants


def accepted_survivors(path: Path) -> dict[str, str]:
    """`name  reason` per line; blank lines and # comments are skipped."""
    accepted: dict[str, str] = {}
    if not path.exists():
        return accepted
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, reason = line.strip().partition(" ")
            accepted[name] = reason.strip()
    return accepted


def _tool(name: str) -> str:
    return "mutmut" if "__mutmut_" in name else "cosmic-ray"


def wilson_interval(killed: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of a proportion: sound for small samples and for
    proportions near 1, where the normal approximation is not."""
    p, z2 = killed / n, z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def sample_estimate(mutants: list[Mutant], sample: set[str]) -> str:
    """mutmut's score over all its mutants: those run as measured, those not run yet at the
    kill rate of a random sample drawn from them (run.sh's MUTATION_SAMPLE)."""
    mutmut = [m for m in mutants if _tool(m.name) == "mutmut"]
    not_run = sum(m.status in NOT_RUN for m in mutmut)
    run = [m for m in mutmut if m.status not in NOT_RUN]
    killed = sum(m.status in KILLED for m in run)
    drawn = [m for m in run if m.name in sample]
    if not drawn:
        return f"Sample: {len(sample)} mutants drawn, none run yet: no estimate."
    drawn_killed = sum(m.status in KILLED for m in drawn)
    low, high = wilson_interval(drawn_killed, len(drawn))
    total = len(run) + not_run

    def score(rate: float) -> str:
        return f"{100 * (killed + rate * not_run) / total:.1f}%"

    return (
        f"mutmut over all its {total} mutants, estimated: {score(drawn_killed / len(drawn))} "
        f"(95% interval {score(low)} to {score(high)}). {len(run)} run; the {not_run} not run "
        f"count at the rate of a random sample of {len(drawn)} drawn from the mutants not run "
        f"then: {drawn_killed} killed ({100 * drawn_killed / len(drawn):.1f}%)."
    )


def report(
    mutants: list[Mutant], accepted: dict[str, str], sample: set[str] | None = None
) -> tuple[str, int]:
    not_run = [m for m in mutants if m.status in NOT_RUN]
    mutants = [m for m in mutants if m.status not in NOT_RUN]
    by_package: dict[str, Counter[str]] = {}
    for mutant in mutants:
        by_package.setdefault(mutant.package, Counter())[mutant.status] += 1
    lines = ["| package | mutants | killed | survived | score |", "|---|---:|---:|---:|---:|"]
    total, killed = 0, 0
    for package, counts in sorted(by_package.items()):
        n = sum(counts.values())
        k = sum(counts[s] for s in KILLED)
        total, killed = total + n, killed + k
        lines.append(f"| {package} | {n} | {k} | {n - k} | {100 * k / n:.1f}% |")
    if total:
        lines.append(
            f"| **all** | {total} | {killed} | {total - killed} | {100 * killed / total:.1f}% |"
        )
    survivors = [m for m in mutants if m.status not in KILLED]
    unexplained = [m for m in survivors if m.name not in accepted]
    lines += [
        "",
        f"Not run: {len(not_run)}. Survivors: {len(survivors)}, unexplained: {len(unexplained)}",
        "",
    ]
    if sample:
        lines += [sample_estimate(mutants + not_run, sample), ""]
    for mutant in survivors:
        reason = accepted.get(mutant.name, "UNEXPLAINED")
        lines.append(f"- `{mutant.name}` ({mutant.status}): {reason}")
    # An accepted mutant a test now kills, or one renumbered by an edit of its function: the
    # line no longer says anything true, and should go.
    killed_now = {m.name for m in mutants if m.status in KILLED}
    named = {m.name for m in mutants} | {m.name for m in not_run}
    tools_run = {_tool(n) for n in named}
    stale = [n for n in accepted if n in killed_now or (_tool(n) in tools_run and n not in named)]
    if stale:
        lines += ["", f"Accepted but killed now or no longer a mutant: {len(stale)}", ""]
        lines += [f"- `{name}`" for name in stale]
    return "\n".join(lines) + "\n", len(unexplained)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="mutation/run.sh's OUTDIR")
    parser.add_argument("--accepted", type=Path, default=ACCEPTED, help="survivors with reasons")
    args = parser.parse_args(argv)
    mutants: list[Mutant] = []
    if (results := args.out / "mutmut-results.txt").exists():
        mutants += mutmut_mutants(results)
    if (dump := args.out / "cosmic-ray.jsonl").exists():
        mutants += cosmic_ray_mutants(dump)
    sample = None
    if (drawn := args.out / "mutmut-sample.txt").exists():
        sample = set(drawn.read_text().split())
    text, unexplained = report(mutants, accepted_survivors(args.accepted), sample)
    (args.out / "report.md").write_text(text)
    print(text, end="")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
