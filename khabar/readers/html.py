"""Web pages (``.html``, ``.htm``, and pages fetched from feeds) → one article record each.

Three problems are solved here, in this order:

1. **Decoding.** A byte-order mark wins; then the charset of the HTTP ``Content-Type``; then ``<meta charset>``
   or ``<meta http-equiv="Content-Type">`` near the top of the page; then khabar's own detection of UTF-8 and
   Windows-1256 (:mod:`khabar.readers.decoding`). A page whose label is wrong but whose bytes are valid UTF-8
   is read as UTF-8 (a legacy encoding almost never forms valid multi-byte UTF-8 by accident).
2. **Main text.** trafilatura finds the article among menus, related links and footers, and its metadata: title,
   site name, date. But trafilatura deletes every character that :meth:`str.isprintable` rejects, and the
   zero-width non-joiner U+200C (category Cf) is one of them (``trafilatura.utils.remove_control_characters``,
   called on every text node and metadata value); ``می‌خواهیم`` would come out as ``میخواهیم``. There is no option
   to keep it, so each ZWNJ — literal, ``&zwnj;``, ``&#8204;`` or ``&#x200c;`` — is replaced, before parsing, by
   a printable letter that does not occur in the page (a Vai syllable, which nothing in trafilatura strips, splits
   on or normalizes) and put back in everything extracted. :func:`protect_zwnj` and :func:`restore_zwnj` do it.
3. **Metadata.** The canonical link (``<link rel=canonical>``, ``og:url``) becomes the URL when it is a real
   article address on the same site (a canonical pointing at the home page is ignored: it would make every page
   the same article). Dates come from ``article:published_time`` and similar meta tags, JSON-LD
   ``datePublished``, then the caller's fallback (a feed entry's date), then trafilatura's guess; the first one
   :func:`khabar.dates.parse_published` can read wins, and an unreadable one is kept as written.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO
from urllib.parse import urljoin, urlsplit

from khabar.dates import parse_published
from khabar.readers import limits
from khabar.readers.decoding import DecodeFailure, decode, preview
from khabar.readers.fields import PARAGRAPH_SEPARATOR
from khabar.records import RawRecord, Rejection
from khabar.text.alphabet import ZWNJ

_ZWNJ_FORMS = re.compile(r"\u200c|&zwnj;|&#0*8204;|&#[xX]0*200[cC];")
# Letters trafilatura keeps as they are (printable, not spaces, no Unicode decomposition): Vai, then Yi syllables.
_PLACEHOLDERS = (*range(0xA500, 0xA62C), *range(0xA000, 0xA48D))

CHARSET_SNIFF_BYTES = 8192
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([^"';,\s]+)""", re.IGNORECASE)
_TAGS = re.compile(rb"<[^>]*>")
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
MAX_REPLACED_SHARE = 0.01  # a declared charset that leaves more undecodable bytes than this is not trusted
MIN_WORDS = 10  # less extracted text is a menu or a teaser, not an article

# Meta tags that carry the publication time, in order of preference (names compared in lower case).
DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "published_time",
    "datepublished",
    "article.published",
    "pubdate",
    "publishdate",
    "publish-date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.created",
    "date",
    "sailthru.date",
    "parsely-pub-date",
)


class PageFailure(ValueError):
    """The page holds no article text that could be extracted; the message says why."""


@dataclass(slots=True)
class Page:
    """What was extracted from one HTML page (ZWNJ intact)."""

    text: str  # paragraphs separated by a blank line
    title: str | None = None
    url: str | None = None  # the canonical address, when the page gives a usable one
    site_name: str | None = None
    dates: list[str] = field(default_factory=list)  # the page's own date strings, preferred first
    guessed_date: str | None = None  # trafilatura's (htmldate's) day, the last resort


def read(origin: str, stream: BinaryIO) -> Iterator[RawRecord | Rejection]:
    """One record for an HTML file on disk (the file is the article); a page over
    :data:`~khabar.readers.limits.MAX_RECORD_BYTES` is rejected without being read whole."""
    data = stream.read(limits.MAX_RECORD_BYTES + 1)
    if len(data) > limits.MAX_RECORD_BYTES:
        size = limits.megabytes(limits.MAX_RECORD_BYTES)
        yield Rejection(origin, 1, f"the page is over {size} (MAX_RECORD_BYTES): too large for one article")
        return
    yield page_record(data, origin=origin)


