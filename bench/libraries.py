"""Library preflight and workspace-package uploads, timed.

1. The preflight of each pool of a stack (every pool resolved by pip, a locked one too), side
   by side: pip with its cache empty (cold), pip with it filled (warm: the path before the
   verdict cache), and the verdict cache (warm: what a second check runs), against the index
   the pools install from (PIP_INDEX_URL, else PyPI; `--index-url`). Skipped, and said so,
   when the index does not answer.
2. Uploads of workspace packages of 1, 9 and 40 MiB through the provider against the local
   Synapse data plane (tests/fakes/synapse_server.py, HTTPS): MiB/s and HTTP calls per MiB,
   then the same packages again, which must cost no upload (targets: warm preflight <= 2 s a
   pool; an unchanged package costs no upload).

    python bench/libraries.py [--stack dev] [--index-url URL]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

import trustme

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from synapse_dl.cli.preflight.check import preflight_pool  # noqa: E402
from synapse_dl.cli.preflight.index import (  # noqa: E402
    DEFAULT_INDEX,
    IndexUnreachableError,
    check_reachable,
    display_url,
)
from synapse_dl.config.stack_file import read_stack_file  # noqa: E402
from synapse_dl.providers.workspace_package import WorkspacePackageProvider  # noqa: E402
from tests.fakes.credentials import FakeCredential  # noqa: E402
from tests.fakes.https_server import ServedFake, trusted_ca  # noqa: E402
from tests.fakes.synapse_server import FakeSynapse  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SIZES_MIB = (1, 9, 40)


def bench_preflight(stack: str, index_url: str) -> None:
    try:
        check_reachable(index_url)
    except IndexUnreachableError as error:
        print(f"preflight: not measured, no package index answers ({error})")
        return
    config = read_stack_file(ROOT / f"Pulumi.{stack}.yaml")
    print(f"preflight of stack {stack} against {display_url(index_url)}")
    with tempfile.TemporaryDirectory(prefix="bench-cache-") as cache:
        # The verdict cache of this run only: the first check fills it.
        os.environ["SYNAPSE_DL_CACHE"] = str(Path(cache) / "synapse-dl")
        pip_cache = Path(cache) / "pip"
        for pool in config.spark_pools:
            times = []
            for fresh in (True, True, False):
                start = time.perf_counter()
                verdict = preflight_pool(pool, index_url, pip_cache, fresh=fresh)
                times.append(time.perf_counter() - start)
            print(
                f"  {pool.name} (Spark {pool.spark_version}): pip cold {times[0]:.2f} s, "
                f"pip warm {times[1]:.2f} s, verdict cache {times[2]:.2f} s; {verdict.outcome()}"
            )


def _props(endpoint: str, wheel: Path, sha256: str) -> dict:
    return {
        "workspaceName": "synw-bench",
        "endpoint": endpoint,
        "name": f"bench_{wheel.stem}-1.0-0{sha256[:12]}-py3-none-any.whl",
        "sha256": sha256,
        "source": str(wheel),
        "customLibrary": None,
    }


def bench_uploads() -> None:
    ca = trustme.CA()
    with trusted_ca(ca) as folder:
        fake = FakeSynapse()
        fake.packages.polls_before_done = 0
        provider = WorkspacePackageProvider(credential_factory=FakeCredential)
        with ServedFake(fake, ca):
            print("workspace-package uploads against the local data plane (HTTPS)")
            for mib in SIZES_MIB:
                wheel = folder / f"p{mib}.whl"
                wheel.write_bytes(os.urandom(mib * 2**20))
                sha256 = hashlib.sha256(wheel.read_bytes()).hexdigest()
                props = _props(fake.base_url, wheel, sha256)
                fake.requests.clear()
                start = time.perf_counter()
                created = provider.create(props)
                took = time.perf_counter() - start
                calls = len(fake.requests)
                print(
                    f"  {mib:>2} MiB: {mib / took:6.1f} MiB/s, {calls} calls "
                    f"({calls / mib:.2f} per MiB)"
                )
                # Unchanged: the engine diffs locally; a fresh create finds it complete.
                fake.requests.clear()
                diff = provider.diff(created.id, created.outs, dict(props))
                provider.create(props)
                puts = [p for m, p in fake.requests if m == "PUT"]  # a create or an append
                print(
                    f"      unchanged: diff changes={diff.changes}; created again: "
                    f"{len(fake.requests)} calls, {len(puts)} uploads"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack", default="dev")
    parser.add_argument("--index-url", default=os.environ.get("PIP_INDEX_URL", DEFAULT_INDEX))
    args = parser.parse_args()
    bench_preflight(args.stack, args.index_url)
    bench_uploads()


if __name__ == "__main__":
    main()
