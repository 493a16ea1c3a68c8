"""Who may change the archive through the server, and the headers every answer carries.

Reading is open to whoever can reach the server; every request that may change state (any method but GET, HEAD
and OPTIONS, on any path, so a route added later is covered too) passes :class:`WriteGuard` first:

* writes are refused outright (403) on a read-only server;
* a request sent by a page of another site (its ``Origin`` or ``Referer`` is not this server, or the browser says
  ``Sec-Fetch-Site: cross-site``) is refused (403) even with a token: a web page the user happens to visit cannot
  post to their archive on 127.0.0.1;
* otherwise ``Authorization: Bearer <token>`` must carry the server's token (401 with ``WWW-Authenticate: Bearer``
  when it is missing or wrong), compared in constant time.

Scripts and curl send no ``Origin`` and are let through on the token alone. :class:`SecurityHeaders` wraps the
whole application, so pages, JSON, static files, 404s and 500s all carry the same headers.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import math
import secrets
from dataclasses import dataclass
from typing import TypedDict
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MEGABYTE = 1024 * 1024

# The pages use no script and no inline style; the vendored Swagger UI at /docs loads its script and its start-up
# code (static/swagger-init.js) from this server and fetches /openapi.json. Nothing may frame any of it.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = tuple(
    (name.lower().encode("latin-1"), value.encode("latin-1"))
    for name, value in {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
    }.items()
)


class ServerOptions(TypedDict, total=False):
    """The keyword arguments of :meth:`ServerSettings.of`, for callers that pass them on (``create_app``)."""

    token: str | None
    read_only: bool | None
    allow_private_hosts: bool
    max_body_mb: float
    max_json_mb: float
    allowed_hosts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """What ``khabar serve`` (or a test) decides about writes and request sizes.

    ``token``: the secret a write must carry; ``read_only``: writes refused whatever is sent (the default when
    there is no token, so an app built without one never accepts a write); ``allow_private_hosts``: the feed
    fetcher may reach loopback and private addresses (tests' local sites); the largest request body (an upload
    to /api/ingest) and the largest body of any other request, in megabytes; ``allowed_hosts``: the host names
    a request may be addressed to (see :func:`loopback_names`).
    """

    token: str | None = None
    read_only: bool = True
    allow_private_hosts: bool = False
    max_body_mb: float = 50.0
    max_json_mb: float = 10.0
    allowed_hosts: tuple[str, ...] = ()  # the names a request's Host may give; empty: any

    @classmethod
    def of(
        cls,
        *,
        token: str | None = None,
        read_only: bool | None = None,
        allow_private_hosts: bool = False,
        max_body_mb: float = 50.0,
        max_json_mb: float = 10.0,
        allowed_hosts: tuple[str, ...] = (),
    ) -> ServerSettings:
        """Settings with ``read_only`` defaulting to "no token given"; a writable server needs a token."""
        token = token or None
        if read_only is None:
            read_only = token is None
        if not read_only and token is None:
            raise ValueError("a server that accepts writes needs a token (or read_only=True)")
        if not all(0 < limit < math.inf for limit in (max_body_mb, max_json_mb)):
            raise ValueError("request body limits must be positive numbers of megabytes")
        hosts = tuple(host.strip("[]").lower() for host in allowed_hosts)
        return cls(token, read_only, allow_private_hosts, max_body_mb, max_json_mb, hosts)

    @property
    def max_body_bytes(self) -> int:
        return int(self.max_body_mb * MEGABYTE)

    @property
    def max_json_bytes(self) -> int:
        return int(min(self.max_json_mb, self.max_body_mb) * MEGABYTE)


def new_token() -> str:
    """A fresh random token (256 bits, URL-safe), as Jupyter makes one for a server started without one."""
    return secrets.token_urlsafe(32)


def is_loopback(host: str) -> bool:
    """Whether ``host`` (what ``khabar serve --host`` binds) is reachable from this machine only."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def loopback_names(host: str) -> tuple[str, ...]:
    """The names a server bound to loopback ``host`` answers to; none (any name) for other addresses.

    A page of another site can make the browser send requests to 127.0.0.1 under its own name, by pointing that
    name at 127.0.0.1 (DNS rebinding); to the browser they are then same-origin, and it lets the page read the
    answers. Such requests give the page's name in ``Host``, so refusing names but these stops them.
    """
    if not is_loopback(host):
        return ()
    return tuple(dict.fromkeys(["127.0.0.1", "localhost", "::1", host.strip("[]").lower()]))


def token_matches(authorization: str | None, token: str) -> bool:
    """Whether an ``Authorization`` header carries ``Bearer <token>``, compared in constant time."""
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode("utf-8"), token.encode("utf-8"))


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _host_and_port(netloc: str, scheme: str) -> tuple[str, int | None]:
    """``(host, port)`` of a ``host[:port]``, the port defaulting to the scheme's; ``("", None)`` if malformed."""
    try:
        parts = urlsplit(f"//{netloc}")
        return (parts.hostname or "", parts.port or _DEFAULT_PORTS.get(scheme))
    except ValueError:
        return ("", None)


def same_origin(origin: str, host_header: str) -> bool:
    """Whether ``origin`` (``scheme://host[:port]``) names the server the request was sent to (its ``Host``).

    The scheme is not compared, only host and port: behind a TLS proxy the browser's origin is ``https://…``
    while the server itself speaks plain HTTP, and the proxy passes the ``Host`` header on.
    """
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    if parts.scheme not in _DEFAULT_PORTS or not parts.netloc:
        return False  # "null" (a sandboxed page, a file://), or not a web origin at all
    sender = _host_and_port(parts.netloc, parts.scheme)
    server = _host_and_port(host_header, parts.scheme)
    return bool(sender[0]) and sender == server


