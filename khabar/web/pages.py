"""The HTML pages: the search page and the article page, each with a visible link to its JSON twin under /api.

Pages call the same :mod:`khabar.service` use cases as the API and render the records they return. Highlights are
offsets, so markup is built here from the text and its spans, escaping every piece of text; nothing from an
article reaches the page unescaped.
"""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path as FilePath
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from khabar import service
from khabar.errors import InputError, QueryTimeout
from khabar.service import (
    MAX_ID,
    Archive,
    ArticleLinks,
    Facets,
    Hit,
    MonthCount,
    SearchRequest,
    jalali_month_persian,
    jalali_persian,
    lead,
    parse_published,
)
from khabar.web.worldmap import world_map

PAGE_SIZE = 20  # search results on a page
ENTITIES_SHOWN = 100  # on the entities page
QUOTES_SHOWN = 100  # on an entity's page
SPAN_KINDS = ("entities", "quotes", "amounts", "dates")  # analysis lists rendered as highlighted spans
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_CSS_NAME = re.compile(r"[^A-Za-z0-9_-]")

templates = Jinja2Templates(directory=FilePath(__file__).parent / "templates")
templates.env.filters["fa_digits"] = lambda value: str(value).translate(_PERSIAN_DIGITS)
router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def archive(request: Request) -> Archive:
    """The archive the app opened (:func:`khabar.api.app.create_app`), for the pages and the API alike."""
    return request.app.state.archive


ArchiveDep = Annotated[Archive, Depends(archive)]
SinceQuery = Annotated[str | None, Query(alias="from")]  # the publication days a page is narrowed to
UntilQuery = Annotated[str | None, Query(alias="to")]


# -- search page ------------------------------------------------------------------------------------------------
@router.get("/")
def search_page(
    request: Request,
    store: ArchiveDep,
    q: str = "",
    since: Annotated[str, Query(alias="from")] = "",
    until: Annotated[str, Query(alias="to")] = "",
    source: str = "",
    entity: str = "",
    offset: Annotated[int, Query(ge=0, le=service.MAX_OFFSET)] = 0,
    copies: str = "",
) -> Response:
    """Search, or with no query the newest articles; a malformed query or date is explained in the page (400).

    Republications of one report are shown as one result ("N more") unless ``copies`` asks for every copy.
    """
    form = {"q": q, "from": since, "to": until, "source": source, "entity": entity, "copies": copies}
    params = {key: value for key, value in form.items() if value.strip()}
    collapse = not copies.strip()
    api_params = {key: value for key, value in params.items() if key != "copies"}
    context: dict[str, Any] = {
        "form": form,
        "json_url": _page_url(
            {**api_params, **({"collapse": "1"} if collapse else {}), "facets": "1"}, offset, "/api/search"
        ),
    }
    filters = service.SearchFilters(
        q, source, entity, collapse, service.Window(since, until, PAGE_SIZE, offset)
    )
    try:
        page = service.search(store, filters)
    except (InputError, QueryTimeout) as error:  # the form stays, with what to change
        return templates.TemplateResponse(
            request, "search.html", {**context, "error": str(error)}, status_code=error.http_status
        )
    facets: dict[str, Any] | None = None  # nothing to count when nothing matched
    with suppress(QueryTimeout):  # past their budget the results stand without their counts
        if page.total:
            facets = _facets(service.facets(store, filters), page.request, params)
    link_query = urlencode({"q": q}) if q.strip() else ""
    context.update(
        page=page,
        results=[_result(hit, link_query) for hit in page.hits],
        facets=facets,
        previous_url=_page_url(params, max(0, offset - PAGE_SIZE)) if offset > 0 else None,
        next_url=_page_url(params, offset + PAGE_SIZE) if offset + PAGE_SIZE < page.total else None,
    )
    return templates.TemplateResponse(request, "search.html", context)


