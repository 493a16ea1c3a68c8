"""What makes two records the same article: their URL, or else the search terms of their text.

The rule lives here, below readers, fetching, the pipeline and the service, so that each of them asks the same
question the same way: the ingest service to skip what is stored before analysing it, the pipeline to give the
record its id, the feed poller to skip pages it need not fetch.

An identity is computed once per record: :func:`identity_of_raw` fills ``RawRecord.identity`` (and, when it needed them,
``RawRecord.text_terms``, which the store-only pipeline indexes as they are), and whoever comes later reads them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from khabar.records import RawRecord
from khabar.text.terms import term_texts

__all__ = ["article_url", "identity_of", "identity_of_raw", "text_identity", "url_identity"]


def article_url(url: str | None) -> str | None:
    """The record's URL as the archive keeps it: without surrounding spaces, ``None`` when blank."""
    return url.strip() or None if url else None


def url_identity(url: str) -> str:
    """The identity of the article at ``url``: the URL without its fragment."""
    return "url:" + url.strip().split("#", 1)[0]


def text_identity(text_terms: Sequence[str]) -> str:
    """The identity of an article without URL, from its text's search terms (:func:`khabar.text.terms.term_texts`).

    Search terms fold letters, digits, diacritics, spaces and ZWNJ, so the identity is the same for the original
    and the normalized text, with or without ZWNJ restored, whatever the ZWNJ model's version.
    """
    return "text:" + hashlib.sha256("".join(text_terms).encode()).hexdigest()


def identity_of(url: str | None, text: str) -> str:
    """The URL (without fragment) when there is one, otherwise a hash of the text's search terms."""
    url = article_url(url)
    return url_identity(url) if url else text_identity(term_texts(text))


def identity_of_raw(raw: RawRecord) -> str:
    """The identity of this record, known before any normalization or analysis: computed once and kept in
    ``raw.identity`` (a record that has one keeps it).

    Without a URL the identity hashes the text's search terms: they are kept too, in ``raw.text_terms``, where
    the store-only pipeline finds the terms to index.
    """
    if raw.identity is None:
        url = article_url(raw.url)
        if url:
            raw.identity = url_identity(url)
        else:
            raw.text_terms = term_texts(raw.text)
            raw.identity = text_identity(raw.text_terms)
    return raw.identity
