"""Create, then update, 50 Spark job definitions through the dynamic provider against a local
server that answers like the Synapse data plane (tests/fakes/synapse_server.py, HTTPS).

Prints definitions per second and HTTP calls per definition. Targets: one PUT and at most one
GET per created definition (plus polling of the long-running operation); zero calls for an
unchanged definition on update (the engine calls only `diff`, which is local).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import trustme

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from synapse_dl.providers.spark_job_definition import SparkJobDefinitionProvider  # noqa: E402
from tests.fakes.credentials import FakeCredential  # noqa: E402
from tests.fakes.https_server import ServedFake, trusted_ca  # noqa: E402
from tests.fakes.synapse_server import FakeSynapse  # noqa: E402

COUNT = 50


def props(endpoint: str, i: int, epochs: int) -> dict:
    return {
        "workspaceName": "synw-bench",
        "endpoint": endpoint,
        "name": f"job{i:02d}",
        "description": "bench",
        "targetBigDataPool": "gpularge",
        "requiredSparkVersion": "3.2",
        "language": "python",
        "jobProperties": {
            "name": f"job{i:02d}",
            "file": f"abfss://synapse@stbench.dfs.core.windows.net/jobs/job{i:02d}/train.py",
            "args": ["--epochs", str(epochs)],
            "driverMemory": "30g",
            "driverCores": 4,
            "executorMemory": "60g",
            "executorCores": 12,
            "numExecutors": 3,
        },
    }


def per_definition(fake: FakeSynapse, method: str, prefix: str) -> float:
    return len(fake.calls(method, prefix)) / COUNT


def main() -> None:
    ca = trustme.CA()
    with trusted_ca(ca):
        fake = FakeSynapse()
        fake.polls_before_done = 0
        provider = SparkJobDefinitionProvider(credential_factory=FakeCredential)
        with ServedFake(fake, ca):
            start = time.perf_counter()
            for i in range(COUNT):
                provider.create(props(fake.base_url, i, epochs=5))
            created_in = time.perf_counter() - start
            print(f"create: {COUNT} definitions in {created_in:.2f} s, {COUNT / created_in:.1f}/s")
            puts = per_definition(fake, "PUT", "/sparkJobDefinitions/")
            gets = per_definition(fake, "GET", "/sparkJobDefinitions/")
            polls = per_definition(fake, "GET", "/operationResults/")
            print(f"  per definition: {puts:.2f} PUT, {gets:.2f} GET, {polls:.2f} polls")

            fake.requests.clear()
            updated = 0
            start = time.perf_counter()
            for i in range(COUNT):
                old, new = props(fake.base_url, i, 5), props(fake.base_url, i, 5)
                if provider.diff("id", old, new).changes:
                    provider.update("id", old, new)
                    updated += 1
            unchanged_in = time.perf_counter() - start
            print(
                f"update, nothing changed: {updated} updates, {len(fake.requests)} HTTP calls "
                f"in {unchanged_in * 1000:.1f} ms"
            )

            start = time.perf_counter()
            for i in range(COUNT):
                old, new = props(fake.base_url, i, 5), props(fake.base_url, i, 10)
                if provider.diff("id", old, new).changes:
                    provider.update("id", old, new)
            changed_in = time.perf_counter() - start
            print(
                f"update, args changed: {COUNT / changed_in:.1f}/s, "
                f"{len(fake.calls('PUT')) / COUNT:.2f} PUT per definition"
            )
    print("targets: 1 PUT and <= 1 GET per created definition (+ polls); 0 calls when unchanged")


if __name__ == "__main__":
    main()
