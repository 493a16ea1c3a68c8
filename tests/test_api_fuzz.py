"""Fuzz every route of the app with hostile values: no request may end in a 500 (issue 13).

Routes, their path and query parameters and whether they take a JSON body or an upload are read from
``app.routes``, so a route added later is fuzzed too. Every parameter gets random text, numbers in every notation
(``1e20``, ``NaN``, ``-0``), raw bytes percent-encoded (``%ED%A0%80`` is a lone surrogate, ``%FF`` no UTF-8) and
long values; bodies get random JSON, JSON nested deeper than Python recurses, lone surrogates, and random bytes.
Writes carry the token, so they reach the handlers. Fetching is replaced by a stub that only checks its
arguments: the fuzz must not reach the network (the fetcher itself is tested against a local site in
``tests/fetch``).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_from_bytes

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khabar import service
from khabar.api.app import create_app, query_parameters, served_routes
from khabar.store import open_archive

TOKEN = "fuzz-token"
ARTICLES = [
    {
        "id": f"fuzz-{number}",
        "title": f"نشست شورای شهر {number}",
        "text": f"اعضای شورای شهر تهران درباره خط {number} مترو گفتگو کردند. سردار کاکاوند گفت: «همکاری ادامه دارد».",
        "source": "IRNA",
        "date": f"1404-06-{10 + number}",
    }
    for number in range(3)
]
FUZZ = settings(
    max_examples=25,
    deadline=None,  # a first request loads the models; no timing is asserted here
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the same examples on every run: make test stays reproducible
)


def route_table(app) -> list[tuple[str, str, APIRoute]]:
    """(method, path, route) of every API route and page of the app, as served."""
    return [
        (method, path, route)
        for path, route in served_routes(app)
        for method in sorted(route.methods - {"HEAD"})
    ]


def _collected_routes() -> list[tuple[str, str]]:
    """The routes to fuzz, read from an app over an empty archive at collection time."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(str(Path(folder) / "routes.db"))
        found = [(method, path) for method, path, _ in route_table(app)]
        app.state.archive.close()
    return found


ROUTES = _collected_routes()


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = str(tmp_path_factory.mktemp("fuzz") / "fuzz.db")
    archive = open_archive(db)
    service.ingest_mappings(archive, ARTICLES)
    archive.close()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(service, "fetch", _offline_fetch)
        app = create_app(db, token=TOKEN, max_body_mb=1, max_json_mb=0.5)
        yield TestClient(app, headers={"Authorization": f"Bearer {TOKEN}"})


def _offline_fetch(archive, *, only=(), politeness=None, allow_private_hosts=False, **options: Any):
    """Stands in for service.fetch: resolves the feeds asked for (an unknown one is a 404), fetches nothing."""
    for key in only:
        archive.feed(key)
    assert politeness is None or 0 <= politeness.delay < float("inf")
    return service.FetchSummary([], service.IngestSummary())


# -- hostile values -------------------------------------------------------------------------------------------------
NOTABLE = [
    "",
    " ",
    "0",
    "-0",
    "-1",
    "1e20",
    "100000000000000000000",
    "-100000000000000000000",
    "9" * 400,
    "NaN",
    "inf",
    "-inf",
    "1.5",
    "0x10",
    "true",
    "null",
    "((((((((((",
    "(" * 300 + "ایران" + ")" * 300,
    "NOT " * 300 + "ایران",
    '"',
    "«",
    "NOT NOT NOT",
    "AND OR",
    "همکاری",
    "PER:کاکاوند",
    "1404-07-01",
    "1404-13-40",
    "2025-02-30",
    "fuzz-0",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "x" * 3000,
    "ایران " * 300,
]
RAW_NOTABLE = [
    "%ED%A0%80",
    "%ED%A0%80%ED%B0%80",
    "%FF%FE",
    "%00",
    "%C0%AF",
    "%E2%80%8C",
    "%0D%0ASet-Cookie:x=1",
]


