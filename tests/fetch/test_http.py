"""The polite client against the local test site: robots.txt, rate limit, conditional GET, retries, limits."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest

from khabar.fetch.http import USER_AGENT, FetchFailure, Politeness


def test_sends_a_clear_user_agent(site, polite):
    polite().get(site.url("/news/1.html"))
    agents = {headers["user-agent"] for _, headers in site.requests}
    assert agents == {USER_AGENT}
    assert USER_AGENT.startswith("khabar/") and "news archiver" in USER_AGENT


def test_the_operator_s_contact_goes_in_the_user_agent(monkeypatch):
    from khabar.fetch import http

    monkeypatch.setenv("KHABAR_CONTACT", "mailto:news-desk@example.org")
    assert http._user_agent().endswith("(Persian news archiver; +mailto:news-desk@example.org)")


def test_requests_to_one_host_are_spaced_by_the_delay(site, polite, fake_time):
    client = polite()
    for path in ("/news/1.html", "/news/2.html", "/news/4.html"):
        client.get(site.url(path))
    times = [moment for moment, _ in client.transport.sent]  # robots.txt, then the three pages
    assert len(times) == 4
    assert all(later - earlier >= 1.0 for earlier, later in zip(times, times[1:], strict=False))
    assert sum(fake_time.sleeps) == pytest.approx(3.0)


def test_the_delay_is_configurable_and_per_host(site, polite, fake_time):
    client = polite(Politeness(allow_private_hosts=True, delay=5.0))
    client.get(site.url("/news/1.html"))
    other_host = f"http://localhost:{site.port}/news/2.html"  # another host name: its own robots.txt and turn
    client.get(other_host)
    client.get(site.url("/news/4.html"))
    sent = client.transport.sent
    by_host: dict[str, list[float]] = {}
    for moment, url in sent:
        by_host.setdefault(urlsplit(url).hostname or "", []).append(moment)
    for times in by_host.values():
        assert all(later - earlier >= 5.0 for earlier, later in zip(times, times[1:], strict=False))
    # robots.txt → page 1 waits 5 s; localhost's robots.txt → page 2 waits 5 s; 127.0.0.1's turn has come by then
    assert fake_time.sleeps == [5.0, 5.0]


def test_crawl_delay_in_robots_txt_is_honoured(site, polite, fake_time):
    site.extra["/robots.txt"] = (200, "text/plain", b"User-agent: *\nCrawl-delay: 7\n")
    client = polite()
    client.get(site.url("/news/1.html"))
    client.get(site.url("/news/2.html"))
    assert fake_time.sleeps == [7.0, 7.0]


def test_a_page_disallowed_by_robots_txt_is_not_fetched(site, polite):
    client = polite()
    with pytest.raises(FetchFailure) as caught:
        client.get(site.url("/private/secret.html"))
    assert "disallowed by robots.txt" in caught.value.reason
    assert not caught.value.transient
    assert "/private/secret.html" not in site.paths()
    client.get(site.url("/news/1.html"))
    assert site.paths().count("/robots.txt") == 1  # read once per host


def test_a_redirect_into_a_disallowed_path_is_not_followed(site, polite):
    site.redirects["/go"] = "/private/secret.html"
    site.redirects["/old/1"] = "/news/1.html"
    client = polite()
    assert client.get(site.url("/old/1")).url == site.url("/news/1.html")
    with pytest.raises(FetchFailure, match="robots.txt"):
        client.get(site.url("/go"))
    assert "/private/secret.html" not in site.paths()


def test_missing_robots_txt_allows_everything(site, polite):
    site.extra["/robots.txt"] = (404, "text/plain", b"")
    assert polite().get(site.url("/private/secret.html")).status == 200


def test_an_unreadable_robots_txt_keeps_the_site_closed_for_now(site, polite, fake_time):
    site.down.add("/robots.txt")
    client = polite()
    with pytest.raises(FetchFailure) as caught:
        client.get(site.url("/news/1.html"))
    assert caught.value.transient
    assert "robots.txt" in caught.value.reason and "HTTP 500" in caught.value.reason
    assert "/news/1.html" not in site.paths()


def test_server_errors_are_retried_with_exponential_backoff(site, polite, fake_time):
    answer = polite().get(site.url("/flaky/3.html"))  # 500, 500, then 200
    assert answer.status == 200 and "نمایشگاه" in answer.body.decode()
    assert site.paths().count("/flaky/3.html") == 3
    assert fake_time.sleeps == [1.0, 2.0, 4.0]  # the rate limit after robots.txt, then the backoff


def test_a_lasting_server_error_fails_as_transient_after_the_retries(site, polite, fake_time):
    site.down.add("/news/1.html")
    with pytest.raises(FetchFailure) as caught:
        polite(Politeness(allow_private_hosts=True, retries=2)).get(site.url("/news/1.html"))
    assert caught.value.transient and caught.value.status == 500
    assert "after 3 attempts" in caught.value.reason
    assert site.paths().count("/news/1.html") == 3


def test_client_errors_are_not_retried(site, polite):
    with pytest.raises(FetchFailure) as caught:
        polite().get(site.url("/news/missing.html"))
    assert caught.value.status == 404 and not caught.value.transient
    assert caught.value.reason == "HTTP 404 Not Found"
    assert site.paths().count("/news/missing.html") == 1


def test_retry_after_is_honoured_up_to_the_cap(site, polite, fake_time):
    site.extra["/busy"] = (429, "text/plain", b"slow down")
    with pytest.raises(FetchFailure):
        polite(Politeness(allow_private_hosts=True, retries=1, max_backoff=30)).get(site.url("/busy"))
    assert fake_time.sleeps == [1.0, 2.0]  # after robots.txt; then no Retry-After header: the plain backoff

    def busy(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(503, headers={"Retry-After": "120"})

    fake_time.sleeps.clear()
    with pytest.raises(FetchFailure):
        polite(
            Politeness(allow_private_hosts=True, retries=1, max_backoff=30), httpx.MockTransport(busy)
        ).get("http://news.test/a")
    assert fake_time.sleeps == [1.0, 30.0]


def test_timeouts_and_connection_errors_are_retried(polite, fake_time):
    calls: list[str] = []

    def flaky_network(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        if len(calls) == 2:
            raise httpx.ReadTimeout("timed out", request=request)
        if len(calls) == 3:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(200, text="<html><body><p>ok</p></body></html>")

    answer = polite(inner=httpx.MockTransport(flaky_network)).get("http://news.test/a")
    assert answer.status == 200
    assert calls == ["/robots.txt", "/a", "/a", "/a"]
    assert fake_time.sleeps[-2:] == [2.0, 4.0]


def test_a_timeout_that_lasts_is_a_transient_failure(polite):
    def silent(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("no answer", request=request)

    with pytest.raises(FetchFailure) as caught:
        polite(
            Politeness(allow_private_hosts=True, robots=False, retries=1, timeout=3),
            httpx.MockTransport(silent),
        ).get("http://x.test/")
    assert caught.value.transient
    assert caught.value.reason == "no answer within 3 s after 2 attempts"


def test_conditional_get_gets_304(site, polite):
    client = polite()
    first = client.get(site.url("/rss.xml"))
    assert first.status == 200 and first.etag and first.last_modified
    again = client.get(site.url("/rss.xml"), etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.body == b""
    headers = site.headers_of("/rss.xml")[-1]
    assert headers["if-none-match"] == first.etag
    assert headers["if-modified-since"] == first.last_modified


def test_pages_over_the_size_limit_are_refused(site, polite):
    with pytest.raises(FetchFailure, match="larger than the limit of 100 bytes") as caught:
        polite(Politeness(allow_private_hosts=True, max_bytes=100)).get(site.url("/news/1.html"))
    assert not caught.value.transient


def test_too_many_redirects(site, polite):
    site.redirects["/loop"] = "/loop"
    with pytest.raises(FetchFailure, match="more than 2 redirects"):
        polite(Politeness(allow_private_hosts=True, max_redirects=2)).get(site.url("/loop"))
