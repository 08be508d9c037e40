"""`synapse-dl pr-check --base REF` of every stack, timed: the pull-request check as a pipeline
runs it (each stack planned at REF and here, diffs, policies, library preflight, cost).

The first run starts with an empty cache (cold); the second (warm) has the preflight's
verdicts and the prices from the first. Prices come from a saved answer with made-up test
prices (this machine reaches no price API), so what is timed is everything but that request.
Target on the 2-core dev machine: warm <= 20 s for both stacks.

    python bench/pr_check.py [--base HEAD] [--index-url URL]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from synapse_dl.cli.preflight.index import DEFAULT_INDEX  # noqa: E402
from tests.fakes.retail_prices import item  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="HEAD")
    parser.add_argument("--index-url", default=os.environ.get("PIP_INDEX_URL", DEFAULT_INDEX))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-pr-check-") as folder:
        prices = Path(folder) / "prices.json"
        prices.write_text(json.dumps({"Items": [item(), item(armRegionName="eastus")]}))
        env = {**os.environ, "SYNAPSE_DL_CACHE": str(Path(folder) / "cache")}
        command = [sys.executable, "-m", "synapse_dl", "pr-check", "--base", args.base,
                   "--out", str(Path(folder) / "out"), "--prices", str(prices),
                   "--index-url", args.index_url, "--project-dir", str(ROOT)]  # fmt: skip
        for run in ("cold", "warm"):
            start = time.perf_counter()
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
            took = time.perf_counter() - start
            stacks = sorted(p.stem for p in (Path(folder) / "out").glob("*.base.json"))
            print(
                f"pr-check --base {args.base} ({len(stacks)} stacks: {', '.join(stacks)}), "
                f"{run}: {took:.1f} s, exit {done.returncode}"
            )


if __name__ == "__main__":
    main()
