"""khabar fetch reaches outward only: non-public addresses in every notation, names that resolve inward, redirects
inward and to other schemes are refused at once and for good — unless ``allow_private_hosts`` says otherwise.

Nothing here leaves the machine: public-looking names are answered by a patched ``socket.getaddrinfo``, public
hosts by mock transports, and the only server is the loopback test site.
"""

from __future__ import annotations

import ipaddress
import socket
from unittest import mock

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from khabar import service
from khabar.errors import InputError
from khabar.fetch.addresses import destination_problem, literal_address, non_public_kind
from khabar.fetch.http import FetchFailure, NotAllowed, PoliteClient, Politeness

REAL_GETADDRINFO = socket.getaddrinfo
PUBLIC = "93.184.215.14"  # some public address; nothing ever connects to it here

INWARD = [
    "http://127.0.0.1/",
    "http://127.0.0.1.:8000/news/1.html",  # trailing dot
    "http://localhost/",
    "http://LOCALHOST./",
    "http://news.localhost/",
    "http://2130706433/",  # decimal
    "http://0x7f000001/",  # hexadecimal
    "http://0177.0.0.1/",  # octal
    "http://0x7f.1/",
    "http://127.1/",  # short form
    "http://[::1]/",
    "http://[::]/",
    "http://0.0.0.0/",
    "http://0/",
    "http://[::ffff:127.0.0.1]/",  # IPv4-mapped IPv6
    "http://[::ffff:7f00:1]/",
    "http://[64:ff9b::10.0.0.1]/",  # NAT64
    "http://[2002:c0a8:101::1]/",  # 6to4 around 192.168.1.1
    "http://example.com@127.0.0.1/",  # userinfo
    "http://user:pass@10.0.0.5:8080/",
    "http://%31%32%37.0.0.1/",  # percent-encoded
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata, link-local
    "http://[fe80::1%25eth0]/",
    "http://[fd12:3456::1]/",
    "http://192.168.1.1/",
    "http://172.16.0.1/",
    "http://100.64.0.1/",  # shared address space
    "http://224.0.0.1/",  # multicast
    "http://[ff02::1]/",
    "http://240.0.0.1/",  # reserved
    "https://127.0.0.1:8443/",
]


def no_network(*args: object, **kwargs: object) -> object:
    raise AssertionError(f"no DNS lookup, connection or wait was expected: {args}")


def dns(answers: dict[str, list[str]]):
    """A getaddrinfo that answers these names with these addresses and reads IP addresses as the real one does."""
    calls: list[str] = []

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):  # noqa: A002 - socket's own names
        name = host.decode() if isinstance(host, bytes) else str(host)
        calls.append(name)
        if name in answers:
            return [
                (
                    socket.AF_INET6 if ":" in address else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (address, port, 0, 0) if ":" in address else (address, port),
                )
                for address in answers[name]
            ]
        return REAL_GETADDRINFO(host, port, family, type, proto, flags | socket.AI_NUMERICHOST)

    getaddrinfo.calls = calls  # type: ignore[attr-defined]
    return getaddrinfo


class Routes(httpx.BaseTransport):
    """Requests to ``public`` hosts go to a mock (a public site), all others to ``inner``."""

    def __init__(self, public: dict[str, httpx.MockTransport], inner: httpx.BaseTransport) -> None:
        self.public, self.inner = public, inner
        self.seen: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(str(request.url))
        site = self.public.get(request.url.host)
        return (site or self.inner).handle_request(request)


def redirecting_to(location: str) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(302, headers={"Location": location}))


def recording_client(fake_time) -> tuple[PoliteClient, list[httpx.Request]]:
    """A client on fake time whose every request that gets through is kept in the list (and answered 200)."""
    sent: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda request: sent.append(request) or httpx.Response(200))
    return PoliteClient(Politeness(), transport=transport, clock=fake_time.clock, sleep=fake_time.sleep), sent


