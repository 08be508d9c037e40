"""Serve a fake Azure endpoint over HTTPS on 127.0.0.1 with a trustme certificate.

A fake is any object with `base_url` (set here) and
`handle(method, path, query, body, authorization, *, headers) -> (status, headers, payload)`; each
request's User-Agent is kept in its `user_agents` (set here too).
"""

from __future__ import annotations

import json
import os
import ssl
import tempfile
import threading
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

Answer = tuple[int, dict[str, str], Any]


def error_body(code: str, message: str) -> dict[str, Any]:
    """Azure's error shape: {"error": {"code", "message"}}."""
    return {"error": {"code": code, "message": message}}


class Faults:
    """Faults queued per HTTP method; a fake serves them before its own answer."""

    def __init__(self) -> None:
        self._queued: defaultdict[str, deque[Answer]] = defaultdict(deque)

    def add(self, method: str, status: int, headers: dict | None = None, body: Any = None):
        answer = body or error_body("Fault", "injected fault")
        self._queued[method].append((status, headers or {}, answer))

    def next(self, method: str) -> Answer | None:
        queued = self._queued[method]
        return queued.popleft() if queued else None


def _handler(fake: Any) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            # JSON as JSON; an upload's bytes (a package's chunk, a file) as they are.
            is_json = "json" in (self.headers.get("Content-Type") or "")
            body = (json.loads(raw) if is_json else raw) if raw else None
            url = urlsplit(self.path)
            fake.user_agents.append(self.headers.get("User-Agent", ""))
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            status, headers, payload = fake.handle(
                self.command,
                url.path,
                query,
                body,
                self.headers.get("Authorization"),
                headers=dict(self.headers.items()),
            )
            # Bytes go as they are (a gateway's HTML page); anything else as JSON.
            as_is = isinstance(payload, bytes)
            data = payload if as_is else b"" if payload is None else json.dumps(payload).encode()
            self.send_response(status)
            if "Content-Type" not in headers:
                self.send_header("Content-Type", "text/html" if as_is else "application/json")
            if "Content-Length" not in headers:
                self.send_header("Content-Length", str(len(data)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _serve

        def log_message(self, *_: Any) -> None:
            pass

    return Handler


class ServedFake:
    """`with ServedFake(fake, ca) as fake:` runs it on https://127.0.0.1:<free port>."""

    def __init__(self, fake: Any, ca: Any):
        self.fake = fake
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ca.issue_cert("127.0.0.1").configure_cert(context)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        fake.base_url = f"https://127.0.0.1:{self.server.server_address[1]}"
        fake.user_agents = []
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Any:
        self.thread.start()
        return self.fake

    def __exit__(self, *_: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def trusted_ca(ca: Any) -> Iterator[Path]:
    """A scratch folder, while `requests` (azure-core's transport) trusts `ca`'s certificates:
    for scripts outside pytest, whose tests use the `trusted_ca` fixture instead."""
    before = os.environ.get("REQUESTS_CA_BUNDLE")
    with tempfile.TemporaryDirectory() as folder:
        bundle = Path(folder) / "ca.pem"
        ca.cert_pem.write_to_path(str(bundle))
        os.environ["REQUESTS_CA_BUNDLE"] = str(bundle)
        try:
            yield Path(folder)
        finally:
            if before is None:
                del os.environ["REQUESTS_CA_BUNDLE"]
            else:
                os.environ["REQUESTS_CA_BUNDLE"] = before
