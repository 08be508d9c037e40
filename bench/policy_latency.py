"""Policy pack latency: start-up, and Analyze calls over gRPC as the engine makes them.

Targets (issue 3): start-up <= 1 s, median <= 1 ms and p99 <= 5 ms per Analyze call.
Run: .venv/bin/python bench/policy_latency.py [--calls 1000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from synapse_dl.engine.analyzer import PolicyPackSession  # noqa: E402
from tests.policies.policy_resources import (  # noqa: E402
    cpu_pool,
    firewall_rule,
    gpu_pool,
    pool_libraries,
    spark_job,
    stack,
    storage_account,
    workspace,
)


def _mix() -> list[dict]:
    """Passing and failing resources of every type the pack judges."""
    return [
        gpu_pool(),
        gpu_pool("badgpu", location="West Europe", nodeSize="Medium", sparkVersion="3.4"),
        cpu_pool(),
        cpu_pool("bigpool", autoScale={"maxNodeCount": 50}, autoPause={"enabled": False}),
        pool_libraries("gpupool"),
        pool_libraries("cpupool", content="numpy\npandas>=1.5\n"),
        workspace(),
        workspace("open-ws", publicNetworkAccess="Enabled", azureADOnlyAuthentication=False),
        firewall_rule("AllowAllWindowsAzureIps", "0.0.0.0", "0.0.0.0"),
        firewall_rule("allowAll", "0.0.0.0", "255.255.255.255"),
        storage_account(),
        storage_account("weak", isHnsEnabled=False),
        spark_job("train"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=50)
    args = parser.parse_args()

    started = time.perf_counter()
    with PolicyPackSession() as pack:
        configured_s = time.perf_counter() - started
        mix = _mix()
        for i in range(args.warmup):
            pack.analyze(mix[i % len(mix)])
        timings_ms = []
        for i in range(args.calls):
            resource = mix[i % len(mix)]
            t0 = time.perf_counter()
            pack.analyze(resource)
            timings_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        pack.analyze_stack([stack(), *mix])
        stack_ms = (time.perf_counter() - t0) * 1000

    timings_ms.sort()
    p99 = timings_ms[max(0, int(len(timings_ms) * 0.99) - 1)]
    print(f"pack start-up (launch to port): {pack.process.startup_s:.3f} s  (target <= 1 s)")
    print(f"start-up to configured (+ GetAnalyzerInfo, Configure): {configured_s:.3f} s")
    print(
        f"Analyze x {args.calls} ({len(mix)} resource kinds, after {args.warmup} warm-up calls): "
        f"median {statistics.median(timings_ms):.3f} ms (target <= 1), "
        f"p99 {p99:.3f} ms (target <= 5), max {timings_ms[-1]:.3f} ms"
    )
    print(f"AnalyzeStack over {len(mix) + 1} resources: {stack_ms:.3f} ms")


if __name__ == "__main__":
    main()