def page_record(
    data: bytes,
    *,
    origin: str,
    record_no: int = 1,
    content_type: str | None = None,
    url: str | None = None,
    source: str | None = None,
    title: str | None = None,
    published: str | None = None,
) -> RawRecord | Rejection:
    """Decode and extract a page into a record, or reject it with the reason.

    ``url`` is where the page was found (the canonical link, when usable, replaces it); ``source`` names the
    publisher (else the page's site name); ``title`` and ``published`` (e.g. a feed entry's) are used when the page
    has no title or no readable date of its own.
    """
    try:
        html, encoding = decode_html(data, content_type)
    except DecodeFailure as failure:
        return Rejection(origin, record_no, f"cannot decode the page: {failure}", preview(data))
    try:
        page = extract_page(html, url)
    except PageFailure as failure:
        return Rejection(origin, record_no, str(failure), _visible_excerpt(html))
    return RawRecord(
        text=page.text,
        origin=origin,
        record_no=record_no,
        url=page.url or url,
        source=source or page.site_name,
        title=page.title or title,
        published=choose_published([*page.dates, *([published] if published else [])], page.guessed_date),
        encoding=encoding,
    )


def choose_published(candidates: list[str], guessed: str | None = None) -> str | None:
    """The first date string :func:`parse_published` can read; else the guess; else the first as written."""
    for candidate in candidates:
        if parse_published(candidate) is not None:
            return candidate
    if guessed and parse_published(guessed) is not None:
        return guessed
    return candidates[0] if candidates else None


