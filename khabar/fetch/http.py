"""A polite HTTP client for feeds and article pages.

News sites are read by many crawlers; khabar should be one a webmaster does not notice. By default it

* obeys ``robots.txt`` (read once per host and client with :mod:`urllib.robotparser`; a ``Crawl-delay`` longer
  than ours is honoured; a robots file that cannot be read because the server fails disallows the host for this
  run, as RFC 9309 asks, while a missing one (4xx) allows everything);
* waits at least ``delay`` seconds (1 s) between two requests to the same host, robots.txt and retries included;
* sends conditional requests (``If-None-Match``/``If-Modified-Since``) when it has an ETag or Last-Modified, and
  treats ``304 Not Modified`` as an answer, not an error;
* retries 5xx answers, ``408``/``429`` and timeouts or connection errors with exponential backoff (2 s, 4 s, 8 s;
  a ``Retry-After`` header is honoured up to ``max_backoff``), never other 4xx answers;
* gives up on a request after ``timeout`` seconds and on a body larger than ``max_bytes`` (5 MB);
* follows at most five redirects, checking robots.txt and the rate limit at every hop;
* reaches only public addresses over ``http``/``https``, at every hop (:mod:`khabar.fetch.addresses`: the
  address as written before the request, every resolved address when connecting, and the connection made to
  the address checked); a refused address or scheme fails at once and for good, unless ``allow_private_hosts``;
* says who it is: ``khabar/<version> (Persian news archiver; +CONTACT)``, where the operator's contact (a URL or
  an e-mail address) comes from ``KHABAR_CONTACT``; site owners can then reach whoever runs the crawler.

The clock and the sleep function are injectable, so tests check the spacing of requests without waiting.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from khabar import __version__
from khabar.errors import KhabarError
from khabar.fetch.addresses import RefusedAddress, destination_problem, transport_for


def _user_agent() -> str:
    contact = os.environ.get("KHABAR_CONTACT", "").strip()
    return f"khabar/{__version__} (Persian news archiver" + (f"; +{contact})" if contact else ")")


USER_AGENT = _user_agent()
REDIRECTS = frozenset({301, 302, 303, 307, 308})
RETRIED_CLIENT_ERRORS = frozenset({408, 429})  # "try again later" answers among the 4xx
MAX_CRAWL_DELAY = 60.0  # a robots.txt Crawl-delay is honoured up to this many seconds
ROBOTS_MAX_BYTES = (
    512_000  # RFC 9309: read at least 500 KiB of a robots.txt; rules past the limit are ignored
)


@dataclass(frozen=True, slots=True)
class Politeness:
    """How khabar behaves towards the sites it reads. The defaults are meant to be kept."""

    user_agent: str = USER_AGENT
    delay: float = 1.0  # seconds between two requests to one host
    timeout: float = 20.0  # seconds for connecting and for each read
    retries: int = 3  # further attempts after a 5xx, 408, 429, timeout or connection error
    backoff: float = 2.0  # the first wait before a retry; doubled for each next one
    max_backoff: float = 60.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    robots: bool = True
    allow_private_hosts: bool = False  # also fetch loopback, private, link-local … hosts (tests, intranets)


@dataclass(frozen=True, slots=True)
class Fetched:
    """A successful answer: ``status`` 200 (with the body) or 304 (not modified, empty body)."""

    url: str  # after redirects
    status: int
    headers: httpx.Headers
    body: bytes = b""

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")


class FetchFailure(KhabarError):
    """A URL could not be fetched. ``transient`` failures (server errors, timeouts) are worth trying later."""

    def __init__(self, url: str, reason: str, *, transient: bool, status: int | None = None) -> None:
        super().__init__(f"{reason} ({url})")
        self.url = url
        self.reason = reason
        self.transient = transient
        self.status = status


class NotAllowed(FetchFailure):
    """khabar will not request this address (a scheme other than http/https, or a non-public host): never retried."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(url, reason, transient=False)


@dataclass(slots=True)
class _Robots:
    rules: RobotFileParser | None  # None: the robots file could not be read, so nothing is allowed
    problem: str = ""