def _facets(facets: Facets, asked: SearchRequest, params: dict[str, str]) -> dict[str, Any]:
    """The sidebar: each value of each facet with its count and the link that adds it to the search (from the
    first page), or marked as the filter in force. Jalali months are named as readers name them (مهر ۱۴۰۴) and
    narrow the search by Jalali days; Gregorian months by Gregorian days."""

    def link(**narrowed: str) -> str:
        return _page_url({**params, **narrowed}, 0)

    def month(count: MonthCount, jalali: bool) -> dict[str, Any]:
        first, last = date.fromisoformat(count.first_day), date.fromisoformat(count.last_day)
        since, until = count.first_day, count.last_day
        if jalali and (first_jalali := parse_published(since)) and (last_jalali := parse_published(until)):
            since, until = first_jalali.jalali, last_jalali.jalali  # the days as a Jalali reader writes them
        return {
            "label": jalali_month_persian(first) if jalali else count.month,
            "count": count.articles,
            "url": link(**{"from": since, "to": until}),
            "current": (asked.since, asked.until) == (first, last),
        }

    source = (asked.source or "").casefold()
    return {
        "sources": [
            {
                "label": count.source,
                "count": count.articles,
                "url": link(source=count.source),
                "current": count.source.casefold() == source,
            }
            for count in facets.sources
        ],
        "jalali_months": [month(count, jalali=True) for count in facets.jalali_months],
        "gregorian_months": [month(count, jalali=False) for count in facets.gregorian_months],
        "entities": [
            {
                "label": entity.name,
                "type": entity.label,
                "count": entity.articles,
                "url": link(entity=entity.id),
                "current": entity.id == asked.entity,
            }
            for entity in facets.entities
        ],
        "counts": facets,
    }


def _page_url(params: dict[str, str], offset: int, path: str = "/") -> str:
    query = urlencode({**params, "offset": offset} if offset else params)
    return f"{path}?{query}" if query else path


def _result(hit: Hit, link_query: str) -> dict[str, Any]:
    return {
        "hit": hit,
        "title": hit.title or hit.lead,
        "date": _date(hit.published),
        "url": f"/articles/{hit.id}" + (f"?{link_query}" if link_query else ""),
        "snippet": render_spans(hit.snippet.text, [_Span(s, e, "mark") for s, e in hit.snippet.highlights]),
    }


def _date(published: str | None) -> dict[str, str] | None:
    """The Jalali day in Persian (۱۷ مهر ۱۴۰۴) and the Gregorian day (2025-10-09) of a publication time."""
    parsed = parse_published(published)
    if parsed is None:
        return None
    return {"jalali": jalali_persian(parsed.day), "gregorian": parsed.day.isoformat()}


# -- article page -----------------------------------------------------------------------------------------------
@router.get("/articles/{article_id}")
def article_page(request: Request, store: ArchiveDep, article_id: str, q: str = "") -> Response:
    """The normalized text in paragraphs with the query's matches and the analysis' spans highlighted."""
    analysis = service.article(store, article_id)
    spans = [_Span(s, e, "mark") for s, e in service.query_matches(analysis.text, q)]
    listed: dict[str, list[dict[str, Any]]] = {}
    for kind in SPAN_KINDS:
        items = [item for item in getattr(analysis, kind, None) or [] if isinstance(item, dict)]
        spans.extend(span for item in items if (span := _Span.of(kind, item)) is not None)
        listed[kind] = [_listing(kind, analysis.text, item) for item in items]
    paragraphs = [
        render_spans(analysis.text, spans, start, end) for start, end in paragraph_ranges(analysis.text)
    ]
    context = {
        "analysis": analysis,
        "title": analysis.title or lead(analysis.text),
        "date": _date(analysis.published),
        "safe_url": analysis.url if (analysis.url or "").startswith(("http://", "https://")) else None,
        "paragraphs": paragraphs,
        "listed": listed,
        "q": q,
        "back_url": "/?" + urlencode({"q": q}) if q.strip() else "/",
        "json_url": f"/api/articles/{analysis.id}",
        **_copies_context(service.article_links(store, article_id)),
    }
    return templates.TemplateResponse(request, "article.html", context)