# -- the address as written ------------------------------------------------------------------------------------
@pytest.mark.parametrize("url", INWARD)
def test_every_notation_of_an_inward_address_is_refused_without_a_connection(url, fake_time, monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    client, sent = recording_client(fake_time)
    with pytest.raises(NotAllowed) as caught:
        client.get(url)
    assert caught.value.reason.startswith("refused: ")
    assert caught.value.reason.endswith(
        "khabar fetch reaches only public addresses (--allow-private-hosts lifts this)"
    )
    assert not caught.value.transient
    assert sent == [] and fake_time.sleeps == []


def test_the_reason_names_the_address_and_what_it_is():
    assert destination_problem("http://0x7f.1/a") == (
        "refused: 0x7f.1 (127.0.0.1) is a loopback address; "
        "khabar fetch reaches only public addresses (--allow-private-hosts lifts this)"
    )
    assert destination_problem("http://[::ffff:10.1.2.3]/").startswith(
        "refused: ::ffff:10.1.2.3 is a private address (10.1.2.3 inside IPv6)"
    )
    assert destination_problem("http://169.254.169.254/").startswith(
        "refused: 169.254.169.254 is a link-local address"
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://news.example/rss",
        "https://8.8.8.8/",
        "http://0x08080808/",  # 8.8.8.8 in hexadecimal: odd, but public
        "http://[2606:4700:4700::1111]/",
        "http://[::ffff:8.8.8.8]/",
        "http://127.0.0.1.example/",
        "http://localhost.example/",
    ],
)
def test_public_addresses_and_names_pass_the_check_as_written(url):
    assert destination_problem(url) is None


def test_a_percent_encoded_name_is_not_a_valid_address():
    assert destination_problem("http://%6Eews.example/") == (
        "not a valid address: the host name '%6eews.example' is percent-encoded"
    )


def test_allow_private_hosts_lifts_the_check_but_not_the_scheme():
    assert destination_problem("http://127.0.0.1/", allow_private_hosts=True) is None
    assert destination_problem("file:///etc/passwd", allow_private_hosts=True).startswith(
        "khabar fetches only http:// and https:// addresses"
    )


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("127.0.0.1", "a loopback address"),
        ("::1", "a loopback address"),
        ("0.0.0.0", "an unspecified address (it means this machine)"),
        ("10.0.0.1", "a private address"),
        ("fe80::1", "a link-local address"),
        ("239.1.2.3", "a multicast address"),
        ("fec0::1", "a site-local address"),
        ("100.64.0.1", "an address that is not globally routable"),
        ("64:ff9b:1::a00:1", "a local-use NAT64 address"),
        ("2001:db8::1", "a private address"),  # documentation
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "a private address (192.0.2.45 inside IPv6)"),  # Teredo
        ("8.8.8.8", None),
        ("2a00:1450:4001::1", None),
    ],
)
def test_what_makes_an_address_non_public(written, kind):
    assert non_public_kind(ipaddress.ip_address(written)) == kind