def encoded_values() -> st.SearchStrategy[str]:
    """A parameter value as it appears in a URL, already percent-encoded."""
    return st.one_of(
        st.sampled_from(NOTABLE).map(lambda value: quote(value, safe="")),
        st.sampled_from(RAW_NOTABLE),
        st.text(max_size=40).map(lambda value: quote(value, safe="")),
        st.binary(max_size=24).map(lambda value: quote_from_bytes(value, safe="")),
        st.integers().map(str),
        st.floats().map(lambda value: quote(repr(value), safe="")),
    )


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
ARTICLE_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        key: JSON_VALUES | st.sampled_from(NOTABLE)
        for key in ("text", "title", "url", "source", "date", "id", "published", "content")
    },
)


def json_bodies() -> st.SearchStrategy[bytes]:
    raw = [
        b"[" * 5000 + b"]" * 5000,
        b'{"text":' * 1200 + b"1" + b"}" * 1200,
        b'{"text": "\\ud800 \\u0633\\u0644\\u0627\\u0645", "title": "\\udfff"}',
        b'[{"text": "\\ud800"}, {"text": "\\u0633\\u0644\\u0627\\u0645 \\u0628\\u0631 \\u0634\\u0645\\u0627"}]',
        b'{"text": NaN, "title": Infinity}',
        b"",
        b"\xff\xfe\x00",
        b'{"url": "http://127.0.0.1:1/", "name": "\\u0000"}',
    ]
    structured = st.one_of(ARTICLE_FIELDS, st.lists(ARTICLE_FIELDS, max_size=3), JSON_VALUES).map(
        lambda value: json.dumps(value).encode()
    )
    return st.one_of(st.sampled_from(raw), structured, st.binary(max_size=200))


def uploads() -> st.SearchStrategy[tuple[str, bytes]]:
    names = st.sampled_from(
        [
            "news.jsonl",
            "news.json",
            "news.csv",
            "news.txt",
            "news.html",
            "news.jsonl.gz",
            "",
            ".jsonl",
            "a.exe",
        ]
    ) | st.text(max_size=20)
    contents = st.one_of(
        json_bodies(),
        st.just(b"\x1f\x8b\x08\x00garbage"),
        st.just('title,text\n"unclosed,متن\n'.encode()),
        st.binary(max_size=300),
    )
    return st.tuples(names, contents)


# -- the fuzz -------------------------------------------------------------------------------------------------------
def _request(client: TestClient, method: str, path: str, data: st.DataObject):
    route = next(route for m, p, route in route_table(client.app) if (m, p) == (method, path))
    url = path
    for param in route.dependant.path_params:
        url = url.replace(
            "{" + param.alias + "}", data.draw(encoded_values().filter(bool), label=param.alias)
        )
    query = [
        f"{quote(param.alias)}={data.draw(encoded_values(), label=param.alias)}"
        for param in query_parameters(route.dependant)
        if data.draw(st.booleans(), label=f"send {param.alias}")
    ]
    if query:
        url += "?" + "&".join(query)
    if any(field.alias == "file" for field in route.dependant.body_params):
        name, content = data.draw(uploads(), label="upload")
        return client.request(method, url, files={"file": (name, content, "application/octet-stream")})
    if route.dependant.body_params:
        body = data.draw(json_bodies(), label="body")
        return client.request(method, url, content=body, headers={"content-type": "application/json"})
    return client.request(method, url)


@pytest.mark.parametrize(("method", "path"), ROUTES)
@FUZZ
@given(data=st.data())
def test_no_request_ends_in_a_500(client: TestClient, method: str, path: str, data: st.DataObject) -> None:
    response = _request(client, method, path, data)

    assert response.status_code < 500, response.text[:500]
    if path.startswith("/api/") and response.status_code >= 400:
        assert isinstance(response.json().get("error"), str) and response.json()["error"]


def test_every_route_is_fuzzed() -> None:
    paths = {path for _, path in ROUTES}
    assert {
        "/api/search",
        "/api/articles",
        "/api/ingest",
        "/api/feeds/{feed}",
        "/api/stories/{story_id}",
    } <= paths
    assert {"/", "/stories/{story_id}", "/map"} <= paths
