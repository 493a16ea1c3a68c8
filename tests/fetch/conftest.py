"""A news site on 127.0.0.1 serving the fixture feeds and pages, and a fake clock for the polite client.

khabar fetch reaches only public addresses by default; the clients here are made with ``allow_private_hosts``
so that they may reach this site (tests of the guard itself make theirs without it).

The site serves ``tests/fetch/fixtures`` with an ETag and a Last-Modified on every file (and 304 to a matching
conditional request), answers 500 to the first requests of ``flaky`` paths, 500 always to ``down`` paths, 404 to
missing files, and redirects ``redirects``. Every request is recorded with its headers. Nothing leaves the machine.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

FIXTURES = Path(__file__).parent / "fixtures"
LAST_MODIFIED = formatdate(1_755_000_000, usegmt=True)
CONTENT_TYPES = {
    ".xml": "application/xml",
    ".html": "text/html",  # no charset: the pages declare their own (or not)
    ".txt": "text/plain",
}


@dataclass
class Site:
    """The test site's state; tests change it to make pages fail, recover or move."""

    root: Path = FIXTURES
    port: int = 0
    flaky: dict[str, int] = field(default_factory=lambda: {"/flaky/3.html": 2})  # path → 500s still to send
    down: set[str] = field(default_factory=set)  # paths that always answer 500
    redirects: dict[str, str] = field(default_factory=dict)
    extra: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)  # path → status, type, body
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]

    def headers_of(self, path: str) -> list[dict[str, str]]:
        return [headers for seen, headers in self.requests if seen == path]


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            path = self.path.split("?", 1)[0]
            with site.lock:
                site.requests.append((path, {key.lower(): value for key, value in self.headers.items()}))
                flaky = site.flaky.get(path, 0)
                if flaky:
                    site.flaky[path] = flaky - 1
            if flaky or path in site.down:
                return self._send(500, "text/plain", b"server error")
            if path in site.redirects:
                self.send_response(301)
                self.send_header("Location", site.redirects[path])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            if path in site.extra:
                return self._send(*site.extra[path])
            file = (site.root / path.lstrip("/")).resolve()
            if site.root not in file.parents or not file.is_file():
                return self._send(404, "text/plain", b"not found")
            body = file.read_bytes()
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return None
            kind = CONTENT_TYPES.get(file.suffix, "application/octet-stream")
            return self._send(200, kind, body, {"ETag": etag, "Last-Modified": LAST_MODIFIED})

        def _send(self, status: int, kind: str, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - keep test output quiet
            pass

    return Handler


@pytest.fixture
def site():
    state = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


class FakeTime:
    """A clock that only moves when the client sleeps, so rate limits and backoff are checked without waiting."""

    def __init__(self) -> None:
        self.now = 1_000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class RecordingTransport(httpx.BaseTransport):
    """Passes requests on, noting the fake time each one was sent at."""

    def __init__(self, clock: FakeTime, inner: httpx.BaseTransport | None = None) -> None:
        self.clock = clock
        self.inner = inner or httpx.HTTPTransport()
        self.sent: list[tuple[float, str]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append((self.clock.now, str(request.url)))
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def polite(fake_time):
    """A polite client (default politeness, but allowed to reach 127.0.0.1), on the fake clock, noting when it sends.

    Without ``inner``, requests go through the transport khabar itself would use for that politeness.
    """
    from khabar.fetch.addresses import transport_for
    from khabar.fetch.http import PoliteClient, Politeness

    def make(politeness: Politeness | None = None, inner: httpx.BaseTransport | None = None) -> PoliteClient:
        politeness = politeness or Politeness(allow_private_hosts=True)
        inner = inner or transport_for(allow_private_hosts=politeness.allow_private_hosts)
        transport = RecordingTransport(fake_time, inner)
        return PoliteClient(politeness, transport=transport, clock=fake_time.clock, sleep=fake_time.sleep)

    return make
