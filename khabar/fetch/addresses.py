"""Which addresses ``khabar fetch`` may reach: public ones only, unless the operator lifts that.

Feeds and the pages they link are written by others, and a redirect can point anywhere. Without a guard, a feed
entry naming ``http://127.0.0.1:8000/…``, ``http://2130706433/`` or a public name whose DNS answers ``10.0.0.5``
would make khabar fetch an internal page and store it where anyone searching the archive can read it (server-side
request forgery). So every hop — the page, robots.txt, every redirect — passes two checks:

1. **Before the request**, the address as written (:func:`destination_problem`): only ``http``/``https``, and no
   host that spells a non-public IP address in any notation a resolver accepts (``127.1``, ``0x7f.1``,
   ``0177.0.0.1``, ``2130706433``, ``[::ffff:127.0.0.1]``, percent-encoded, with a trailing dot) or a
   ``localhost`` name. No DNS is asked: it is cheap, and it holds whatever transport the client is given.
2. **When connecting** (:class:`OutwardBackend`), the host name is resolved once with :func:`socket.getaddrinfo`,
   the connection is refused when *any* of the addresses is not public, and it is made to exactly the addresses
   that were checked — never to the name resolved a second time. That closes DNS rebinding (a first answer
   pointing outward for the check, a second one pointing inward for the connection). TLS is unaffected: httpcore
   sends SNI and verifies the certificate for the URL's host name, not for the address connected to.

Why a network backend: it is httpcore's extension point for how connections are opened (``network_backend=``),
so the check sits at the one place every connection passes through, as Go's ``net.Dialer.Control`` and the
``advocate`` library's patched ``create_connection`` (for requests) do. Rewriting each URL to the resolved IP with
a ``Host`` header and the ``sni_hostname`` extension would pin too, but it changes the URLs that redirects,
robots.txt and the archive see; the ready-made httpx guards (safehttpx, httpx-secure) are asynchronous only.

"Public" is :mod:`ipaddress`'s ``is_global``, with multicast, reserved and (IPv6) site-local addresses refused as
well, and an IPv4 address carried inside IPv6 (IPv4-mapped, NAT64, 6to4, Teredo) judged as that IPv4 address.
Proxies from the environment are not used (``trust_env=False`` in :mod:`khabar.fetch.http`): through a proxy the
address connected to would be the proxy's, and the destination could not be checked.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

WEB_SCHEMES = ("http", "https")
HINT = "khabar fetch reaches only public addresses (--allow-private-hosts lifts this)"
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052: the last 32 bits are an IPv4 address
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")  # RFC 8215: NAT64 inside one network


class RefusedAddress(Exception):
    """Raised by :class:`OutwardBackend` instead of connecting; the message says which address and why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (IPv4-mapped, NAT64, 6to4, Teredo's client), if any.

    >>> embedded_ipv4(ipaddress.IPv6Address("::ffff:127.0.0.1"))
    IPv4Address('127.0.0.1')
    >>> embedded_ipv4(ipaddress.IPv6Address("2002:a00:1::"))
    IPv4Address('10.0.0.1')
    """
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    return None


def non_public_kind(address: IPAddress) -> str | None:
    """What makes ``address`` non-public ("a loopback address", …), or None when khabar may connect to it.

    >>> non_public_kind(ipaddress.ip_address("10.1.2.3"))
    'a private address'
    >>> non_public_kind(ipaddress.ip_address("::ffff:127.0.0.1"))
    'a loopback address (127.0.0.1 inside IPv6)'
    >>> non_public_kind(ipaddress.ip_address("8.8.8.8")) is None
    True
    """
    if isinstance(address, ipaddress.IPv6Address):
        if address in _NAT64_LOCAL:
            return "a local-use NAT64 address"
        inner = embedded_ipv4(address)
        if inner is not None:
            kind = non_public_kind(inner)
            if kind is not None:
                return f"{kind} ({inner} inside IPv6)"
            if address.ipv4_mapped is not None or address in _NAT64:
                return None  # only a way of writing a public IPv4 address
        if address.is_site_local:
            return "a site-local address"
    kinds = (
        (address.is_unspecified, "an unspecified address (it means this machine)"),
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.is_private, "a private address"),
        (address.is_reserved, "a reserved address"),
        (not address.is_global, "an address that is not globally routable"),
    )
    return next((kind for matches, kind in kinds if matches), None)


def literal_address(host: str) -> IPAddress | None:
    """The IP address ``host`` spells, in any notation a resolver accepts, or None when it is a name.

    IPv4 may be written as a resolver's ``inet_aton`` reads it: decimal, octal or hexadecimal parts, and fewer
    than four of them (``127.1``, ``0x7f.1``, ``0177.0.0.1``, ``2130706433``). Percent-encoding, brackets, an
    IPv6 zone, a trailing dot and upper case are undone first.

    >>> literal_address("0x7f.1"), literal_address("[::1]"), literal_address("news.example")
    (IPv4Address('127.0.0.1'), IPv6Address('::1'), None)
    """
    text = unquote(host).strip().rstrip(".").lower()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if ":" in text:
        text = text.split("%", 1)[0]  # an IPv6 zone: fe80::1%eth0
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    if ":" in text or not text:
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(text))
    except (OSError, ValueError):  # ValueError: an embedded NUL
        return None


def host_problem(host: str) -> str | None:
    """Why a host *as written* is refused (a non-public IP literal or a ``localhost`` name), else None."""
    name = unquote(host).strip().rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return f"refused: {host} is a loopback name; {HINT}"
    address = literal_address(host)
    kind = None if address is None else non_public_kind(address)
    if kind is None:
        return None
    spelled_differently = isinstance(address, ipaddress.IPv4Address) and str(address) != host
    shown = f"{host} ({address})" if spelled_differently else host
    return f"refused: {shown} is {kind}; {HINT}"


def destination_problem(url: str, *, allow_private_hosts: bool = False) -> str | None:
    """Why khabar must not request ``url`` as written, or None when it may try (names are checked on connecting).

    The host is read the way httpx will read it, so the check and the request cannot disagree on what it is.
    """
    try:
        parsed = httpx.URL(url)
        scheme, host = parsed.scheme, parsed.host
    except httpx.InvalidURL as error:
        parts = urlsplit(url)
        scheme, host = parts.scheme.lower(), parts.hostname or ""
        if scheme in WEB_SCHEMES and host and not allow_private_hosts and (problem := host_problem(host)):
            return problem
        return f"not a valid address: {error}"
    if scheme not in WEB_SCHEMES:
        written = f"not {scheme}:" if scheme else "and this one has no scheme"
        return f"khabar fetches only http:// and https:// addresses, {written}"
    if not host:
        return "not a valid address: no host"
    problem = None if allow_private_hosts else host_problem(host)
    if (
        problem is None and "%" in host and ":" not in host
    ):  # no DNS name holds a %: it would fail, then be retried
        return f"not a valid address: the host name {host!r} is percent-encoded"
    return problem


def public_addresses(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, when all of them are public; else :class:`RefusedAddress`.

    One lookup: the caller connects to these addresses, so a second DNS answer cannot differ from the checked one.
    A name that cannot be resolved is a connection error (worth retrying), as it would be without the check.
    """
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise httpcore.ConnectError(f"cannot resolve {host}: {error}") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    for written in addresses:
        kind = non_public_kind(ipaddress.ip_address(written.split("%", 1)[0]))
        if kind is not None:
            shown = written if written == host else f"the address {written} of {host}"
            raise RefusedAddress(f"refused: {shown} is {kind}; {HINT}")
    return addresses


class OutwardBackend(httpcore.SyncBackend):
    """httpcore's network backend, connecting only to public addresses, and only to those it checked."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        failure: Exception | None = None
        for address in public_addresses(host, port):
            try:  # an IP address: the parent's create_connection asks no DNS again
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
        raise failure or httpcore.ConnectError(f"{host} has no address")


class OutwardTransport(httpx.HTTPTransport):
    """httpx's own transport, opening its connections through :class:`OutwardBackend`."""

    def __init__(self) -> None:
        context = httpx.create_ssl_context()
        super().__init__(verify=context)
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)  # httpx's defaults
        self._pool = httpcore.ConnectionPool(
            ssl_context=context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=OutwardBackend(),
        )


def transport_for(*, allow_private_hosts: bool) -> httpx.BaseTransport:
    """The transport a fetching client uses: outward-only unless private hosts are allowed."""
    return httpx.HTTPTransport() if allow_private_hosts else OutwardTransport()
