"""A distribution file's size and hash, as the preflight and `synapse-dl packages` learn them:
by a HEAD request (never downloading the file for its size), or reading it through once."""

from __future__ import annotations

import hashlib

import pytest

from synapse_dl.cli.preflight.index import download_size, file_digest
from tests.fakes.package_index import file_url, unreachable_index_url


def test_the_size_comes_from_a_head_request(index):
    wheel = index.add_wheel("helper", "2.1", payload_bytes=5000)

    with index.serve(credentials=("ci", "s3cret")) as url:
        size = download_size(file_url(url, wheel), url)

    assert size == wheel.stat().st_size
    assert index.requests == [("HEAD", f"/files/{wheel.name}")]


def test_a_link_with_its_own_credentials_keeps_them_whatever_host_the_index_is_on(index):
    wheel = index.add_wheel("helper", "2.1", payload_bytes=5000)

    with index.serve(credentials=("ci", "s3cret")) as url:
        # The file's link carries the credentials; the index that listed it is elsewhere.
        link = url.replace("/simple", f"/files/{wheel.name}")
        size = download_size(link, "https://other.example/simple")

    assert size == wheel.stat().st_size


@pytest.mark.parametrize("head_length", [None, "", "unknown"])
def test_an_index_that_does_not_say_the_size_gives_none(index, head_length):
    wheel = index.add_wheel("helper", "2.1")

    with index.serve(head_length=head_length) as url:
        assert download_size(file_url(url, wheel), url) is None


def test_an_index_that_does_not_answer_gives_no_size():
    url = unreachable_index_url()

    assert download_size(url.replace("/simple", "/files/helper-2.1-py3-none-any.whl")) is None


def test_a_local_index_gives_the_files_size_or_none(index):
    wheel = index.add_wheel("helper", "2.1", payload_bytes=300)

    assert download_size(wheel.as_uri()) == wheel.stat().st_size
    assert download_size(wheel.with_name("absent-1.0-py3-none-any.whl").as_uri()) is None


def test_the_digest_reads_the_file_through_with_the_index_credentials(index):
    # Over a MiB: read in more than one block.
    wheel = index.add_wheel("helper", "2.1", payload_bytes=3 * 2**20)
    expected = (hashlib.sha256(wheel.read_bytes()).hexdigest(), wheel.stat().st_size)

    with index.serve(credentials=("ci", "s3cret")) as url:
        assert file_digest(file_url(url, wheel), url) == expected

    assert index.requests == [("GET", f"/files/{wheel.name}")]
    assert file_digest(wheel.as_uri()) == expected
