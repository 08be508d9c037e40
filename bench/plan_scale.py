"""Offline plan time for the dev stack and for generated stacks of 1, 10 and 100 pools.

Each figure is the wall time of `synapse-dl plan` as a user runs it (interpreter
start, imports, program under mocks, rendering). Targets on the 2-core dev machine: dev
stack <= 3 s; growth linear in pools, 100 pools <= 10 s.
"""

from __future__ import annotations

import copy
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 3


def generated_stack(pools: int) -> dict:
    document = yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())
    template = document["config"]["synapse-dl:sparkPools"][1]  # the CPU pool
    document["config"]["synapse-dl:sparkPools"] = [
        {**copy.deepcopy(template), "name": f"pool{i}"} for i in range(pools)
    ]
    # The bundled jobs target the dev GPU pool, which generated stacks do not have.
    del document["config"]["synapse-dl:jobs"]
    return document


def plan_seconds(stack_file: Path) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "synapse_dl", "plan", "--stack-file", str(stack_file)],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    print(f"offline plan wall time, median of {REPEATS} runs")
    print(f"  dev stack: {plan_seconds(ROOT / 'Pulumi.dev.yaml'):.2f} s (target <= 3 s)")
    seconds = {}
    with tempfile.TemporaryDirectory() as folder:
        for pools in (1, 10, 100):
            stack_file = Path(folder) / f"Pulumi.scale{pools}.yaml"
            stack_file.write_text(yaml.safe_dump(generated_stack(pools)))
            seconds[pools] = plan_seconds(stack_file)
            print(f"  {pools:>3} pools: {seconds[pools]:.2f} s")
    # Fixed start-up cost aside, each pool should cost about the same.
    print(
        f"  marginal cost per pool: 1->10 {(seconds[10] - seconds[1]) / 9 * 1000:.1f} ms, "
        f"10->100 {(seconds[100] - seconds[10]) / 90 * 1000:.1f} ms"
    )
    print("  target: 100 pools <= 10 s, growth linear in pools")


if __name__ == "__main__":
    main()
