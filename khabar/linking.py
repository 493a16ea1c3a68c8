"""Linking a stored article to the archive: what it republishes (near-duplicates) and which story it belongs to.

This is the step the ingest service runs right after the archive stores an article, in the same write block, so a
batch that a crash rolls back takes its links with it, and a rerun (where the archive finds the article already
stored) never links an article twice. The decisions are made here; the archive only looks up candidates and
persists what it is given (:class:`~khabar.store.base.LinkIndex`), so a new backend implements storage only.

**Near-duplicates (LSH).** The band keys of an article's MinHash signature (:mod:`khabar.duplicates`) are stored
with it. The candidates of a new article are the articles sharing one of its keys: one indexed lookup per key,
whatever the archive's size, and nothing kept in memory between articles. Candidates are checked against their
stored signature first (cheap) and then with the exact Jaccard of the shingle sets, rebuilt from the stored text,
so a false candidate costs time but never precision.

**Order.** "Earlier" means by publication time, then by ingest order (undated articles come after dated ones).
``duplicate_of`` is the earliest earlier article an article republishes; when an article arrives that is earlier
than copies already stored (feeds deliver out of order), those copies are pointed at it. A duplicate group is
named by its earliest article; groups that a new article bridges are merged.

**Stories** (:mod:`khabar.stories`). A republication joins the story of what it republishes; any other article
joins the story of the best-matching article within ``WINDOW_DAYS`` or starts one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from khabar.duplicates import (
    THRESHOLD,
    band_keys,
    estimated_jaccard,
    jaccard,
    shingles,
    signature,
    signature_bytes,
    signature_from_bytes,
)
from khabar.records import Analysis
from khabar.store.base import LinkCandidate, LinkLookup, NewLinks
from khabar.stories import WINDOW_DAYS, same_story, story_keys, story_score
from khabar.text.terms import term_texts

if TYPE_CHECKING:
    from khabar.store.base import Archive, LinkIndex

MAX_CANDIDATES = 50  # a text copied hundreds of times is compared with the 50 sharing the most bands
MAX_STORY_CANDIDATES = 30
PREFILTER_MARGIN = 0.15  # no exact check when the signatures estimate J below THRESHOLD - this (≈ 3.5 σ)

Order = tuple[bool, str, int]


def add_linked(archive: Archive, analysis: Analysis, ingested_at: str | None = None) -> bool:
    """Store an article and, when it is analyzed, link it; ``False`` when the archive has it already.

    Its link candidates are looked up before it is stored (it is no candidate of its own), so that an archive
    that queues statements answers both in one round trip. A store-only article (``analyzed`` false) is linked
    when :func:`replace_relinked` stores its analysis."""
    _carry_terms(analysis)
    wanted = _wanted_links(archive, analysis) if analysis.analyzed else None
    key = archive.add(analysis, ingested_at)
    if key is None:
        return False
    if wanted is not None:
        _link(archive, key, analysis, wanted)
    return True


def replace_relinked(archive: Archive, analysis: Analysis) -> None:
    """Store a new analysis of a stored article and bring its links up to date (``khabar reanalyze``)."""
    _carry_terms(analysis)
    relink(archive, archive.replace(analysis), analysis)


def link_unlinked(archive: Archive, batch: int = 500) -> int:
    """Link analyzed articles stored before links existed (an archive from an older khabar), earliest first;
    their count. One write block per batch, so an interrupted run goes on where it stopped next time."""
    done = 0
    while True:
        with archive.writing():
            pending = archive.unlinked(batch)
            for key, analysis in pending:
                link(archive, key, analysis)
        if not pending:
            return done
        done += len(pending)


@dataclass(frozen=True, slots=True)
class _Match:
    """A stored article that the new one shares enough text with."""

    candidate: LinkCandidate
    published: str | None
    similarity: float

    @property
    def order(self) -> Order:
        return _order(self.published, self.candidate.key)


def _order(published: str | None, key: int) -> Order:
    """Publication time, then ingest order; undated articles after dated ones."""
    return (published is None, published or "", key)


@dataclass(frozen=True, slots=True)
class _Wanted:
    """What an article's links are decided from: its shingles, MinHash signature and band keys, story keys and
    day, and the stored articles these point to."""

    shingle_set: set[int]
    values: np.ndarray | None
    band_keys: list[int]
    story_keys: frozenset[str]
    day: str | None
    candidates: LinkLookup


def _wanted_links(index: LinkIndex, analysis: Analysis) -> _Wanted:
    shingle_set = shingles(analysis.text)
    values = signature(shingle_set) if shingle_set else None
    keys = band_keys(values) if values is not None else []
    keys_of_story = story_keys(analysis.title, _text_terms(analysis), analysis.entities)
    day = analysis.published_day
    limits = (MAX_CANDIDATES, MAX_STORY_CANDIDATES)
    lookup = index.link_candidates(keys, keys_of_story, day, WINDOW_DAYS, limits)
    return _Wanted(shingle_set, values, keys, keys_of_story, day, lookup)


def link(index: LinkIndex, key: int, analysis: Analysis) -> None:
    """Find what a stored article republishes and which story it belongs to; have the archive store both."""
    _link(index, key, analysis, _wanted_links(index, analysis))


def _link(index: LinkIndex, key: int, analysis: Analysis, wanted: _Wanted) -> None:
    own_order = _order(analysis.published, key)
    matches = _verified_matches(index, wanted)

    earlier = [match for match in matches if match.order < own_order]
    original = min(earlier, key=lambda match: match.order) if earlier else None
    for match in matches:  # copies stored before but published after this article
        if match.order > own_order and _points_later(index, match.candidate, own_order):
            index.repoint_copy(match.candidate.key, key, match.similarity)

    group = _merge_groups(index, key, own_order, matches)
    if matches:
        story_id = _story_of_group(index, group, matches)
    else:
        found = _best_story(wanted.candidates.stories, len(wanted.story_keys))
        story_id = found if found is not None else index.new_story()
    index.save_links(
        NewLinks(
            key=key,
            signature=signature_bytes(wanted.values) if wanted.values is not None else None,
            duplicate_of=original.candidate.key if original else None,
            similarity=original.similarity if original else None,
            dup_group=group,
            story_id=story_id,
            band_keys=wanted.band_keys,
            story_keys=wanted.story_keys,
            day=wanted.day,
        )
    )


def relink(index: LinkIndex, key: int, analysis: Analysis) -> None:
    """After a reanalysis: link an article a store-only ingest left unlinked; for one already linked, add the
    story keys the analysis found (the entities a store-only ingest lacked) and, when the article is still alone
    in its story, look for a matching story again. Keys are only added (the old ones came from the same words),
    so the article's near-duplicate links stay as they were."""
    state = index.story_state(key)
    if state is None:
        link(index, key, analysis)
        return
    if not state.day:
        return
    keys = story_keys(analysis.title, _text_terms(analysis), analysis.entities)
    key_count = state.key_count + index.add_story_keys(key, keys, state.day)
    if state.story_size != 1:
        return
    candidates = (
        index.story_candidates(keys, state.day, WINDOW_DAYS, key, MAX_STORY_CANDIDATES) if keys else []
    )
    found = _best_story(candidates, key_count)
    if found is not None and found != state.story_id:
        index.move_to_story(key, state.story_id, found, state.day)


