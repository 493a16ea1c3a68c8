"""khabar fetch end to end against the local site: new pages once, conditional polls, rejections with reasons,
retries across fetches, ZWNJ from the page to search, and the feed state kept safe across an interruption."""

from __future__ import annotations

import pytest

from khabar import service
from khabar.errors import InputError, NotFound
from khabar.fetch.poll import parse_interval
from khabar.store import open_archive


@pytest.fixture
def followed(archive, site):
    service.add_feed(archive, site.url("/rss.xml"), "آزمایشی", allow_private_hosts=True)
    service.add_feed(archive, site.url("/atom.xml"), allow_private_hosts=True)
    return archive


def fetch(archive, polite, **options):
    return service.fetch(archive, client=polite(), **options)


def stored_urls(archive) -> set[str]:
    newest = service.SearchFilters(window=service.Window(limit=50))
    return {hit.url for hit in service.search(archive, newest).hits}


def test_first_fetch_stores_every_new_page_once(followed, site, polite):
    summary = fetch(followed, polite)
    assert [report.status for report in summary.feeds] == ["ok", "ok"]
    assert [report.pages for report in summary.feeds] == [6, 1]  # /news/1.html is in both feeds: fetched once
    assert summary.ingest.added == 5  # 1 (canonical), 2 (cp1256), 3 (after two 500s), broken, 4
    assert stored_urls(followed) == {
        site.url("/news/1/ministers"),
        site.url("/news/2.html"),
        site.url("/flaky/3.html"),
        site.url("/news/4.html"),
        site.url("/news/broken.html"),
    }
    assert site.paths().count("/news/1.html") == 1
    assert site.paths().count("/robots.txt") == 1


def test_pages_that_cannot_be_used_are_rejected_with_url_and_reason(followed, site, polite):
    summary = fetch(followed, polite)
    reasons = {rejection.origin: rejection.reason for rejection in summary.ingest.rejections}
    assert reasons == {
        site.url("/private/secret.html"): f"disallowed by robots.txt of http://127.0.0.1:{site.port}",
        site.url("/news/missing.html"): "HTTP 404 Not Found",
    }
    stored = {row.origin: row.reason for row in service.rejections(followed)}
    assert stored == reasons
    assert "/private/secret.html" not in site.paths()


def test_a_second_fetch_adds_nothing_and_polls_conditionally(followed, site, polite):
    fetch(followed, polite)
    before = len(site.requests)
    summary = fetch(followed, polite)
    assert [report.status for report in summary.feeds] == ["not modified", "not modified"]
    assert summary.ingest.added == summary.ingest.rejected == 0
    later = [path for path, _ in site.requests[before:]]
    assert later == ["/robots.txt", "/rss.xml", "/atom.xml"]  # no page is fetched again
    for feed_path in ("/rss.xml", "/atom.xml"):
        headers = site.headers_of(feed_path)[-1]
        assert headers["if-none-match"].startswith('"') and headers["if-modified-since"]


def test_the_poll_state_of_a_fetch_that_stores_nothing_is_committed(followed, archive_location, site, polite):
    """Polls write the feed's state between the write blocks of the pages; with no page to store, the ingest's end
    still commits it (on PostgreSQL it stayed in an open transaction, and was lost)."""
    fetch(followed, polite)
    fetch(followed, polite)  # every feed answers 304: nothing to store
    other = open_archive(archive_location)
    try:
        assert {feed.last_status for feed in other.feeds()} == {"not modified"}
    finally:
        other.close()


def test_a_changed_feed_fetches_only_its_new_pages(followed, site, polite):
    fetch(followed, polite)
    before = len(site.requests)
    rss = (site.root / "rss.xml").read_text(encoding="utf-8")
    site.extra["/rss.xml"] = (
        200,
        "application/rss+xml",
        rss.replace("/news/broken.html", "/news/4.html").encode(),
    )
    summary = fetch(followed, polite)
    assert summary.feeds[0].status == "ok" and summary.feeds[0].pages == 0
    assert summary.ingest.added == 0
    assert [path for path, _ in site.requests[before:]] == ["/robots.txt", "/rss.xml", "/atom.xml"]