def _copies_context(links: ArticleLinks) -> dict[str, Any]:
    """The other copies of the report ("also published by …", earliest first) and the article's story."""
    return {
        "links": links,
        "copies": [
            {"linked": linked, "date": _date(linked.article.published)} for linked in links.duplicates
        ],
        "links_json_url": f"/api/articles/{links.article_id}/duplicates",
    }


# -- stories ----------------------------------------------------------------------------------------------------
@router.get("/stories/{story_id}")
def story_page(
    request: Request, store: ArchiveDep, story_id: Annotated[int, Path(ge=0, le=MAX_ID)]
) -> Response:
    """One story: its articles over time with their sources; republications marked as such."""
    detail = service.story(store, story_id)
    articles = [
        {**_result(linked.article, ""), "linked": linked, "republished": linked.duplicate_of is not None}
        for linked in detail.articles
    ]
    timeline: dict[str, int] = {}
    for linked in detail.articles:
        parsed = parse_published(linked.article.published)
        if parsed is not None:
            timeline[parsed.day.isoformat()] = timeline.get(parsed.day.isoformat(), 0) + 1
    first_article = detail.articles[0].article if detail.articles else None
    context = {
        "detail": detail,
        "title": (first_article.title or first_article.lead) if first_article else "",
        "articles": articles,
        "chart": timeline_chart(sorted(timeline.items())),
        "first": _date(detail.first_day),
        "last": _date(detail.last_day),
        "json_url": f"/api/stories/{story_id}",
    }
    return templates.TemplateResponse(request, "story.html", context)


def _listing(kind: str, text: str, item: dict[str, Any]) -> dict[str, Any]:
    """One entity/quote/amount/date for the list under the text: its words, label and simple attributes."""
    start, end = item.get("start"), item.get("end")
    words = item.get("text")
    if not isinstance(words, str):
        words = text[start:end] if _valid(start, end, len(text)) else ""
    label = str(item.get("label") or item.get("type") or "")
    details = {
        key: value
        for key, value in item.items()
        if key not in ("start", "end", "text", "label", "type", "key", "entity_id")
        and isinstance(value, str | int | float)
        and value != ""
    }
    link = f"/entities/{item['entity_id']}" if isinstance(item.get("entity_id"), str) else None
    if kind == "quotes":
        label = str(item.get("speaker_canonical") or item.get("speaker") or "")
        speaker_id = item.get("speaker_entity_id")
        link = f"/entities/{speaker_id}" if isinstance(speaker_id, str) else None
        details = {key: details[key] for key in ("speaker", "cue", "kind") if key in details}
    return {"text": words, "label": label, "css": span_class(kind, label), "details": details, "link": link}


# -- entities ---------------------------------------------------------------------------------------------------
@router.get("/entities")
def entities_page(
    request: Request,
    store: ArchiveDep,
    label: Annotated[str | None, Query(alias="type")] = None,
    since: SinceQuery = None,
    until: UntilQuery = None,
) -> Response:
    """Who and what the archive talks about most, by type."""
    params = {k: v for k, v in {"type": label, "from": since, "to": until}.items() if v}
    try:
        rows = service.entities(
            store, label=label or None, window=service.Window(since, until, ENTITIES_SHOWN)
        )
        error = None
    except InputError as problem:
        rows, error = [], str(problem)
    context = {
        "rows": rows,
        "error": error,
        "label": label or "",
        "since": since or "",
        "until": until or "",
        "labels": service.ENTITY_LABELS,
        "json_url": _page_url(params, 0, "/api/entities"),
    }
    return templates.TemplateResponse(request, "entities.html", context, status_code=400 if error else 200)