def _verified_matches(index: LinkIndex, wanted: _Wanted) -> list[_Match]:
    """Stored articles whose exact shingle Jaccard with this one reaches THRESHOLD, with that similarity.

    Candidates share a band key; those whose stored signature estimates a Jaccard well below the threshold are
    dropped before their text is read and shingled for the exact check.
    """
    if wanted.values is None:
        return []
    matches = []
    for candidate in wanted.candidates.duplicates:
        if candidate.signature is None:
            continue
        stored = signature_from_bytes(candidate.signature)
        if estimated_jaccard(wanted.values, stored) < THRESHOLD - PREFILTER_MARGIN:
            continue
        published, text = index.published_and_text(candidate.key)
        similarity = jaccard(wanted.shingle_set, shingles(text))
        if similarity >= THRESHOLD:
            matches.append(_Match(candidate, published, round(similarity, 4)))
    return matches


def _points_later(index: LinkIndex, stored: LinkCandidate, own_order: Order) -> bool:
    """Whether a stored copy's duplicate_of is missing or later than the new article (so should move to it)."""
    if stored.duplicate_of is None:
        return True
    published = index.published_of([stored.duplicate_of])
    return (
        stored.duplicate_of in published
        and _order(published[stored.duplicate_of], stored.duplicate_of) > own_order
    )


def _merge_groups(index: LinkIndex, key: int, own_order: Order, matches: list[_Match]) -> int:
    """The duplicate group of the new article: its matches' groups merged, named by the earliest article."""
    roots = {match.candidate.dup_group for match in matches}
    if not roots:
        return key
    ordered = [_order(published, root) for root, published in index.published_of(sorted(roots)).items()]
    root = min([*ordered, own_order])[2]
    moved = sorted(old for old in roots if old != root)
    if moved:
        index.merge_groups(root, moved)
    return root


def _story_of_group(index: LinkIndex, group: int, matches: list[_Match]) -> int:
    """A republication's story: that of its group's earliest stored article (or of its earliest match)."""
    story_id = index.story_of(group)
    if story_id is not None:
        return story_id
    return min(matches, key=lambda match: match.order).candidate.story_id


def _best_story(candidates: list[tuple[int, int, int]], own_keys: int) -> int | None:
    """The story of the best-matching candidate ``(keys shared, its key count, its story)``, if any matches."""
    scored = [
        (story_score(shared, own_keys, count), story_id)
        for shared, count, story_id in candidates
        if same_story(shared, own_keys, count)
    ]
    return max(scored)[1] if scored else None


def _carry_terms(analysis: Analysis) -> None:
    """A record read back (an import, a benchmark) lacks the search terms the pipeline computes: compute them once
    here, so the archive's index and the story keys share them."""
    if analysis.index_terms is None:
        analysis.index_terms = (term_texts(analysis.title or ""), term_texts(analysis.text))


def _text_terms(analysis: Analysis) -> Sequence[str]:
    """The text's search terms: those the pipeline computed, else (a record read back) computed now."""
    return analysis.index_terms[1] if analysis.index_terms else term_texts(analysis.text)
