"""Polling feeds: which pages are new, fetching them, and remembering what became of each.

:class:`FeedPoller` turns the followed feeds into a stream of records and rejections for
:func:`khabar.service.ingest`, the same function ``khabar ingest`` uses, and is told back, through
:meth:`FeedPoller.settle`, what the ingest made of each page (stored, duplicate, rejected). It writes that
outcome in the archive's ``feed_items`` table in the ingest's own transaction, and saves a feed's validators
(ETag, Last-Modified) only after every page of that poll is settled — so a crash between two commits can neither
mark a page done without its article nor make the next poll's ``304 Not Modified`` hide an unfetched page.

A page whose fetch fails for a passing reason (a 5xx, a timeout, an unreadable robots.txt) is recorded as
``failed`` and tried again on the next polls, up to ``max_attempts``; one that can never work (a 404, disallowed by
robots.txt, no article text) is ``rejected``. Either way the rejection, with the URL and the reason, is stored
like any rejected record (``khabar rejected``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime

from khabar.dates import parse_published
from khabar.errors import InputError
from khabar.fetch.feeds import FeedEntry, NotAFeed, parse_feed
from khabar.fetch.http import FetchFailure, PoliteClient
from khabar.identity import url_identity
from khabar.readers import screen
from khabar.readers.html import page_record
from khabar.records import Analysis, RawRecord, Rejection
from khabar.store.base import Archive, Feed, FeedItem

MAX_ATTEMPTS = 5
_PAGE_TYPES = re.compile(r"^\s*(text/|application/(xhtml\+)?xml|application/[\w.+-]*html)", re.IGNORECASE)


@dataclass(slots=True)
class FeedReport:
    """What one poll of one feed found."""

    feed_id: int
    url: str
    source: str
    status: str = "ok"  # ok | not modified | failed
    entries: int = 0  # entries in the feed
    pages: int = 0  # pages fetched this time (new, or failed before and tried again)
    error: str | None = None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(slots=True)
class _Pending:
    url: str
    feed_id: int
    attempts: int
    transient: bool


@dataclass(slots=True)
class _PollState:
    feed: Feed  # as it is to be saved once its pages are settled
    unsettled: set[str] = field(default_factory=set)
    polled: bool = False


class FeedPoller:
    """Poll feeds, yield their new pages as records; :meth:`settle` records the ingest's outcome of each."""

    def __init__(
        self,
        archive: Archive,
        client: PoliteClient,
        feeds: list[Feed],
        *,
        max_attempts: int = MAX_ATTEMPTS,
        on_event: Callable[[str], None] | None = None,
    ) -> None:
        self.archive = archive
        self.client = client
        self.feeds = feeds
        self.max_attempts = max_attempts
        self.reports: list[FeedReport] = []
        self._on_event = on_event
        self._pending: dict[str, _Pending] = {}  # page URL → what to record once the ingest has handled it
        self._polls: dict[int, _PollState] = {}
        self._claimed: set[str] = set()  # page URLs handed out in this run (two feeds may link the same page)

    def records(self) -> Iterator[RawRecord | Rejection]:
        for feed in self.feeds:
            yield from self._poll(feed)

    def settle(self, item: Analysis | Rejection | RawRecord, added: bool) -> None:
        """Record what the ingest made of a page this poller handed out (other items are ignored)."""
        # An analysis names its record as "origin#record_no"; a record skipped as known, or a rejection, as origin.
        key = (item.origin or "").rsplit("#", 1)[0] if isinstance(item, Analysis) else item.origin
        pending = self._pending.pop(key, None)
        if pending is None:
            return
        if isinstance(item, Analysis):
            status = "stored" if added else "duplicate"
            state = FeedItem(pending.url, pending.feed_id, status, pending.attempts, None, item.id)
        elif isinstance(item, RawRecord):  # already in the archive: the ingest did not analyze it again
            state = FeedItem(pending.url, pending.feed_id, "duplicate", pending.attempts, "stored before")
        else:
            status = "failed" if pending.transient else "rejected"
            state = FeedItem(pending.url, pending.feed_id, status, pending.attempts, item.reason)
        self.archive.save_feed_item(state)
        poll = self._polls.get(pending.feed_id)
        if poll is not None:
            poll.unsettled.discard(pending.url)
            self._save_when_settled(poll)

    # -- one feed ----------------------------------------------------------------------------------------------
    def _poll(self, feed: Feed) -> Iterator[RawRecord | Rejection]:
        report = FeedReport(feed.id, feed.url, feed.source)
        self.reports.append(report)
        polled_at = _now()
        try:
            answer = self.client.get(feed.url, etag=feed.etag, last_modified=feed.last_modified)
            content = (
                None if answer.not_modified else parse_feed(answer.body, answer.url, answer.content_type)
            )
        except (FetchFailure, NotAFeed) as failure:
            reason = failure.reason if isinstance(failure, FetchFailure) else str(failure)
            report.status, report.error = "failed", reason
            self.archive.save_feed(
                replace(feed, last_polled_at=polled_at, last_status="failed", error=reason)
            )
            self._event(f"{feed.source}: cannot poll {feed.url}: {reason}")
            return
        if content is None:
            report.status = "not modified"
            self.archive.save_feed(
                replace(feed, last_polled_at=polled_at, last_status="not modified", error=None)
            )
            self._event(f"{feed.source}: not modified")
            return
        polled = replace(
            feed,
            title=content.title or feed.title,
            etag=answer.etag,
            last_modified=answer.last_modified,
            last_polled_at=polled_at,
            last_status="ok",
            error=None,
        )
        report.source = polled.source
        report.entries = len(content.entries)
        poll = self._polls[feed.id] = _PollState(polled)
        todo = list(self._new_pages(polled, content.entries))
        report.pages = sum(1 for entry, _ in todo if entry.link)
        self._event(f"{polled.source}: {report.entries} entries, {report.pages} to fetch")
        for entry, attempts in todo:
            if not entry.link:
                yield Rejection(
                    feed.url, None, f"feed entry without a link: {entry.title or entry.guid or '?'}"
                )
                continue
            record, transient = self._page(polled, entry, attempts)
            self._pending[entry.link] = _Pending(entry.link, feed.id, attempts, transient)
            poll.unsettled.add(entry.link)
            yield record
        poll.polled = True
        self._save_when_settled(poll)

    def _new_pages(self, feed: Feed, entries: list[FeedEntry]) -> Iterator[tuple[FeedEntry, int]]:
        """Entries whose page is new or failed before (with the attempt number); pages already stored are marked."""
        links = [entry.link for entry in entries if entry.link]
        known = self.archive.feed_items(list(dict.fromkeys(links)))
        for entry in entries:
            link = entry.link
            if not link:
                yield entry, 1
                continue
            if link in self._claimed:
                continue
            state = known.get(link)
            if state is not None and (state.status != "failed" or state.attempts >= self.max_attempts):
                continue
            self._claimed.add(link)
            if state is None and self.archive.contains(url_identity(link)):
                self.archive.save_feed_item(
                    FeedItem(link, feed.id, "duplicate", 0, "stored before, not fetched")
                )
                continue
            yield entry, (state.attempts if state else 0) + 1

    def _page(self, feed: Feed, entry: FeedEntry, attempts: int) -> tuple[RawRecord | Rejection, bool]:
        """The page of an entry as a record, or a rejection and whether the failure may pass."""
        link = entry.link or ""
        try:
            answer = self.client.get(link)
        except FetchFailure as failure:
            if not failure.transient:
                return Rejection(link, None, failure.reason, entry.title or ""), False
            later = (
                "will be tried again on the next fetch"
                if attempts < self.max_attempts
                else f"gave up after {attempts} attempts"
            )
            return Rejection(link, None, f"{failure.reason}; {later}", entry.title or ""), True
        kind = answer.content_type
        if kind and not _PAGE_TYPES.match(kind):
            return Rejection(link, None, f"not a web page but {kind.split(';')[0]}", entry.title or ""), False
        record = page_record(
            answer.body,
            origin=link,
            content_type=kind,
            url=answer.url,
            source=feed.source,
            title=entry.title,
            published=_feed_date(entry),
        )
        return screen(record), False

    def _save_when_settled(self, poll: _PollState) -> None:
        if poll.polled and not poll.unsettled:
            self.archive.save_feed(poll.feed)
            self._polls.pop(poll.feed.id, None)

    def _event(self, message: str) -> None:
        if self._on_event is not None:
            self._on_event(message)


def _feed_date(entry: FeedEntry) -> str | None:
    """The entry's date as written when khabar can read it, else feedparser's reading of it."""
    if entry.published and parse_published(entry.published) is not None:
        return entry.published
    return entry.published_utc or entry.published


_INTERVAL_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd]?)", re.IGNORECASE)
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
MIN_INTERVAL = 10.0


def parse_interval(text: str) -> float:
    """``30s``, ``10m``, ``1h``, ``1h30m`` or plain seconds (``90``) → seconds; at least ten seconds."""
    compact = text.strip().replace(" ", "")
    parts = list(_INTERVAL_PART.finditer(compact))
    if not compact or "".join(part.group(0) for part in parts) != compact:
        raise InputError(f"cannot read the interval {text!r}: write e.g. 30s, 10m, 1h or 1h30m")
    seconds = sum(float(part.group(1)) * _UNIT_SECONDS[part.group(2).lower()] for part in parts)
    if seconds < MIN_INTERVAL:
        raise InputError(f"the interval {text!r} is too short: poll at most every {MIN_INTERVAL:g} seconds")
    return seconds


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
