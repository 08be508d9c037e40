"""The preflight's first question: does the index answer at all (pip would report an
unreachable index as packages that do not exist)."""

from __future__ import annotations

import pytest

from synapse_dl.cli.preflight import index as preflight_index
from synapse_dl.cli.preflight.index import IndexUnreachableError, check_reachable
from tests.fakes.package_index import silent_index_url, unreachable_index_url


def test_an_index_that_answers_is_reachable_whatever_its_status(index):
    with index.serve(credentials=("ci", "s3cret")) as url:
        # Asked without its credentials, the private index answers 401: still an answer.
        check_reachable(url.replace("ci:s3cret@", ""))


def test_an_index_nothing_listens_for_is_unreachable():
    url = unreachable_index_url()

    with pytest.raises(IndexUnreachableError, match=r"^http://127\.0\.0\.1:\d+/simple: "):
        check_reachable(url)


def test_an_index_that_takes_the_connection_and_never_answers_is_given_up_on(monkeypatch):
    monkeypatch.setattr(preflight_index, "TIMEOUT_S", 0.5)
    with silent_index_url() as url, pytest.raises(IndexUnreachableError) as raised:
        check_reachable(url)

    assert str(raised.value) == f"{url}: timed out"
