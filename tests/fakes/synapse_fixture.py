"""pytest fixtures serving FakeSynapse over HTTPS, trusted by azure-core's transport."""

from __future__ import annotations

import pytest
import trustme

from components import spark_job_definition
from tests.fakes.credentials import static_credential
from tests.fakes.https_server import ServedFake
from tests.fakes.synapse_server import TOKEN, FakeSynapse

SYNAPSE_SCOPE = "https://dev.azuresynapse.net/.default"


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def synapse(ca: trustme.CA, tmp_path, monkeypatch: pytest.MonkeyPatch):
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    # azure-core's requests transport trusts this bundle as `requests` does.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    monkeypatch.setattr(
        spark_job_definition, "make_credential", static_credential(TOKEN, SYNAPSE_SCOPE)
    )
    with ServedFake(FakeSynapse(), ca) as served:
        yield served
