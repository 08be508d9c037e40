"""pytest fixtures serving the fake ARM and Synapse endpoints over HTTPS on 127.0.0.1.

`arm`, `synapse` and `lake` (the data lake's blob endpoint) yield a running fake whose
certificate azure-core's transport trusts; `index` is a package index to fill and serve. The
code under test gets the fake's token from tests.fakes.credentials.FakeCredential, passed as
its credential factory.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import trustme

from tests.fakes import arm_server, blob_server, synapse_server
from tests.fakes.https_server import ServedFake
from tests.fakes.package_index import PackageIndex


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def trusted_ca(ca: trustme.CA, tmp_path, monkeypatch: pytest.MonkeyPatch) -> trustme.CA:
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    # azure-core's requests transport trusts this bundle as `requests` does.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    return ca


@pytest.fixture
def arm(trusted_ca: trustme.CA):
    with ServedFake(arm_server.FakeArm(), trusted_ca) as served:
        yield served


@pytest.fixture
def synapse(trusted_ca: trustme.CA):
    with ServedFake(synapse_server.FakeSynapse(), trusted_ca) as served:
        yield served


@pytest.fixture
def lake(trusted_ca: trustme.CA):
    with ServedFake(blob_server.FakeBlobStorage(), trusted_ca) as served:
        yield served


@pytest.fixture
def index(tmp_path: Path) -> PackageIndex:
    return PackageIndex(tmp_path / "index")