@router.get("/entities/{entity_id}")
def entity_page(request: Request, store: ArchiveDep, entity_id: str) -> Response:
    """One entity: mentions over time, who and what appears with it, the articles."""
    detail = service.entity(store, entity_id)
    said = service.quotes(store, speaker=entity_id, window=service.Window(limit=QUOTES_SHOWN))
    context = {
        "detail": detail,
        "quotes": [{"quote": quote, "date": _date(quote.published)} for quote in said.quotes],
        "quote_total": said.total,
        "chart": timeline_chart(detail.timeline),
        "articles": [_result(hit, urlencode({"q": detail.entity.name})) for hit in detail.articles],
        "json_url": f"/api/entities/{entity_id}",
    }
    return templates.TemplateResponse(request, "entity.html", context)


@router.get("/map")
def map_page(
    request: Request,
    store: ArchiveDep,
    since: SinceQuery = None,
    until: UntilQuery = None,
) -> Response:
    """Where the archive's news happens: a pin per place, sized by the articles naming it."""
    params = {k: v for k, v in {"from": since, "to": until}.items() if v}
    try:
        places, error = service.places(store, service.Window(since, until)), None
    except InputError as problem:
        places, error = [], str(problem)
    context = {
        "svg": world_map(places),
        "places": places[:50],
        "error": error,
        "since": since or "",
        "until": until or "",
        "json_url": _page_url(params, 0, "/api/places"),
    }
    return templates.TemplateResponse(request, "map.html", context, status_code=400 if error else 200)


def timeline_chart(timeline: list[tuple[str, int]], width: int = 640, height: int = 120) -> Markup:
    """Articles per month (per day within two months) as an inline SVG bar chart: no script, no network."""
    if not timeline:
        return Markup("")
    first, last = timeline[0][0], timeline[-1][0]
    by_month = (date.fromisoformat(last) - date.fromisoformat(first)).days > 62
    counts: dict[str, int] = {}
    for day, count in timeline:
        bucket = day[:7] if by_month else day
        counts[bucket] = counts.get(bucket, 0) + count
    buckets = _all_buckets(first, last, by_month)  # empty days or months stay visible as gaps
    peak = max(counts.values())
    bar = width / len(buckets)
    bars = []
    for index, bucket in enumerate(buckets):
        if not counts.get(bucket):
            continue
        bar_height = max(2.0, (height - 20) * counts[bucket] / peak)
        x = width - (index + 1) * bar  # right to left, as Persian readers read time
        label = _bucket_label(bucket)
        bars.append(
            f'<rect x="{x + 1:.1f}" y="{height - 16 - bar_height:.1f}" width="{max(bar - 2, 1):.1f}" '
            f'height="{bar_height:.1f}"><title>{escape(label)}: {counts[bucket]}</title></rect>'
        )
    ends = (
        f'<text x="{width - 2}" y="{height - 2}" text-anchor="start" direction="rtl">'
        f"{escape(_bucket_label(buckets[0]))}</text>"
        f'<text x="2" y="{height - 2}" text-anchor="end" direction="rtl">{escape(_bucket_label(buckets[-1]))}</text>'
    )
    return Markup(
        f'<svg class="timeline" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="شمار خبرها در طول زمان">{"".join(bars)}{ends}</svg>'
    )


def _all_buckets(first: str, last: str, by_month: bool) -> list[str]:
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    if not by_month:
        return [(start + timedelta(days=offset)).isoformat() for offset in range((end - start).days + 1)]
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _bucket_label(bucket: str) -> str:
    """A month (YYYY-MM) or day (YYYY-MM-DD) in the Jalali calendar, in Persian digits."""
    day = date.fromisoformat(bucket + "-15" if len(bucket) == 7 else bucket)
    text = jalali_persian(day)
    return text.split(" ", 1)[1] if len(bucket) == 7 else text


# -- errors -----------------------------------------------------------------------------------------------------
def error_page(request: Request, message: str, status: int) -> Response:
    """The HTML twin of the API's ``{"error": message}``, used by the app's error handler."""
    return templates.TemplateResponse(
        request, "error.html", {"message": message, "status": status}, status_code=status
    )


