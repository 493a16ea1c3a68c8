"""RSS and Atom parsing: entries, resolved links, dates as written and in UTC, ZWNJ in titles."""

from __future__ import annotations

from pathlib import Path

import pytest

from khabar.fetch.feeds import NotAFeed, parse_feed

FIXTURES = Path(__file__).parent / "fixtures"


def test_rss_entries_with_links_resolved_against_the_feed_address():
    feed = parse_feed((FIXTURES / "rss.xml").read_bytes(), "http://news.test/rss.xml")
    assert feed.title == "خبرگزاری آزمایشی - آخرین اخبار"
    assert [entry.link for entry in feed.entries][:3] == [
        "http://news.test/news/1.html",
        "http://news.test/news/2.html",
        "http://news.test/private/secret.html",
    ]
    first = feed.entries[0]
    assert first.title == "وزیران برای گسترش همکاری\u200cها دیدار کردند"
    assert first.published == "Thu, 21 Aug 2025 10:31:00 +0330"
    assert first.published_utc == "2025-08-21T07:01:00Z"


def test_atom_entries():
    feed = parse_feed((FIXTURES / "atom.xml").read_bytes(), "http://news.test/atom.xml")
    assert feed.title == "روزنامهٔ آزمایشی"
    assert [entry.link for entry in feed.entries] == [
        "http://news.test/news/4.html",
        "http://news.test/news/1.html",
    ]
    assert feed.entries[0].published == "2025-08-24T09:30:00+03:30"
    assert feed.entries[0].published_utc == "2025-08-24T06:00:00Z"
    assert feed.entries[0].title == "افتتاح کتابخانه\u200cهای عمومی تازه در شهرهای کوچک"


def test_an_entry_with_a_persian_date_keeps_it_as_written():
    rss = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>ت</title>
        <item><title>خبر</title><link>http://news.test/5</link><pubDate>۱۴۰۴/۰۶/۱۴ - ۱۳:۳۰:۲۴</pubDate></item>
        </channel></rss>"""
    [entry] = parse_feed(rss.encode(), "http://news.test/rss").entries
    assert entry.published == "۱۴۰۴/۰۶/۱۴ - ۱۳:۳۰:۲۴"


def test_html_is_not_a_feed():
    with pytest.raises(NotAFeed, match="not an RSS or Atom feed"):
        parse_feed((FIXTURES / "news" / "1.html").read_bytes(), "http://news.test/news/1.html")
