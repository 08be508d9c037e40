"""A PEP 503 package index on 127.0.0.1, with distributions made on the fly.

Wheels are real zip files with the metadata pip reads (METADATA, WHEEL, RECORD), so pip resolves
against this index exactly as against PyPI; the project pages carry `data-requires-python` as
PyPI's do.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import socket
import tarfile
import threading
import urllib.parse
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from packaging.utils import canonicalize_name


class _QuietHandler(SimpleHTTPRequestHandler):
    # "Basic <base64 user:password>" that every request must carry, or None (open index).
    authorization: str | None = None
    # What a HEAD answer says as Content-Length: the file's size (True), nothing (None), or
    # this text (an index behind a proxy may say either).
    head_length: bool | str | None = True
    requests: list[tuple[str, str]]
    # PEP 691: project pages as JSON to a client whose Accept names the JSON type, as PyPI
    # answers (None: HTML only, as a plain PEP 503 index). The paths so answered are logged.
    json_pages: dict[str, list[tuple[str, str | None, bool]]] | None = None
    json_served: list[str]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def send_header(self, keyword: str, value: str) -> None:
        if self.command == "HEAD" and keyword == "Content-Length":
            if self.head_length is None:
                return
            if isinstance(self.head_length, str):
                value = self.head_length
        super().send_header(keyword, value)

    def send_head(self):  # type: ignore[no-untyped-def]  # serves GET and HEAD
        self.requests.append((self.command, self.path))
        if self.authorization and self.headers.get("Authorization") != self.authorization:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="index"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        project = self.path.removeprefix("/simple/").strip("/")
        if (
            self.json_pages is not None
            and project in self.json_pages
            and _JSON_TYPE in self.headers.get("Accept", "")
        ):
            return self._send_json(project, self.json_pages[project])
        return super().send_head()

    def _send_json(self, project: str, files: list[tuple[str, str | None, bool]]) -> io.BytesIO:
        document = {
            "meta": {"api-version": "1.1"},
            "name": project,
            "files": [
                {"filename": file, "url": f"../../files/{file}", "hashes": {}, "yanked": yanked}
                | ({"requires-python": python} if python else {})
                for file, python, yanked in files
            ],
        }
        body = json.dumps(document).encode()
        self.json_served.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", _JSON_TYPE)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


_JSON_TYPE = "application/vnd.pypi.simple.v1+json"


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


class PackageIndex:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = root / "files"
        self.files.mkdir(parents=True, exist_ok=True)
        # canonical name -> [(filename, requires_python, yanked)]
        self.projects: dict[str, list[tuple[str, str | None, bool]]] = {}
        # (method, path) of each request served, in order.
        self.requests: list[tuple[str, str]] = []
        # The project pages answered as PEP 691 JSON (serve(json_pages=True)).
        self.json_served: list[str] = []

    def add_wheel(
        self,
        name: str,
        version: str,
        tag: str = "py3-none-any",
        requires: tuple[str, ...] = (),
        requires_python: str | None = None,
        payload_bytes: int = 0,
        yanked: bool = False,
    ) -> Path:
        """A wheel, listed on its project's page; `yanked` marks it so there (PEP 592): pip
        then takes it only for a requirement pinned with ==."""
        module = name.replace("-", "_")
        dist_info = f"{module}-{version}.dist-info"
        metadata = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
        metadata += [f"Requires-Dist: {r}" for r in requires]
        if requires_python:
            metadata.append(f"Requires-Python: {requires_python}")
        members = {
            f"{module}/__init__.py": b"# " + b"x" * payload_bytes + b"\n",
            f"{dist_info}/METADATA": ("\n".join(metadata) + "\n").encode(),
            f"{dist_info}/WHEEL": (
                f"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: {tag}\n"
            ).encode(),
        }
        record = [_record_line(path, data) for path, data in members.items()]
        record.append(f"{dist_info}/RECORD,,")
        members[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
        path = self.files / f"{module}-{version}-{tag}.whl"
        with zipfile.ZipFile(path, "w") as wheel:
            for member, data in members.items():
                wheel.writestr(member, data)
        self._list(name, (path.name, requires_python, yanked))
        return path

    def add_sdist(self, name: str, version: str) -> Path:
        module = name.replace("-", "_")
        path = self.files / f"{module}-{version}.tar.gz"
        data = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
        with tarfile.open(path, "w:gz") as sdist:
            info = tarfile.TarInfo(f"{module}-{version}/PKG-INFO")
            info.size = len(data)
            sdist.addfile(info, io.BytesIO(data))
        self._list(name, (path.name, None, False))
        return path

    def add_empty_project(self, name: str) -> None:
        """A project page that lists no file, as an index shows a project whose files were
        all deleted."""
        self._list(name, None)

    def _list(self, name: str, entry: tuple[str, str | None, bool] | None) -> None:
        project = canonicalize_name(name)
        entries = self.projects.setdefault(project, [])
        if entry is not None:
            entries.append(entry)
        anchors = []
        for file, python, yanked in entries:
            attribute = f' data-requires-python="{html.escape(python)}"' if python else ""
            attribute += ' data-yanked=""' if yanked else ""
            anchors.append(f'<a href="../../files/{file}"{attribute}>{file}</a><br>')
        page = self.root / "simple" / project / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text("<!DOCTYPE html><html><body>\n" + "\n".join(anchors) + "\n</body></html>\n")

    @contextmanager
    def serve(
        self,
        credentials: tuple[str, str] | None = None,
        head_length: bool | str | None = True,
        json_pages: bool = False,
    ) -> Iterator[str]:
        """The index URL (`http://127.0.0.1:<port>/simple`) while the server runs. With
        credentials, a private index: a request without them is answered 401, and the URL
        carries them as `user:password@`, as pip takes them. With json_pages, project pages
        are PEP 691 JSON to a client that asks for it."""
        (self.root / "simple").mkdir(exist_ok=True)
        handler = type(
            "_Handler",
            (_QuietHandler,),
            {
                "authorization": None,
                "head_length": head_length,
                "requests": self.requests,
                "json_pages": self.projects if json_pages else None,
                "json_served": self.json_served,
            },
        )
        userinfo = ""
        if credentials is not None:
            token = base64.b64encode(":".join(credentials).encode()).decode()
            handler.authorization = f"Basic {token}"
            userinfo = "{}:{}@".format(*credentials)
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(self.root)))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://{userinfo}127.0.0.1:{server.server_address[1]}/simple"
        finally:
            server.shutdown()
            server.server_close()


def file_url(index_url: str, file: Path) -> str:
    """Where the served index (`serve()`'s URL) has the file, without its credentials: a
    download URL as pip's report gives it."""
    parts = urllib.parse.urlsplit(index_url.replace("/simple", f"/files/{file.name}"))
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def unreachable_index_url() -> str:
    """An index URL on a 127.0.0.1 port that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/simple"


@contextmanager
def silent_index_url() -> Iterator[str]:
    """An index URL on a 127.0.0.1 port that takes the connection (the listen backlog) and
    never answers, for the `with` block."""
    with socket.create_server(("127.0.0.1", 0)) as silent:
        yield f"http://127.0.0.1:{silent.getsockname()[1]}/simple"