# -- names, resolved when connecting -----------------------------------------------------------------------------
def test_a_public_looking_name_that_resolves_to_loopback_is_refused(site, polite, monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", dns({"news.example": ["127.0.0.1"]}))
    client = polite(Politeness(robots=False))
    with pytest.raises(NotAllowed) as caught:
        client.get(f"http://news.example:{site.port}/news/1.html")
    assert caught.value.reason == (
        "refused: the address 127.0.0.1 of news.example is a loopback address; "
        "khabar fetch reaches only public addresses (--allow-private-hosts lifts this)"
    )
    assert site.requests == []
    assert len(client.transport.sent) == 1  # one attempt, never retried


def test_a_name_refused_when_any_of_its_addresses_is_not_public(fake_time, monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", dns({"news.example": [PUBLIC, "10.0.0.7"]}))
    monkeypatch.setattr(socket, "create_connection", no_network)
    client = PoliteClient(Politeness(), clock=fake_time.clock, sleep=fake_time.sleep)
    with pytest.raises(NotAllowed, match="the address 10.0.0.7 of news.example is a private address"):
        client.get("http://news.example/")  # refused while reading robots.txt: the page is not tried either
    assert fake_time.sleeps == []


def test_the_connection_goes_to_the_address_checked_not_to_a_second_answer(fake_time, monkeypatch):
    """DNS rebinding: a first answer pointing outward, later ones inward. khabar asks once and connects to it."""
    answers = iter([[PUBLIC]] + [["127.0.0.1"]] * 5)
    lookups: list[str] = []

    def rebinding(host, port, family=0, type=0, proto=0, flags=0):  # noqa: A002
        lookups.append(host)
        if host != "news.example":
            return REAL_GETADDRINFO(host, port, family, type, proto, flags | socket.AI_NUMERICHOST)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in next(answers)]

    connected: list[tuple[str, int]] = []

    def create_connection(address, *args, **kwargs):
        connected.append(address)
        raise ConnectionRefusedError("nothing leaves the machine in tests")

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    client = PoliteClient(Politeness(robots=False, retries=0), clock=fake_time.clock, sleep=fake_time.sleep)
    with pytest.raises(FetchFailure) as caught:
        client.get("http://news.example/")
    assert caught.value.transient  # a refused connection, not an address refusal: the address was public
    assert lookups == ["news.example"]
    assert connected == [(PUBLIC, 80)]


# -- redirects -------------------------------------------------------------------------------------------------
def redirected_client(fake_time, location: str, *, allow_private_hosts: bool) -> PoliteClient:
    """A client for which news.example is a public site answering every request with a redirect to ``location``."""
    from khabar.fetch.addresses import transport_for

    routes = Routes(
        {"news.example": redirecting_to(location)}, transport_for(allow_private_hosts=allow_private_hosts)
    )
    politeness = Politeness(robots=False, delay=0, allow_private_hosts=allow_private_hosts)
    return PoliteClient(politeness, transport=routes, clock=fake_time.clock, sleep=fake_time.sleep)


@pytest.mark.parametrize(
    "inward", ["http://127.0.0.1:{port}/news/1.html", "http://inside.example:{port}/news/1.html"]
)
def test_a_redirect_inward_is_refused_and_followed_only_when_allowed(site, fake_time, monkeypatch, inward):
    monkeypatch.setattr(socket, "getaddrinfo", dns({"inside.example": ["127.0.0.1"]}))
    location = inward.format(port=site.port)
    refusing = redirected_client(fake_time, location, allow_private_hosts=False)
    with pytest.raises(NotAllowed) as caught:
        refusing.get("http://news.example/moved")
    assert "refused: " in caught.value.reason and "is a loopback address" in caught.value.reason
    assert not caught.value.transient
    assert site.requests == []

    allowing = redirected_client(fake_time, location, allow_private_hosts=True)
    answer = allowing.get("http://news.example/moved")
    assert answer.status == 200 and answer.url == location
    assert site.paths() == ["/news/1.html"]


def test_a_loopback_site_redirecting_to_another_loopback_address_is_followed_when_allowed(site, polite):
    site.redirects["/go"] = f"http://localhost:{site.port}/news/1.html"
    answer = polite().get(site.url("/go"))
    assert answer.status == 200 and answer.url == f"http://localhost:{site.port}/news/1.html"


@pytest.mark.parametrize(
    "location",
    [
        "file:///etc/passwd",
        "ftp://news.example/a",
        "gopher://news.example:70/",
        "javascript:alert(1)",
        "data:,x",
    ],
)
def test_a_redirect_to_another_scheme_fails_at_once_and_for_good(fake_time, location):
    client = redirected_client(fake_time, location, allow_private_hosts=True)
    with pytest.raises(NotAllowed) as caught:
        client.get("http://news.example/moved")
    assert caught.value.reason.startswith(
        f"redirected to {location!r}: khabar fetches only http:// and https://"
    )
    assert not caught.value.transient
    assert fake_time.sleeps == []  # no backoff, no retry
    assert client.transport.seen == ["http://news.example/moved"]


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://news.example/rss", "gopher://x/", "news.example/rss"]
)
def test_an_unsupported_scheme_fails_at_once_and_for_good(url, fake_time):
    client, sent = recording_client(fake_time)
    with pytest.raises(NotAllowed, match="khabar fetches only http:// and https:// addresses") as caught:
        client.get(url)
    assert not caught.value.transient
    assert sent == [] and fake_time.sleeps == []