@dataclass(slots=True)
class PoliteClient:
    """GET with robots.txt, a per-host rate limit, conditional requests, retries, timeouts and a size limit.

    ``transport`` is handed to :class:`httpx.Client` (tests may pass a mock; by default it is the outward-only
    transport of :mod:`khabar.fetch.addresses`); ``clock`` and ``sleep`` measure and spend time
    (``time.monotonic`` and ``time.sleep`` by default).
    """

    politeness: Politeness = field(default_factory=Politeness)
    transport: httpx.BaseTransport | None = None
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _http: httpx.Client | None = None
    _last_request: dict[str, float] = field(default_factory=dict)
    _robots: dict[str, _Robots] = field(default_factory=dict)

    @property
    def http(self) -> httpx.Client:
        if self._http is None:
            allow_private_hosts = self.politeness.allow_private_hosts
            self._http = httpx.Client(
                transport=self.transport or transport_for(allow_private_hosts=allow_private_hosts),
                trust_env=False,  # no proxy from the environment: the address guard must see whom it connects to
                timeout=self.politeness.timeout,
                follow_redirects=False,  # followed by hand: every hop goes through robots.txt and the rate limit
                headers={"User-Agent": self.politeness.user_agent},
                event_hooks={"response": [self._check_redirect]},
            )
        return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """Fetch ``url`` politely; raises :class:`FetchFailure` with a reason a person can act on."""
        conditional = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        current = url
        for hop in range(self.politeness.max_redirects + 1):
            self._check_destination(current, redirected_from=url if hop else None)
            self._check_robots(current)
            answer = self._get_with_retries(current, conditional)
            if answer.status not in REDIRECTS:
                return answer
            location = answer.headers.get("location")
            if not location:
                raise FetchFailure(
                    current, f"HTTP {answer.status} redirect without a Location", transient=False
                )
            current = urljoin(current, location)
        raise FetchFailure(url, f"more than {self.politeness.max_redirects} redirects", transient=False)

    def _check_redirect(self, response: httpx.Response) -> None:
        """Refuse a redirect's target as soon as it arrives: httpx reads the Location before handing the answer over,
        and would fail on ``javascript:`` or a broken address with an error that does not say it is a redirect."""
        location = response.headers.get("location")
        if response.status_code in REDIRECTS and location:
            origin = str(response.request.url)
            self._check_destination(urljoin(origin, location), redirected_from=origin)

    def _check_destination(self, url: str, *, redirected_from: str | None = None) -> None:
        """Refuse, before any connection, a scheme khabar does not fetch or a host that is not public as written."""
        problem = destination_problem(url, allow_private_hosts=self.politeness.allow_private_hosts)
        if problem is None:
            return
        if redirected_from is not None:
            raise NotAllowed(redirected_from, f"redirected to {url!r}: {problem}")
        raise NotAllowed(url, problem)

    # -- robots.txt --------------------------------------------------------------------------------------------
    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets khabar fetch ``url`` (reading the host's robots.txt the first time)."""
        robots = self._robots_of(url)
        return robots.rules is not None and robots.rules.can_fetch(self.politeness.user_agent, url)

    def _check_robots(self, url: str) -> None:
        if not self.politeness.robots:
            return
        robots = self._robots_of(url)
        if robots.rules is None:
            raise FetchFailure(
                url,
                f"robots.txt of {_site(url)} cannot be read ({robots.problem}), so the site is not fetched "
                "until it can",
                transient=True,
            )
        if not robots.rules.can_fetch(self.politeness.user_agent, url):
            raise FetchFailure(url, f"disallowed by robots.txt of {_site(url)}", transient=False)

    def _robots_of(self, url: str) -> _Robots:
        site = _site(url)
        if site not in self._robots:
            self._robots[site] = self._read_robots(site)
        return self._robots[site]

    def _read_robots(self, site: str) -> _Robots:
        target = f"{site}/robots.txt"
        for hop in range(self.politeness.max_redirects + 1):
            try:
                self._check_destination(target, redirected_from=f"{site}/robots.txt" if hop else None)
                answer = self._get_with_retries(target, {}, cut_at=ROBOTS_MAX_BYTES)
            except NotAllowed:
                raise  # the page's site is refused (or its robots.txt leads to one that is): not a robots problem
            except FetchFailure as failure:
                status = failure.status or 0
                if 400 <= status < 500 and status not in RETRIED_CLIENT_ERRORS:
                    return _Robots(_allow_all())  # no robots.txt (or not ours to read): everything is allowed
                return _Robots(None, failure.reason)
            if answer.status not in REDIRECTS:
                break
            target = urljoin(target, answer.headers.get("location", ""))
        if answer.status != 200:  # too many redirects or an odd answer: RFC 9309 treats it as "no rules"
            return _Robots(_allow_all())
        rules = RobotFileParser(target)
        rules.parse(answer.body.decode("utf-8", errors="replace").splitlines())
        return _Robots(rules)

    # -- requests ----------------------------------------------------------------------------------------------
    def _get_with_retries(self, url: str, headers: dict[str, str], cut_at: int | None = None) -> Fetched:
        """GET, retried on passing failures; ``cut_at``: see :meth:`_get_once`."""
        politeness = self.politeness
        for attempt in range(politeness.retries + 1):
            last_try = attempt == politeness.retries
            try:
                answer = self._get_once(url, headers, cut_at)
            except (httpx.TimeoutException, httpx.TransportError) as error:
                problem = _describe_transport_error(error, politeness.timeout)
                if last_try:
                    raise FetchFailure(
                        url, f"{problem} after {attempt + 1} attempts", transient=True
                    ) from None
                self.sleep(self._backoff(attempt, None))
                continue
            status = answer.status
            if status >= 500 or status in RETRIED_CLIENT_ERRORS:
                if last_try:
                    raise FetchFailure(
                        url, f"HTTP {status} after {attempt + 1} attempts", transient=True, status=status
                    )
                self.sleep(self._backoff(attempt, answer.headers.get("retry-after")))
                continue
            if 400 <= status < 500:
                reason = httpx.codes.get_reason_phrase(status)
                raise FetchFailure(url, f"HTTP {status} {reason}".strip(), transient=False, status=status)
            return answer
        raise AssertionError("unreachable")  # pragma: no cover

    def _backoff(self, attempt: int, retry_after: str | None) -> float:
        wait = self.politeness.backoff * 2**attempt
        asked = _seconds_from_retry_after(retry_after)
        if asked is not None:
            wait = max(wait, asked)
        return min(wait, self.politeness.max_backoff)

    def _get_once(self, url: str, headers: dict[str, str], cut_at: int | None = None) -> Fetched:
        """One GET. The body may be at most ``max_bytes`` long, or is cut at ``cut_at`` bytes when that is given."""
        self._wait_turn(url)
        limit = cut_at or self.politeness.max_bytes
        too_large = f"larger than the limit of {limit:,} bytes"
        try:
            with self.http.stream("GET", url, headers=headers) as response:
                declared = response.headers.get("content-length", "")
                if cut_at is None and declared.isdigit() and int(declared) > limit:
                    raise FetchFailure(url, too_large, transient=False)
                body = bytearray()
                for chunk in response.iter_bytes():
                    body.extend(chunk)
                    if len(body) > limit:
                        if cut_at is None:
                            raise FetchFailure(url, too_large, transient=False)
                        del body[limit:]
                        break
                return Fetched(str(response.url), response.status_code, response.headers, bytes(body))
        except RefusedAddress as refused:
            raise NotAllowed(url, refused.reason) from None
        except httpx.UnsupportedProtocol as error:  # checked before already; never worth a retry
            raise NotAllowed(url, f"khabar fetches only http:// and https:// addresses: {error}") from None
        except httpx.InvalidURL as error:
            raise FetchFailure(url, f"not a valid address: {error}", transient=False) from None
        except httpx.DecodingError as error:
            raise FetchFailure(
                url, f"the server sent a broken compressed body: {error}", transient=True
            ) from None
        finally:
            self._last_request[_site(url)] = self.clock()

    def _wait_turn(self, url: str) -> None:
        """Sleep until ``delay`` (or the site's longer Crawl-delay) has passed since the last request to the host."""
        site = _site(url)
        last = self._last_request.get(site)
        if last is None:
            return
        wait = last + self._delay_for(site) - self.clock()
        if wait > 0:
            self.sleep(wait)

    def _delay_for(self, site: str) -> float:
        delay = self.politeness.delay
        robots = self._robots.get(site)
        if robots is not None and robots.rules is not None:
            asked = robots.rules.crawl_delay(self.politeness.user_agent)
            if asked:
                delay = max(delay, min(float(asked), MAX_CRAWL_DELAY))
        return delay


def _site(url: str) -> str:
    """``scheme://host[:port]``: the unit of robots.txt and of the rate limit."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _allow_all() -> RobotFileParser:
    rules = RobotFileParser()
    rules.parse([])
    return rules


def _seconds_from_retry_after(value: str | None) -> float | None:
    """``Retry-After`` as seconds: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def _describe_transport_error(error: Exception, timeout: float) -> str:
    if isinstance(error, httpx.TimeoutException):
        return f"no answer within {timeout:g} s"
    detail = str(error) or type(error).__name__
    return f"connection failed: {detail}"