def foreign_sender(headers: Headers) -> str | None:
    """Why the request looks sent by another site's page, or ``None`` when it does not."""
    if headers.get("sec-fetch-site", "").lower() in ("cross-site", "same-site"):
        return "the browser says it was sent by another site's page"
    host = headers.get("host", "")
    origin = headers.get("origin")
    if origin is not None:
        return None if same_origin(origin, host) else f"it comes from another origin ({origin[:100]})"
    referer = headers.get("referer")
    if referer:
        return None if same_origin(referer, host) else "it comes from another site's page"
    return None


READ_ONLY_MESSAGE = (
    "this server is read-only: add articles with the khabar CLI (khabar ingest, khabar fetch), or restart "
    "khabar serve with a token (--token or KHABAR_TOKEN) and send it as 'Authorization: Bearer <token>'"
)
MISSING_TOKEN_MESSAGE = (
    "this request changes the archive and needs the server's token: send 'Authorization: Bearer <token>' "
    "(the token khabar serve printed when it started, or its --token / KHABAR_TOKEN)"
)
WRONG_TOKEN_MESSAGE = "the token is wrong: send the server's token as 'Authorization: Bearer <token>'"


class HostGuard:
    """Pure ASGI middleware: a request addressed (``Host``) to a name this server does not answer to is a 400."""

    def __init__(self, app: ASGIApp, allowed: tuple[str, ...]) -> None:
        self.app = app
        self.allowed = frozenset(allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.allowed:
            host = Headers(scope=scope).get("host", "")
            if _host_and_port(host, "http")[0] not in self.allowed:
                message = (
                    f"this server answers to {', '.join(sorted(self.allowed))} only, not {host[:100]!r}: "
                    "open it by one of those names (a page of another site may be trying to reach it)"
                )
                await send_json_error(send, 400, message)
                return
        await self.app(scope, receive, send)


class WriteGuard:
    """Pure ASGI middleware: a request that may change state needs the token, from this server's own pages."""

    def __init__(self, app: ASGIApp, settings: ServerSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        refusal = self.refusal(Headers(scope=scope))
        if refusal is None:
            await self.app(scope, receive, send)
            return
        status, message, extra = refusal
        await send_json_error(send, status, message, extra)

    def refusal(self, headers: Headers) -> tuple[int, str, list[tuple[bytes, bytes]]] | None:
        """``(status, message, extra headers)`` for a write that may not pass, ``None`` for one that may."""
        if self.settings.read_only:
            return 403, READ_ONLY_MESSAGE, []
        if (why := foreign_sender(headers)) is not None:
            return 403, f"a cross-site request may not change the archive: {why}", []
        authorization = headers.get("authorization")
        if authorization is None:
            return 401, MISSING_TOKEN_MESSAGE, [(b"www-authenticate", b"Bearer")]
        assert self.settings.token is not None  # a server that is not read-only has one (ServerSettings.of)
        if not token_matches(authorization, self.settings.token):
            return 401, WRONG_TOKEN_MESSAGE, [(b"www-authenticate", b'Bearer error="invalid_token"')]
        return None


async def send_json_error(
    send: Send, status: int, message: str, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    """Answer ``{"error": message}`` straight from a middleware (the request's body is never read)."""
    body = json.dumps({"error": message}, ensure_ascii=False).encode("utf-8")
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode("latin-1")),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BodyTooLarge(HTTPException):
    """A request body over its limit. An ``HTTPException``, so FastAPI's body parsing lets it through as a 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            413,
            f"the request body is too large: at most {limit / MEGABYTE:g} MB here (khabar serve --max-body-mb "
            "sets it for uploads to /api/ingest, --max-json-mb for any other request)",
        )


class BodyLimit:
    """Pure ASGI middleware bounding request bodies: ``default`` bytes, or ``larger[path]`` on those paths.

    A declared ``Content-Length`` over the limit is answered at once, unread; a body without one (chunked) is
    counted as it streams in and refused the moment it passes the limit, so nothing larger is ever held.
    """

    def __init__(self, app: ASGIApp, default: int, larger: dict[str, int] | None = None) -> None:
        self.app = app
        self.default = default
        self.larger = larger or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(scope["path"], self.default)
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await send_json_error(send, 413, str(BodyTooLarge(limit).detail))
            return
        received = 0

        async def receive_within_limit() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, receive_within_limit, send)


class SecurityHeaders:
    """Pure ASGI middleware adding :data:`SECURITY_HEADERS` to every HTTP response that lacks them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message = {
                    **message,
                    "headers": [
                        *message.get("headers", []),
                        *(header for header in SECURITY_HEADERS if header[0] not in present),
                    ],
                }
            await send(message)

        await self.app(scope, receive, send_with_headers)


@dataclass(frozen=True, slots=True)
class WriteAccess:
    """How ``khabar serve`` treats writes: the token they need (``None``: refused), and why, for its banner."""

    token: str | None
    read_only: bool
    reason: str  # "read-only", "not-loopback", "generated" or "given"


def write_access(host: str, token: str | None, read_only: bool) -> WriteAccess:
    """Decide writes for a server bound to ``host``: safe by default.

    ``--read-only`` wins; a given token is used; without one, a server reachable from other machines is
    read-only, and one on this machine only makes a random token, so that writes always need one and a web page
    the user visits cannot write to their archive.
    """
    if read_only:
        return WriteAccess(None, True, "read-only")
    if token:
        return WriteAccess(token, False, "given")
    if not is_loopback(host):
        return WriteAccess(None, True, "not-loopback")
    return WriteAccess(new_token(), False, "generated")