# -- rendering spans over text ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    kind: str  # "mark" or one of SPAN_KINDS
    label: str = ""

    @classmethod
    def of(cls, kind: str, item: dict[str, Any]) -> _Span | None:
        start, end = item.get("start"), item.get("end")
        if not isinstance(start, int) or not isinstance(end, int):
            return None
        label = item.get("label") or item.get("type") or ""
        if kind == "quotes":
            label = item.get("speaker_canonical") or item.get("speaker") or ""
        return cls(start, end, kind, str(label))

    def open_tag(self) -> Markup:
        if self.kind == "mark":
            return Markup("<mark>")
        title = self.label or {"quotes": "نقل قول", "amounts": "مقدار", "dates": "تاریخ"}.get(self.kind, "")
        if self.kind == "quotes":
            return Markup('<span class="quote" title="{}" data-speaker="{}">').format(title, self.label)
        return Markup('<span class="{}" title="{}">').format(span_class(self.kind, self.label), title)

    def close_tag(self) -> Markup:
        return Markup("</mark>" if self.kind == "mark" else "</span>")


def span_class(kind: str, label: str) -> str:
    """The CSS class of a span: ``ent ent-PER`` for an entity labelled PER, the kind's own class otherwise."""
    if kind == "entities":
        return "ent ent-" + (_CSS_NAME.sub("", label) or "MISC")
    return {"quotes": "quote", "amounts": "amount", "dates": "date"}.get(kind, "span")


_NESTING_ORDER = {
    "quotes": 0,
    "entities": 1,
    "dates": 2,
    "amounts": 3,
    "mark": 4,
}  # outer first on equal ranges


def _valid(start: Any, end: Any, length: int) -> bool:
    return isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= length


def nested(spans: list[_Span], length: int) -> list[_Span]:
    """The spans that can be rendered as properly nested elements, outer first.

    Invalid spans are dropped, and so is a span that crosses the boundary of one already kept (the longer one,
    which sorts first, wins); spans inside others are kept, so a query match inside an entity stays visible.
    """
    kept: list[_Span] = []
    open_ends: list[int] = []
    ordered = sorted(
        (span for span in spans if _valid(span.start, span.end, length)),
        key=lambda span: (span.start, -span.end, _NESTING_ORDER.get(span.kind, 5)),
    )
    for span in ordered:
        while open_ends and open_ends[-1] <= span.start:
            open_ends.pop()
        if open_ends and span.end > open_ends[-1]:
            continue
        kept.append(span)
        open_ends.append(span.end)
    return kept


def render_spans(text: str, spans: list[_Span], start: int = 0, end: int | None = None) -> Markup:
    """``text[start:end]`` as HTML with each span wrapped in its element; spans are clipped to the range."""
    end = len(text) if end is None else end
    out: list[str] = []
    position = start
    stack: list[tuple[int, Markup]] = []
    for span in nested(spans, len(text)):
        span_start, span_end = max(span.start, start), min(span.end, end)
        if span_start >= span_end:
            continue
        while stack and stack[-1][0] <= span_start:
            close_at, close_tag = stack.pop()
            out += [escape(text[position:close_at]), close_tag]
            position = close_at
        out += [escape(text[position:span_start]), span.open_tag()]
        position = span_start
        stack.append((span_end, span.close_tag()))
    while stack:
        close_at, close_tag = stack.pop()
        out += [escape(text[position:close_at]), close_tag]
        position = close_at
    out.append(escape(text[position:end]))
    return Markup("".join(out))


def paragraph_ranges(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each paragraph; paragraphs are separated by blank lines."""
    ranges, position = [], 0
    for gap in _PARAGRAPH_BREAK.finditer(text):
        if gap.start() > position:
            ranges.append((position, gap.start()))
        position = gap.end()
    if position < len(text):
        ranges.append((position, len(text)))
    return ranges