def test_zwnj_survives_fetch_extract_archive_and_search(followed, site, polite):
    fetch(followed, polite)
    page = service.search(followed, service.SearchFilters("همکاری‌ها", window=service.Window(limit=5)))
    [hit] = [hit for hit in page.hits if hit.url == site.url("/news/1/ministers")]
    assert hit.title == "وزیران برای گسترش همکاری\u200cها دیدار کردند"
    article = service.article(followed, hit.id)
    for word in ("همکاری\u200cهای", "می\u200cدهیم", "می\u200cشود", "گفت\u200cوگوها"):
        assert word in article.original_text  # as extracted, before normalization
        assert word in article.text  # and as stored and searched
    assert "همکاری\u200cهای" in hit.snippet.text or "همکاری\u200cها" in hit.snippet.text
    cp1256 = service.search(
        followed, service.SearchFilters("بارش‌های پاییزی", window=service.Window(limit=5))
    ).hits[0]
    assert (
        "استان\u200cهای" in service.article(followed, cp1256.id).text
    )  # ي became ی, ZWNJ from byte 0x9d kept


def test_metadata_title_date_source_and_canonical_url(followed, site, polite):
    fetch(followed, polite)
    articles = {
        hit.url: service.article(followed, hit.id)
        for hit in service.search(followed, service.SearchFilters()).hits
    }
    first = articles[site.url("/news/1/ministers")]
    assert first.published == "2025-08-21T07:01:00Z"  # article:published_time, in UTC
    assert first.source == "آزمایشی"  # the name the feed was added with
    assert first.published_raw == "2025-08-21T10:31:00+03:30"
    rain = articles[site.url("/news/2.html")]
    assert rain.published_jalali == "1404-05-31" and rain.encoding == "cp1256"
    library = articles[site.url("/news/4.html")]
    assert library.source == "روزنامهٔ آزمایشی"  # no name given: the feed's own title
    assert library.published == "2025-08-24T06:00:00Z"  # JSON-LD datePublished


def test_a_page_that_fails_for_now_is_retried_on_the_next_fetch(followed, site, polite):
    site.down.add("/news/4.html")
    summary = fetch(followed, polite)
    [failed] = [r for r in summary.ingest.rejections if r.origin == site.url("/news/4.html")]
    assert failed.reason == "HTTP 500 after 4 attempts; will be tried again on the next fetch"
    assert followed.feed_items([site.url("/news/4.html")])[site.url("/news/4.html")].status == "failed"

    site.down.clear()
    site.extra["/atom.xml"] = (200, "application/atom+xml", (site.root / "atom.xml").read_bytes())  # no ETag
    summary = fetch(followed, polite)
    assert summary.ingest.added == 1
    item = followed.feed_items([site.url("/news/4.html")])[site.url("/news/4.html")]
    assert (item.status, item.attempts) == ("stored", 2)


def test_a_page_that_keeps_failing_is_given_up_after_the_attempts(followed, site, polite):
    from khabar.fetch.http import Politeness

    site.down.add("/news/4.html")
    site.extra["/atom.xml"] = (200, "application/atom+xml", (site.root / "atom.xml").read_bytes())
    reasons = []
    for _ in range(6):
        summary = service.fetch(
            followed,
            client=polite(Politeness(retries=0, allow_private_hosts=True)),
            only=[site.url("/atom.xml")],
        )
        reasons += [r.reason for r in summary.ingest.rejections]
    assert reasons == ["HTTP 500 after 1 attempts; will be tried again on the next fetch"] * 4 + [
        "HTTP 500 after 1 attempts; gave up after 5 attempts"
    ]
    assert site.paths().count("/news/4.html") == 5


def test_a_feed_that_cannot_be_polled_is_reported_and_the_others_go_on(followed, site, polite):
    site.down.add("/rss.xml")
    summary = fetch(followed, polite)
    assert [report.status for report in summary.feeds] == ["failed", "ok"]
    assert summary.feeds[0].error == "HTTP 500 after 4 attempts"
    assert summary.failed_feeds == 1
    assert summary.ingest.added == 2  # the Atom feed's two pages
    rss = followed.feed(site.url("/rss.xml"))
    assert (rss.last_status, rss.error, rss.etag) == ("failed", "HTTP 500 after 4 attempts", None)


