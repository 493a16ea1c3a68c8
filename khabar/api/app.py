"""The HTTP face of khabar: a JSON API under ``/api`` and the HTML pages, both thin layers over :mod:`khabar.service`.

``create_app`` opens the archive once; handlers only parse parameters, call a use case and return its ``to_dict()``.
Every :class:`~khabar.errors.KhabarError` becomes ``{"error": message}`` with the error's own HTTP status (the pages
get the same message as HTML), so a malformed query is a 400 with the parser's explanation, never a traceback; so
do parameters out of bounds, HTTP errors (404, 405, 413) and, as a last resort, an unexpected exception (a 500
saying "internal error", the traceback only in the server's log).

Reads are open; writes pass :class:`~khabar.api.security.WriteGuard` (a token, from no foreign page) and request
bodies are bounded (``max_body_mb`` for an upload to ``/api/ingest``, ``max_json_mb`` for any other request).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path as FilePath
from typing import Annotated, Any, Unpack

from fastapi import APIRouter, Body, Depends, FastAPI, Path, Query, Request, Security, UploadFile
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPBearer
from fastapi.staticfiles import StaticFiles
from markupsafe import escape
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp

from khabar import service
from khabar.api.security import (
    BodyLimit,
    HostGuard,
    SecurityHeaders,
    ServerOptions,
    ServerSettings,
    WriteGuard,
)
from khabar.errors import InputError, KhabarError
from khabar.records import Analysis
from khabar.service import (
    MAX_ID,
    MAX_LIMIT,
    MAX_OFFSET,
    EntitySummary,
    Facets,
    Hit,
    SearchRequest,
    Stats,
    StoredQuote,
    StoredRejection,
    open_archive,
)
from khabar.web import pages
from khabar.web.pages import ArchiveDep

STATIC = FilePath(pages.__file__).parent / "static"
log = logging.getLogger(__name__)


# -- output schemas (the shapes of the records' to_dict(), for the OpenAPI docs) ---------------------------------
class RejectionOut(BaseModel):
    origin: str
    record_no: int | None
    reason: str


class IngestSummaryOut(BaseModel):
    added: int
    duplicates: int
    rejected: int
    undated: int
    encodings: dict[str, int]
    rejections: list[RejectionOut]


class ErrorOut(BaseModel):
    error: str


# -- input schema of POST /api/articles (documentation only: the body is checked by service.ingest_mappings) ---
_ARTICLE_IN = {
    "type": "object",
    "description": "One article with the field names of JSON Lines input (other accepted names work too).",
    "properties": {
        "text": {"type": "string", "description": "The article text (or `content`, `body`)."},
        "title": {"type": "string"},
        "url": {"type": "string"},
        "source": {"type": "string", "example": "ILNA"},
        "date": {
            "type": "string",
            "description": "Gregorian or Jalali (or `published`).",
            "example": "1404-07-17",
        },
        "id": {"type": "string", "description": "The publisher's own identifier."},
    },
    "additionalProperties": True,
}
_ARTICLES_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"oneOf": [_ARTICLE_IN, {"type": "array", "items": _ARTICLE_IN}]}}
        },
    }
}
_ERRORS: dict[int | str, dict[str, Any]] = {400: {"model": ErrorOut}, 404: {"model": ErrorOut}}
_WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {
        "model": ErrorOut,
        "description": "No token, or a wrong one (send `Authorization: Bearer <token>`)",
    },
    403: {"model": ErrorOut, "description": "The server is read-only, or the request came from another site"},
    413: {"model": ErrorOut, "description": "The request body is larger than the server accepts"},
}
# Documents the token for /docs ("Authorize"); WriteGuard checks it for every write, whatever the route declares.
_bearer = HTTPBearer(auto_error=False, description="The token `khabar serve` printed, or its --token.")


def _settings(request: Request) -> ServerSettings:
    return request.app.state.settings


# -- the query parameters several routes share, each mapped to the service's value objects ----------------------
Since = Annotated[
    str | None, Query(alias="from", description="Articles published from this day: 2025-10-01 or 1404-07-01.")
]
Until = Annotated[str | None, Query(alias="to", description="Articles published up to this day, inclusive.")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"At most {MAX_LIMIT}.")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Results to skip (paging).")]


def days_query(since: Since = None, until: Until = None) -> service.Window:
    """The publication days asked for (the map's places)."""
    return service.Window(since, until)


def top_query(
    since: Since = None, until: Until = None, limit: Limit = service.FINDINGS_LIMIT
) -> service.Window:
    """The publication days and how many to list (the most named entities)."""
    return service.Window(since, until, limit)


def page_query(
    since: Since = None, until: Until = None, limit: Limit = service.FINDINGS_LIMIT, offset: Offset = 0
) -> service.Window:
    """The publication days and the page asked for (quotes, amounts, date mentions)."""
    return service.Window(since, until, limit, offset)


def search_query(
    q: Annotated[
        str | None, Query(description='Words, "phrases", AND, OR, NOT, parentheses; empty: newest.')
    ] = None,
    since: Since = None,
    until: Until = None,
    source: Annotated[str | None, Query(description="Only this source, e.g. ILNA.")] = None,
    entity: Annotated[
        str | None, Query(description="Only articles naming this entity: an id or a name (PER:کاکاوند).")
    ] = None,
    limit: Limit = service.SEARCH_LIMIT,
    offset: Offset = 0,
    collapse: Annotated[
        bool, Query(description="One result per duplicate group (republications of one report).")
    ] = False,
) -> service.SearchFilters:
    """A search's parameters, in the order the docs list them."""
    return service.SearchFilters(q, source, entity, collapse, service.Window(since, until, limit, offset))


DaysQuery = Annotated[service.Window, Depends(days_query)]
TopQuery = Annotated[service.Window, Depends(top_query)]
PageQuery = Annotated[service.Window, Depends(page_query)]
SearchQuery = Annotated[service.SearchFilters, Depends(search_query)]

api = APIRouter(prefix="/api", tags=["api"], responses=_ERRORS)
# The routes that change the archive: their docs show the token and the refusals of WriteGuard.
writes = APIRouter(
    prefix="/api", tags=["api"], dependencies=[Security(_bearer)], responses={**_ERRORS, **_WRITE_ERRORS}
)


class SearchAnswer(BaseModel):
    """What ``GET /api/search`` answers: a page of results (``SearchPage``) and, when asked for, the facets of all
    it matches (only then: the answer is otherwise what ``khabar search --json`` prints)."""

    request: SearchRequest
    total: int
    hits: list[Hit]
    terms: list[str]
    facets: Facets | None = None


def facets_query(
    facets: Annotated[
        bool,
        Query(
            description="Also count all the search matches by source, by month (Jalali and Gregorian) and by the "
            "entities named in the most of them: `facets` in the answer."
        ),
    ] = False,
) -> bool:
    """Whether a search's answer carries its facets (a dependency of its own: listed after the search's filters)."""
    return facets


@api.get("/search", response_model=SearchAnswer, response_model_exclude_unset=True)
def search(
    store: ArchiveDep, filters: SearchQuery, facets: Annotated[bool, Depends(facets_query)]
) -> dict[str, Any]:
    """Search (no `q`: the newest articles first); the same object `khabar search --json` prints."""
    page = service.search(store, filters).to_dict()
    return {**page, "facets": service.facets(store, filters).to_dict()} if facets else page


@api.get("/articles/{article_id}", response_model=Analysis)
def article(store: ArchiveDep, article_id: str) -> dict[str, Any]:
    return service.article(store, article_id).to_dict()


@writes.post("/articles", response_model=IngestSummaryOut, openapi_extra=_ARTICLES_BODY)
def add_articles(store: ArchiveDep, body: Annotated[Any, Body()]) -> dict[str, Any]:
    """Analyze and store one article (a JSON object) or several (a list of objects)."""
    if isinstance(body, dict):
        body = [body]
    if isinstance(body, bytes):  # FastAPI hands over the raw bytes of a body that is not JSON
        raise InputError("the request body is not JSON: send a JSON object or a list of objects")
    if not isinstance(body, list):
        raise InputError(f"expected a JSON object or a list of objects, got {type(body).__name__}")
    return service.ingest_mappings(store, body).to_dict()


@writes.post("/ingest", response_model=IngestSummaryOut)
def ingest_file(store: ArchiveDep, file: UploadFile) -> dict[str, Any]:
    """Ingest an uploaded file in any format the readers take (.txt, .jsonl, .json, .csv, and .gz of them)."""
    return service.ingest_upload(store, file.filename or "", file.file).to_dict()


@api.get("/entities", response_model=list[EntitySummary])
def entities(
    store: ArchiveDep,
    window: TopQuery,
    label: Annotated[str | None, Query(alias="type", description="PER ORG LOC FAC EVENT PRO …")] = None,
) -> list[dict[str, Any]]:
    """The entities named in the most articles."""
    return [row.to_dict() for row in service.entities(store, label=label, window=window)]


@api.get("/places", response_model=list[EntitySummary])
def places(store: ArchiveDep, window: DaysQuery) -> list[dict[str, Any]]:
    """The places the archive's articles name, with coordinates and article counts (the map page's data)."""
    return [row.to_dict() for row in service.places(store, window)]


@api.get("/entities/{entity_id}")
def entity(store: ArchiveDep, entity_id: str) -> dict[str, Any]:
    """One entity: mentions over time (articles per day), co-occurring entities, its articles."""
    return service.entity(store, entity_id).to_dict()


class QuotePageOut(BaseModel):
    speaker: str | None
    since: str | None = Field(alias="from")
    until: str | None = Field(alias="to")
    limit: int
    offset: int
    total: int
    quotes: list[StoredQuote]


@api.get("/quotes", response_model=QuotePageOut)
def quotes(
    store: ArchiveDep,
    window: PageQuery,
    speaker: Annotated[
        str | None, Query(description="A name in any spelling (a surname works) or an entity id.")
    ] = None,
) -> dict[str, Any]:
    """Who said what, when: quotations with their speakers, newest first."""
    return service.quotes(store, speaker=speaker, window=window).to_dict()


@api.get("/amounts")
def amounts(
    store: ArchiveDep,
    window: PageQuery,
    noun: Annotated[str | None, Query(description="Only figures counting this noun (شهید).")] = None,
    unit: Annotated[str | None, Query(description="percent, rial, toman, dollar, …")] = None,
) -> dict[str, Any]:
    """The figures articles give, newest articles first (what `khabar amounts --json` prints)."""
    return service.amounts(store, noun=noun, unit=unit, window=window).to_dict()


@api.get("/findings")
def finding_tables(store: ArchiveDep) -> list[dict[str, Any]]:
    """The finding tables analysis steps declare: name, label, columns, filter columns."""
    return service.finding_tables(store)


@api.get("/findings/{table}")
def findings(
    store: ArchiveDep,
    window: PageQuery,
    table: Annotated[str, Path(description="A finding table (GET /api/findings lists them).", max_length=40)],
    where: Annotated[
        list[str] | None,
        Query(description="column=value on a filter column; repeat for more.", max_length=500),
    ] = None,
) -> dict[str, Any]:
    """Rows of a declared finding table with their articles, newest first (`khabar findings TABLE --json`)."""
    return service.findings(store, table, where=where or (), window=window).to_dict()


@api.get("/dates")
def dates(
    store: ArchiveDep,
    window: PageQuery,
    mentioned_from: Annotated[
        str | None, Query(alias="mentions_from", description="Days meant, from.")
    ] = None,
    mentioned_to: Annotated[str | None, Query(alias="mentions_to", description="Days meant, up to.")] = None,
) -> dict[str, Any]:
    """Date expressions resolved to calendar dates (what `khabar dates --json` prints)."""
    found = service.date_mentions(
        store, mentioned_from=mentioned_from, mentioned_to=mentioned_to, window=window
    )
    return found.to_dict()


@api.get("/articles/{article_id}/duplicates")
def article_duplicates(store: ArchiveDep, article_id: str) -> dict[str, Any]:
    """What the article republishes (`duplicate_of`, `similarity`), the other copies of it, and its story."""
    return service.article_links(store, article_id).to_dict()


@api.get("/stories/{story_id}")
def story(store: ArchiveDep, story_id: Annotated[int, Path(ge=0, le=MAX_ID)]) -> dict[str, Any]:
    """A story: the articles about one event, oldest first, with their sources."""
    return service.story(store, story_id).to_dict()


@api.get("/stats", response_model=Stats)
def stats(store: ArchiveDep) -> dict[str, Any]:
    return service.stats(store).to_dict()


@api.get("/rejected", response_model=list[StoredRejection])
def rejected(store: ArchiveDep, limit: Limit = 100) -> list[dict[str, Any]]:
    return [row.to_dict() for row in service.rejections(store, limit)]


# -- feeds (khabar fetch) ----------------------------------------------------------------------------------------
MAX_DELAY = 3600.0  # seconds between two requests to one site; more (or inf) would hold the request for ever


class FeedIn(BaseModel):
    url: str = Field(description="The feed's address (RSS or Atom), http:// or https://.")
    name: str | None = Field(None, description="A short name: its articles' source (default: its title).")


@api.get("/feeds")
def feeds(store: ArchiveDep) -> list[dict[str, Any]]:
    """The followed feeds: last poll, its outcome, their pages by state (`khabar feeds list --json`)."""
    return [feed.to_dict() for feed in service.list_feeds(store)]


@writes.post("/feeds", status_code=201)
def add_feed(request: Request, store: ArchiveDep, body: FeedIn) -> dict[str, Any]:
    """Follow a feed; nothing is fetched until `POST /api/fetch` (or `khabar fetch`)."""
    allow_private_hosts = _settings(request).allow_private_hosts
    return service.add_feed(store, body.url, body.name, allow_private_hosts=allow_private_hosts).to_dict()


@writes.delete("/feeds/{feed}")
def remove_feed(store: ArchiveDep, feed: str) -> dict[str, Any]:
    """Stop following a feed (by id or URL); its articles stay."""
    return service.remove_feed(store, feed).to_dict()


@writes.post("/fetch")
def fetch(
    request: Request,
    store: ArchiveDep,
    feed: Annotated[list[str] | None, Query(description="Only these feeds (ids or URLs).")] = None,
    delay: Annotated[
        float, Query(ge=0, le=MAX_DELAY, description="Seconds between two requests to one site.")
    ] = 1.0,
) -> dict[str, Any]:
    """Poll the feeds now and store their new articles; answers when done (politely: a second per page or more)."""
    summary = service.fetch(
        store,
        only=feed or (),
        politeness=service.politeness(delay),
        allow_private_hosts=_settings(request).allow_private_hosts,
    )
    return summary.to_dict()


def _error(request: Request, message: str, status: int, headers: Mapping[str, str] | None = None) -> Response:
    """``{"error": message}`` under /api (and for any request that is not a page's GET), an HTML page elsewhere."""
    if request.url.path.startswith("/api/") or request.method not in ("GET", "HEAD"):
        return JSONResponse({"error": message}, status_code=status, headers=headers)
    page = pages.error_page(request, message, status)
    page.headers.update(headers or {})
    return page


def _khabar_error(request: Request, error: Exception) -> Response:
    """The one mapping from khabar's errors to responses: JSON under /api, an HTML page elsewhere."""
    return _error(request, str(error), getattr(error, "http_status", 500))


def _invalid_request(request: Request, error: Exception) -> Response:
    """FastAPI's own validation errors (a parameter out of bounds, a body that is not JSON) as a 400."""
    details = "; ".join(
        f"{'.'.join(str(part) for part in item.get('loc', ())) or 'request'}: {item.get('msg', '')}"
        for item in getattr(error, "errors", lambda: [])()
    )
    return _error(request, f"the request is not valid: {details or error}", 400)


def _http_error(request: Request, error: Exception) -> Response:
    """Starlette's HTTP errors (no such route, method not allowed, body too large) in khabar's error shape."""
    assert isinstance(error, HTTPException)
    message = str(error.detail)
    if error.status_code == 404:
        message = f"nothing here: {request.url.path[:200]} (the API is listed at /docs)"
    return _error(request, message, error.status_code, error.headers)


def _internal_error(request: Request, error: Exception) -> Response:
    """The last resort: an unexpected exception is logged here and answered without its traceback."""
    log.error("%s %s failed", request.method, request.url.path, exc_info=error)
    return _error(request, "internal error", 500)


def _offline_docs(request: Request) -> HTMLResponse:
    """Swagger UI from the vendored copy in static/swagger, so the docs work without a network.

    Its start-up code is a static file too (``static/swagger-init.js``): the Content-Security-Policy allows no
    inline script.
    """
    return HTMLResponse(
        f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{escape(request.app.title)} API</title>
<link rel="stylesheet" href="/static/swagger/swagger-ui.css">
<link rel="icon" href="/static/swagger/favicon.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/static/swagger/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script>
</body>
</html>"""
    )


def served_routes(app: FastAPI) -> list[tuple[str, APIRoute]]:
    """``(path, route)`` of every API route and page as served, the routers' prefixes included.

    Tests read them to check and fuzz every route, a route added later included. FastAPI ≥ 0.165 keeps included
    routers whole in ``app.routes`` (``iter_route_contexts`` walks them); older versions copied their routes in.
    """
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:
        return [(route.path, route) for route in app.routes if isinstance(route, APIRoute)]
    return [
        (context.path, context.original_route)
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute) and context.path
    ]


def query_parameters(dependant: Dependant) -> list[Any]:
    """The query parameters of a route (``route.dependant``) with those of its dependencies (a ``Window``'s
    ``from``, ``to``, ``limit``, ``offset``): what a client may send, for the tests that check every route."""
    return [
        *dependant.query_params,
        *(param for sub in dependant.dependencies for param in query_parameters(sub)),
    ]


class _KhabarAPI(FastAPI):
    """FastAPI with :class:`SecurityHeaders` outside even its error middleware, so a 500 carries them too."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack())


@asynccontextmanager
async def _closing_the_archive(app: FastAPI) -> AsyncIterator[None]:
    """The archive :func:`create_app` opened is closed when the server stops (PostgreSQL: its pool)."""
    yield
    app.state.archive.close()


def create_app(db: str, **options: Unpack[ServerOptions]) -> FastAPI:
    """Build the application over the archive at ``db`` (opened, and migrated if needed, once per app).

    Writes need ``token`` (as ``Authorization: Bearer``); without one the app is read-only, and ``read_only=True``
    refuses writes even with one. ``allow_private_hosts`` lets ``POST /api/fetch`` reach loopback and private
    addresses; ``max_body_mb`` bounds an upload to ``/api/ingest``, ``max_json_mb`` any other request body;
    ``allowed_hosts``, when given, are the only names requests may be addressed to (``Host``).
    """
    settings = ServerSettings.of(**options)
    app = _KhabarAPI(
        lifespan=_closing_the_archive,
        title="khabar",
        summary="Search and read a Persian news archive. Every HTML page has a JSON twin here.",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
    )
    app.add_api_route("/docs", _offline_docs, include_in_schema=False)
    app.state.settings = settings
    app.state.archive = open_archive(db)
    app.add_middleware(  # the last added runs first: host, then write, then the body as it is read
        BodyLimit, default=settings.max_json_bytes, larger={"/api/ingest": settings.max_body_bytes}
    )
    app.add_middleware(WriteGuard, settings=settings)
    app.add_middleware(HostGuard, allowed=settings.allowed_hosts)
    app.add_exception_handler(KhabarError, _khabar_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _internal_error)
    app.include_router(api)
    app.include_router(writes)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
