"""Following feeds: adding, listing and removing them, fetching their new pages politely, watching them."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from khabar.errors import InputError
from khabar.records import Analysis, RawRecord, Rejection
from khabar.service.intake import IngestSummary, ingest
from khabar.store.base import (
    Archive,
    Feed,
)

if TYPE_CHECKING:  # imported when fetching only (see politeness()); the views annotate with them
    from khabar.fetch.http import PoliteClient, Politeness


# -- feeds ------------------------------------------------------------------------------------------------------
@dataclass(slots=True)
class FetchSummary:
    """One fetch: what each feed's poll found, and what the ingest of its pages did."""

    feeds: list[Any]  # khabar.fetch.poll.FeedReport
    ingest: IngestSummary

    @property
    def failed_feeds(self) -> int:
        return sum(report.status == "failed" for report in self.feeds)

    def to_dict(self) -> dict[str, Any]:
        return {"feeds": [report.to_dict() for report in self.feeds], **self.ingest.to_dict()}


def add_feed(
    archive: Archive, url: str, name: str | None = None, *, allow_private_hosts: bool = False
) -> Feed:
    """Follow a feed (an RSS or Atom address); ``name`` becomes its articles' source.

    An address that is not public as written (``127.0.0.1``, ``localhost``, ``10.0.0.5`` …) is refused now, unless
    ``allow_private_hosts``; names are resolved and checked when the feed is fetched.
    """
    from khabar.fetch.addresses import host_problem

    address = (url or "").strip()
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"{url!r} is not a feed address: give an http:// or https:// URL")
    problem = None if allow_private_hosts else host_problem(parts.hostname or "")
    if problem:
        raise InputError(f"{url!r} is not followed: {problem}")
    feed = archive.add_feed(address, (name or "").strip() or None)
    archive.commit()
    return feed


def list_feeds(archive: Archive) -> list[Feed]:
    return archive.feeds()


def remove_feed(archive: Archive, key: str) -> Feed:
    """Stop following a feed given by id or URL; its articles stay in the archive."""
    feed = archive.feed(key.strip())
    archive.remove_feed(feed.id)
    archive.commit()
    return feed


def fetch(
    archive: Archive,
    *,
    only: Iterable[str] = (),
    politeness: Politeness | None = None,
    client: PoliteClient | None = None,
    allow_private_hosts: bool = False,
    on_record: Callable[[Analysis | Rejection | RawRecord, bool], None] | None = None,
    on_event: Callable[[str], None] | None = None,
    **options: Any,
) -> FetchSummary:
    """Poll the followed feeds (or ``only`` these ids/URLs), fetch their new pages politely and ingest them.

    ``options`` go to :func:`ingest` (e.g. ``analyze=False``). A page that fails is stored as a rejection and, when
    the failure may pass, tried again on the next fetch. Only public addresses are fetched unless
    ``allow_private_hosts`` (or the politeness, or the client given, says so).
    """
    from khabar.fetch.http import PoliteClient, Politeness
    from khabar.fetch.poll import FeedPoller

    wanted = list(only)
    feeds = [archive.feed(key) for key in wanted] if wanted else archive.feeds()
    own_client = client is None
    politeness = politeness or Politeness()
    if allow_private_hosts:
        politeness = replace(politeness, allow_private_hosts=True)
    client = client or PoliteClient(politeness)
    poller = FeedPoller(archive, client, feeds, on_event=on_event)

    def settle(item: Analysis | Rejection | RawRecord, added: bool) -> None:
        poller.settle(item, added)
        if on_record is not None:
            on_record(item, added)

    try:
        summary = ingest(archive, poller.records(), on_record=settle, **options)
    finally:
        if own_client:
            client.close()
    return FetchSummary(poller.reports, summary)


def watch(
    archive: Archive,
    every: float,
    *,
    rounds: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
    on_round: Callable[[FetchSummary], None] | None = None,
    allow_private_hosts: bool = False,
    **options: Any,
) -> int:
    """Fetch, then sleep ``every`` seconds, again and again (``rounds`` times, or until interrupted).

    Each round commits before the next sleep, so Ctrl-C (KeyboardInterrupt) at any moment loses nothing stored.
    Returns the number of rounds done.
    """
    done = 0
    while rounds is None or done < rounds:
        summary = fetch(archive, allow_private_hosts=allow_private_hosts, **options)
        done += 1
        if on_round is not None:
            on_round(summary)
        if rounds is None or done < rounds:
            sleep(every)
    return done


def politeness(delay: float, timeout: float | None = None) -> Politeness:
    """How :func:`fetch` treats the sites it reads, with the settings a user may change: the delay between two
    requests to one site and, when given, the timeout (the rest of :class:`~khabar.fetch.http.Politeness` is
    meant to be kept). The fetch modules are imported only when fetching: httpx would slow every command's
    start."""
    from khabar.fetch.http import Politeness

    settings = Politeness(delay=delay)
    return settings if timeout is None else replace(settings, timeout=timeout)


def poll_interval(every: str) -> float:
    """How often :func:`watch` polls, from ``30s``, ``10m``, ``1h``, ``1h30m`` or plain seconds; at least ten."""
    from khabar.fetch.poll import parse_interval

    return parse_interval(every)