def test_an_interrupted_fetch_leaves_the_feed_to_be_polled_in_full_again(followed, site, polite):
    class Interrupted(Exception):
        pass

    seen = []

    def stop_after_two(item, added):
        seen.append(item)
        if len(seen) == 2:
            raise Interrupted

    with pytest.raises(Interrupted):
        fetch(followed, polite, on_record=stop_after_two)
    assert len(stored_urls(followed)) == 2  # committed with their page states
    assert followed.feed(site.url("/rss.xml")).etag is None  # not saved: its pages were not all settled
    before = len(site.requests)
    summary = fetch(followed, polite)
    assert "if-none-match" not in site.headers_of("/rss.xml")[-1]
    assert summary.ingest.added == 3
    assert len(stored_urls(followed)) == 5
    later = [path for path, _ in site.requests[before:]]
    assert "/news/1.html" not in later and "/news/2.html" not in later  # done before the interruption


def test_a_page_already_in_the_archive_is_not_fetched(archive, site, polite):
    service.ingest_mappings(archive, [{"url": site.url("/news/4.html"), "text": "متن ذخیره\u200cشده از پیش"}])
    service.add_feed(archive, site.url("/atom.xml"), allow_private_hosts=True)
    fetch(archive, polite)
    assert "/news/4.html" not in site.paths()
    assert archive.feed_items([site.url("/news/4.html")])[site.url("/news/4.html")].status == "duplicate"


def test_only_some_feeds(followed, site, polite):
    summary = fetch(followed, polite, only=["2"])
    assert [report.url for report in summary.feeds] == [site.url("/atom.xml")]
    with pytest.raises(NotFound):
        fetch(followed, polite, only=["99"])


def test_feeds_add_list_remove(archive, site):
    feed = service.add_feed(archive, site.url("/rss.xml"), " ایسنا ", allow_private_hosts=True)
    assert (feed.id, feed.name, feed.source, feed.last_status) == (1, "ایسنا", "ایسنا", None)
    with pytest.raises(InputError, match="followed already"):
        service.add_feed(archive, site.url("/rss.xml"), allow_private_hosts=True)
    for wrong in ("ftp://news.test/rss", "news.test/rss", ""):
        with pytest.raises(InputError, match="not a feed address"):
            service.add_feed(archive, wrong)
    service.add_feed(archive, site.url("/atom.xml"), allow_private_hosts=True)
    assert [feed.id for feed in service.list_feeds(archive)] == [1, 2]
    assert service.remove_feed(archive, site.url("/rss.xml")).id == 1
    assert service.remove_feed(archive, "2").url == site.url("/atom.xml")
    assert service.list_feeds(archive) == []
    with pytest.raises(NotFound):
        service.remove_feed(archive, "2")


def test_feed_list_counts_pages_by_state(followed, polite):
    fetch(followed, polite)
    rss, atom = service.list_feeds(followed)
    assert rss.pages == {"stored": 4, "rejected": 2}
    assert atom.pages == {"stored": 1}
    assert rss.last_status == "ok" and rss.title == "خبرگزاری آزمایشی - آخرین اخبار"
    assert rss.to_dict()["source"] == "آزمایشی"


def test_watch_fetches_then_sleeps_between_rounds(followed, polite):
    slept, rounds = [], []
    done = service.watch(
        followed, 600.0, rounds=3, sleep=slept.append, on_round=rounds.append, client=polite()
    )
    assert done == 3 and slept == [600.0, 600.0]
    assert [summary.ingest.added for summary in rounds] == [5, 0, 0]


@pytest.mark.parametrize(
    ("written", "seconds"),
    [("30s", 30), ("10m", 600), ("1h", 3600), ("1h30m", 5400), ("90", 90), ("1.5h", 5400), ("1d", 86400)],
)
def test_parse_interval(written, seconds):
    assert parse_interval(written) == seconds


@pytest.mark.parametrize("written", ["", "10x", "m", "5s", "ten minutes", "-1m"])
def test_parse_interval_refuses(written):
    with pytest.raises(InputError):
        parse_interval(written)


def test_another_link_to_a_stored_article_is_a_duplicate(followed, site, polite):
    fetch(followed, polite)
    atom = (site.root / "atom.xml").read_text(encoding="utf-8")
    moved = atom.replace('href="/news/4.html"', 'href="/news/1.html?utm_source=atom"')
    site.extra["/atom.xml"] = (200, "application/atom+xml", moved.encode())
    summary = fetch(followed, polite)
    assert (summary.ingest.added, summary.ingest.duplicates) == (0, 1)  # its canonical URL is stored already
    link = site.url("/news/1.html?utm_source=atom")
    assert followed.feed_items([link])[link].status == "duplicate"