def test_robots_txt_redirecting_inward_refuses_the_page(site, fake_time):
    def public_site(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(301, headers={"Location": site.url("/robots.txt")})
        return httpx.Response(200, text="<p>page</p>")

    from khabar.fetch.addresses import transport_for

    routes = Routes(
        {"news.example": httpx.MockTransport(public_site)}, transport_for(allow_private_hosts=False)
    )
    client = PoliteClient(Politeness(delay=0), transport=routes, clock=fake_time.clock, sleep=fake_time.sleep)
    with pytest.raises(NotAllowed, match="is a loopback address") as caught:
        client.get("http://news.example/a")
    assert not caught.value.transient
    assert site.requests == [] and routes.seen == ["http://news.example/robots.txt"]


# -- feeds -----------------------------------------------------------------------------------------------------
def test_feed_entries_pointing_inward_are_rejected_for_good_and_nothing_inward_is_stored(
    archive, site, fake_time
):
    inward = [site.url("/news/1.html"), "http://2130706433/", f"http://localhost:{site.port}/news/2.html"]
    items = "".join(f"<item><title>t{n}</title><link>{link}</link></item>" for n, link in enumerate(inward))
    rss = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'

    def public_site(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, headers={"Content-Type": "application/rss+xml"}, text=rss)

    from khabar.fetch.addresses import transport_for

    routes = Routes(
        {"news.example": httpx.MockTransport(public_site)}, transport_for(allow_private_hosts=False)
    )
    client = PoliteClient(Politeness(delay=0), transport=routes, clock=fake_time.clock, sleep=fake_time.sleep)
    service.add_feed(archive, "http://news.example/rss.xml", "آزمایشی")
    summary = service.fetch(archive, client=client)
    assert summary.ingest.added == 0
    reasons = {rejection.origin: rejection.reason for rejection in summary.ingest.rejections}
    assert set(reasons) == set(inward)
    assert all(reason.startswith("refused: ") for reason in reasons.values())
    assert {item.status for item in archive.feed_items(inward).values()} == {"rejected"}  # not retried later
    assert site.requests == []


def test_a_feed_at_an_inward_address_is_not_followed_unless_allowed(archive):
    for url in (
        "http://127.0.0.1:8000/rss",
        "http://localhost/rss",
        "http://[::1]/feed",
        "http://10.0.0.5/rss",
    ):
        with pytest.raises(InputError, match="refused: .*--allow-private-hosts lifts this"):
            service.add_feed(archive, url)
    assert service.list_feeds(archive) == []
    assert service.add_feed(archive, "http://127.0.0.1:8000/rss", allow_private_hosts=True).id == 1
    assert service.add_feed(archive, "http://news.example/rss").id == 2  # names are checked when fetched


# -- every form of every non-public address --------------------------------------------------------------------
NON_GLOBAL_NETWORKS = [
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
        "240.0.0.0/4", "::1/128", "::/128", "::ffff:0:0/96", "64:ff9b:1::/48", "100::/64", "2001::/23",
        "2001:db8::/32", "fc00::/7", "fe80::/10",
    )
]  # fmt: skip
non_global = st.one_of(
    st.sampled_from(NON_GLOBAL_NETWORKS).flatmap(lambda network: st.ip_addresses(network=network)),
    st.ip_addresses(),
).filter(lambda address: not address.is_global)


def ipv4_forms(address: ipaddress.IPv4Address, draw) -> list[str]:
    """Ways to write an IPv4 address in a URL's host that a resolver (or httpx) reads as that address."""
    n = int(address)
    b = address.packed
    part = st.sampled_from([str, lambda x: f"0{x:o}", hex, lambda x: hex(x).upper().replace("0X", "0x")])
    mixed = ".".join(draw(part)(byte) for byte in b)
    return [
        str(address),
        f"{address}.",
        str(n),
        hex(n),
        hex(n).upper(),
        ".".join(f"0{byte:o}" for byte in b),
        ".".join(hex(byte) for byte in b),
        mixed,
        f"{b[0]}.{b[1]}.{b[2] << 8 | b[3]}",
        f"{b[0]}.{n & 0xFF_FFFF}",
        "".join(f"%{ord(char):02X}" for char in str(address)),
        f"[::ffff:{address}]",
        f"[::ffff:{n >> 16:x}:{n & 0xFFFF:x}]",
        f"[64:ff9b::{address}]",
        f"[2002:{n >> 16:x}:{n & 0xFFFF:x}::1]",
        f"public.example@{address}",
        f"user:pass@{hex(n)}",
    ]


def ipv6_forms(address: ipaddress.IPv6Address) -> list[str]:
    return [
        f"[{address.compressed}]",
        f"[{address.exploded}]",
        f"[{address.compressed.upper()}]",
        f"[{address.compressed}%25eth0]",
        f"public.example@[{address.compressed}]",
    ]


@given(address=non_global, port=st.sampled_from(["", ":80", ":8000"]), data=st.data())
def test_every_written_form_of_every_non_global_address_is_refused(address, port, data):
    forms = (
        ipv4_forms(address, data.draw) if isinstance(address, ipaddress.IPv4Address) else ipv6_forms(address)
    )
    sent: list[str] = []
    transport = httpx.MockTransport(lambda request: sent.append(str(request.url)) or httpx.Response(200))
    with mock.patch.object(socket, "getaddrinfo", no_network):
        for form in forms:
            url = f"http://{form}{port}/news"
            client = PoliteClient(Politeness(robots=False), transport=transport, sleep=no_network)
            try:
                client.get(url)
                outcome = f"fetched as {sent[-1]}"
            except NotAllowed as refusal:
                outcome = refusal.reason
            assert outcome.startswith("refused: "), (url, outcome)
    assert sent == []


@given(address=non_global)
def test_the_literal_reading_matches_the_address(address):
    assert literal_address(str(address)) == address
    if isinstance(address, ipaddress.IPv4Address):
        assert literal_address(str(int(address))) == address
