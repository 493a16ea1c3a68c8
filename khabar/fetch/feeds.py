"""RSS and Atom feeds → the entries khabar follows (feedparser does the parsing, in every dialect).

feedparser is always given the bytes khabar fetched, never a URL, so it never touches the network itself; the
feed's address goes in as ``Content-Location`` so that relative links resolve.
"""

from __future__ import annotations

import calendar
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import feedparser


@dataclass(frozen=True, slots=True)
class FeedEntry:
    link: str | None  # the article page
    title: str | None
    published: str | None  # as the feed writes it
    published_utc: str | None  # feedparser's reading of it, ``YYYY-MM-DDTHH:MM:SSZ``, when it could read it
    guid: str | None = None


@dataclass(frozen=True, slots=True)
class FeedContent:
    title: str | None
    entries: list[FeedEntry] = field(default_factory=list)


class NotAFeed(ValueError):
    """The bytes are not an RSS or Atom feed; the message says what the parser found."""


def parse_feed(data: bytes, url: str, content_type: str | None = None) -> FeedContent:
    """Parse a fetched feed; raises :class:`NotAFeed` when it holds no feed at all."""
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(data, response_headers=headers)
    if not parsed.entries and not parsed.get("version"):
        problem = parsed.get("bozo_exception")
        detail = f": {problem}" if problem else ""
        raise NotAFeed(f"not an RSS or Atom feed{detail}")
    title = (parsed.feed.get("title") or "").strip() or None
    return FeedContent(title, [_entry(item) for item in parsed.entries])


def _entry(item: feedparser.FeedParserDict) -> FeedEntry:
    raw = item.get("published") or item.get("updated") or item.get("created")
    moment = item.get("published_parsed") or item.get("updated_parsed") or item.get("created_parsed")
    return FeedEntry(
        link=(item.get("link") or "").strip() or None,
        title=(item.get("title") or "").strip() or None,
        published=raw.strip() if isinstance(raw, str) and raw.strip() else None,
        published_utc=_utc(moment) if moment else None,
        guid=item.get("id"),
    )


def _utc(moment: time.struct_time) -> str:
    """feedparser's struct_time is UTC; write it the way khabar stores times."""
    stamp = datetime.fromtimestamp(calendar.timegm(moment), tz=UTC)
    return stamp.isoformat(timespec="seconds").replace("+00:00", "Z")
