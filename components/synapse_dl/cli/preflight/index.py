"""The package index the preflight resolves against: is it there, what does it hold.

pip does the resolving. This module only answers what pip's messages leave open: whether the
index answers at all (pip reports an unreachable index as a missing package), which files
a package has there (to say why none fits a pool), and how big a download is.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from packaging.utils import canonicalize_name

from synapse_dl.cli.argument_types import from_environment, index_url

DEFAULT_INDEX = "https://pypi.org/simple"
TIMEOUT_S = 15
# PEP 691: JSON from an index that serves it; PEP 503 HTML from any other.
_ACCEPT = "application/vnd.pypi.simple.v1+json, text/html;q=0.1"


def add_index_url_argument(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--index-url",
        type=index_url,
        help=f"{what} (default: $PIP_INDEX_URL or {DEFAULT_INDEX})",
    )


def check_index_url(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """`--index-url`, else $PIP_INDEX_URL (checked as the option is), else PyPI."""
    if args.index_url is None:
        args.index_url = from_environment(parser, "PIP_INDEX_URL", index_url) or DEFAULT_INDEX


class IndexUnreachableError(Exception):
    pass


def _without_credentials(url: str) -> tuple[str, str | None]:
    """(the URL without user:password@, a Basic Authorization header for them or None).

    A private index is often given as https://user:token@host/simple, as pip takes it;
    urllib does not read credentials from a URL."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None:
        return url, None
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    user = urllib.parse.unquote(parts.username)
    password = urllib.parse.unquote(parts.password or "")
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc)), f"Basic {token}"


def display_url(url: str) -> str:
    """The URL as it may be printed: its credentials, if any, as ****."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None:
        return url
    netloc = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"****@{netloc}"))


def _open(
    url: str, method: str = "GET", headers: dict[str, str] | None = None, auth_from: str = ""
):
    """urlopen, with the credentials of `auth_from` (the index URL) sent to its own host only:
    pip's report gives download URLs without them."""
    plain, authorization = _without_credentials(url)
    if authorization is None and auth_from:
        index_plain, index_authorization = _without_credentials(auth_from)
        same_host = urllib.parse.urlsplit(index_plain).netloc == urllib.parse.urlsplit(url).netloc
        authorization = index_authorization if same_host else None
    request = urllib.request.Request(plain, method=method, headers=headers or {})
    if authorization is not None:
        request.add_header("Authorization", authorization)
    return urllib.request.urlopen(request, timeout=TIMEOUT_S)


@dataclass(frozen=True)
class IndexFile:
    filename: str
    url: str
    requires_python: str | None


def _local_path(url: str) -> Path | None:
    parsed = urllib.parse.urlparse(url)
    return Path(urllib.request.url2pathname(parsed.path)) if parsed.scheme == "file" else None


def check_reachable(index_url: str) -> None:
    """Raises IndexUnreachableError unless the index answers (any HTTP status is an answer)."""
    local = _local_path(index_url)
    if local is not None:
        if not local.is_dir():
            raise IndexUnreachableError(f"{index_url}: no such folder")
        return
    try:
        with _open(index_url.rstrip("/") + "/", "HEAD"):
            return
    except urllib.error.HTTPError:
        return
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise IndexUnreachableError(f"{display_url(index_url)}: {reason}") from error


class _Anchors(HTMLParser):
    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base
        self.files: list[IndexFile] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        values = dict(attrs)
        href = values.get("href")
        if not href:
            return  # an anchor that links nowhere names no file
        # The file's URL without its `#sha256=...` fragment, relative links made absolute.
        url = urllib.parse.urljoin(self.base, href).split("#", 1)[0]
        filename = urllib.parse.unquote(url.rsplit("/", 1)[-1])
        self.files.append(IndexFile(filename, url, values.get("data-requires-python")))


def project_files(index_url: str, name: str) -> list[IndexFile] | None:
    """The files the index has for a project; None when it has no such project."""
    page_url = f"{index_url.rstrip('/')}/{canonicalize_name(name)}/"
    local = _local_path(page_url)
    if local is not None:
        page = local / "index.html"
        if not page.is_file():
            return None
        body, content_type = page.read_bytes(), "text/html"
    else:
        try:
            with _open(page_url, headers={"Accept": _ACCEPT}) as response:
                body = response.read()
                content_type = response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            raise
    if "json" in content_type:
        document = json.loads(body)
        return [
            IndexFile(
                f["filename"], urllib.parse.urljoin(page_url, f["url"]), f.get("requires-python")
            )
            for f in document["files"]
        ]
    parser = _Anchors(page_url)
    parser.feed(body.decode("utf-8", "replace"))
    return parser.files


def download_size(url: str, index_url: str = "") -> int | None:
    """Bytes at the URL, by a HEAD request (urllib gives a file: URL's size the same way);
    None when not told."""
    try:
        with _open(url, "HEAD", auth_from=index_url) as response:
            length = response.headers.get("Content-Length")
    except (urllib.error.URLError, TimeoutError, OSError):
        return None
    # ASCII digits only: Python's own digit test also takes '²', which int() refuses.
    return int(length) if length and re.fullmatch(r"[0-9]+", length) else None


def file_digest(url: str, index_url: str = "") -> tuple[str, int]:
    """(sha256, bytes) of the file at the URL, read through once: for an index that does not
    give a file's hash in its links."""
    digest, size = hashlib.sha256(), 0
    with _open(url, auth_from=index_url) as content:  # a file: URL too
        while block := content.read(2**20):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size
