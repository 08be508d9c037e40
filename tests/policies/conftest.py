"""One pack process for the session, reset to its default config before each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from synapse_dl.engine.analyzer import PolicyPackSession


@pytest.fixture(scope="session")
def pack_session() -> Iterator[PolicyPackSession]:
    with PolicyPackSession() as session:
        yield session


@pytest.fixture
def pack(pack_session: PolicyPackSession) -> PolicyPackSession:
    pack_session.configure()  # defaults: no config from an earlier test leaks in
    return pack_session