# -- decoding -------------------------------------------------------------------------------------------------
def decode_html(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """``(html, encoding)`` by BOM, HTTP charset, meta charset, then detection; raises DecodeFailure."""
    if data.startswith(_BOMS):
        return decode(data)
    declared = _codec(charset_from_content_type(content_type)) or _codec(meta_charset(data))
    if declared and declared != "utf-8" and _is_utf8_beyond_ascii(data):
        return data.decode("utf-8"), "utf-8"
    if declared:
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass
    try:
        return _detect(data)
    except DecodeFailure:
        if not declared:
            raise
    text = data.decode(declared, errors="replace")
    if text.count("\ufffd") > MAX_REPLACED_SHARE * max(len(text), 1):
        raise DecodeFailure(f"the page says it is {declared} but is not, and it is not UTF-8 or Windows-1256")
    return text, declared


def _detect(data: bytes) -> tuple[str, str]:
    """khabar's detection, judged on the text between the tags: markup's ``<``, ``=`` and ``>`` would otherwise
    count as the symbols that make Windows-1256 look like binary data."""
    try:
        return decode(data)
    except DecodeFailure as failure:
        try:
            _, encoding = decode(_TAGS.sub(b" ", data))
        except DecodeFailure:
            raise failure from None
    return data.decode(encoding, errors="replace"), encoding


def charset_from_content_type(content_type: str | None) -> str | None:
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def meta_charset(data: bytes) -> str | None:
    """The charset a ``<meta>`` tag declares near the top of the page (both the HTML5 and the old form)."""
    match = _META_CHARSET.search(data[:CHARSET_SNIFF_BYTES])
    return match.group(1).decode("ascii") if match else None


def _codec(label: str | None) -> str | None:
    """Python's codec name for a charset label, ``None`` when unknown; UTF-16 labels in HTML mean UTF-8."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    return "utf-8" if name.startswith("utf-16") else name


def _is_utf8_beyond_ascii(data: bytes) -> bool:
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# -- ZWNJ protection ------------------------------------------------------------------------------------------
def protect_zwnj(html: str) -> tuple[str, str]:
    """Replace every ZWNJ (literal or as an entity) by a letter absent from ``html``: ``(protected, letter)``."""
    present = set(html)
    letter = next((chr(code) for code in _PLACEHOLDERS if chr(code) not in present), "")
    if not letter:  # a page using all 1,400 placeholder letters; nothing left to protect with
        return html, ""
    return _ZWNJ_FORMS.sub(letter, html), letter


def restore_zwnj(text: str, letter: str) -> str:
    return text.replace(letter, ZWNJ) if letter else text


# -- extraction -----------------------------------------------------------------------------------------------
def extract_page(html: str, url: str | None = None) -> Page:
    """The main text and metadata of a page, ZWNJ intact; raises :class:`PageFailure` when there is no text."""
    import trafilatura
    from trafilatura.utils import load_html

    protected, letter = protect_zwnj(_without_xml_declaration(html))
    tree = load_html(protected)
    if tree is None:
        raise PageFailure("not an HTML page: the parser found no document in it")
    canonical = _canonical_url(tree, url)
    dates = [restore_zwnj(value, letter) for value in _page_dates(tree)]
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = getattr(document, "text", None) or ""
    if not text.strip():
        raise PageFailure("no article text found in the page (trafilatura extracted nothing)")
    title = _clean(restore_zwnj(getattr(document, "title", None) or "", letter))
    paragraphs = [_clean(line) for line in restore_zwnj(text, letter).splitlines()]
    paragraphs = [line for line in paragraphs if line]
    if title and paragraphs and paragraphs[0] == title and len(paragraphs) > 1:
        paragraphs = paragraphs[1:]  # the headline is the title, not the first paragraph of the text
    words = sum(len(line.split()) for line in paragraphs)
    if words < MIN_WORDS:
        raise PageFailure(
            f"only {words} words of text found in the page: not an article, or its text is loaded by JavaScript"
        )
    return Page(
        text=PARAGRAPH_SEPARATOR.join(paragraphs),
        title=title or None,
        url=canonical,
        site_name=_clean(restore_zwnj(_og_site_name(tree) or "", letter)) or None,
        dates=dates,
        guessed_date=getattr(document, "date", None),
    )


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_SPACES = re.compile(r"[^\S\n]+")


def _without_xml_declaration(html: str) -> str:
    """lxml refuses a decoded string that still declares an encoding."""
    return _XML_DECLARATION.sub("", html, count=1)


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _canonical_url(tree: Any, base: str | None) -> str | None:
    """The page's canonical address, when it is an article address on the page's own site."""
    hrefs = tree.xpath(
        "//link[contains(concat(' ', translate(normalize-space(@rel), 'CANONICAL', 'canonical'), ' '),"
        " ' canonical ')]/@href | //meta[@property='og:url']/@content"
    )
    for href in (str(value).strip() for value in hrefs):
        if not href:
            continue
        candidate = urljoin(base or "", href)
        parts = urlsplit(candidate)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path in ("", "/"):
            continue
        if base and _host(candidate) != _host(base):
            continue
        return candidate.split("#", 1)[0]
    return None


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


def _og_site_name(tree: Any) -> str | None:
    values = tree.xpath("//meta[@property='og:site_name']/@content")
    return str(values[0]) if values else None


def _page_dates(tree: Any) -> list[str]:
    """Publication date strings the page states itself, preferred first, without repeats."""
    found: dict[str, int] = {}
    for meta in tree.xpath("//meta[@content]"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key in DATE_META:
            found.setdefault(meta.get("content").strip(), DATE_META.index(key))
    ranked = [value for value, _ in sorted(found.items(), key=lambda item: item[1]) if value]
    for element in tree.xpath("//*[@itemprop='datePublished']"):
        value = (element.get("datetime") or element.get("content") or element.text_content() or "").strip()
        ranked.append(value)
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        ranked.extend(_json_ld_dates(str(script)))
    return list(dict.fromkeys(value for value in ranked if value))


def _json_ld_dates(script: str) -> list[str]:
    try:
        data = json.loads(script)
    except ValueError:
        return []
    found: list[str] = []
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            value = item.get("datePublished")
            if isinstance(value, str):
                found.append(value.strip())
            stack.extend(
                value for key, value in item.items() if key in ("@graph", "mainEntity", "itemListElement")
            )
    return found


def _visible_excerpt(html: str) -> str:
    """A short excerpt of a page for a rejection: its text without tags."""
    return _clean(re.sub(r"<[^>]+>", " ", html))[:200]
