"""The server's doors (issue 13): who may write, from where, how much, and the headers every answer carries.

Write routes are found in ``app.routes`` (every method but GET/HEAD), so a route added later is checked too.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.datastructures import Headers

from khabar import service
from khabar.api.app import create_app, query_parameters, served_routes
from khabar.api.security import (
    SECURITY_HEADERS,
    ServerSettings,
    foreign_sender,
    is_loopback,
    loopback_names,
    same_origin,
    token_matches,
    write_access,
)
from khabar.store import open_archive

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ARTICLE = {
    "title": "نشست شورای شهر",
    "text": "اعضای شورای شهر تهران درباره گسترش خطوط مترو گفتگو کردند.",
    "source": "IRNA",
    "date": "1404-06-15",
}
UPLOADED = {**ARTICLE, "title": "خبر بارگذاری", "id": "up-1", "text": "نمایشگاه کتاب استانی برگزار شد."}
JSONL = (json.dumps(UPLOADED, ensure_ascii=False) + "\n").encode()


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "doors.db")
    archive = open_archive(path)
    service.ingest_mappings(archive, [{**ARTICLE, "id": "seeded", "text": "متن دیگری درباره اتوبوس‌های شهر."}])
    service.add_feed(archive, "https://news.example/rss", "نمونه")
    archive.close()
    return path


@pytest.fixture
def client(db: str) -> Iterator[TestClient]:
    with TestClient(create_app(db, token=TOKEN)) as test_client:
        yield test_client


def articles(client: TestClient) -> int:
    return client.get("/api/stats").json()["articles"]


def routes(client: TestClient) -> list[tuple[str, APIRoute]]:
    return served_routes(client.app)


def write_routes(client: TestClient) -> list[tuple[str, str]]:
    """(method, path) of every route that may change state, path parameters filled in."""
    return [
        (method, path.replace("{feed}", "1"))
        for path, route in routes(client)
        for method in sorted(route.methods - {"GET", "HEAD"})
    ]


# One request per write route, as a client would send it; each would change the archive if let through.
WRITES = {
    ("POST", "/api/articles"): {"json": ARTICLE},
    ("POST", "/api/ingest"): {"files": {"file": ("news.jsonl", JSONL, "application/json")}},
    ("POST", "/api/feeds"): {"json": {"url": "https://other.example/rss"}},
    ("DELETE", "/api/feeds/1"): {},
    ("POST", "/api/fetch"): {"params": {"feed": "no-such-feed"}},  # body-less, as a cross-site form can send
}


def send(client: TestClient, method: str, path: str, headers: dict[str, str] | None = None):
    return client.request(method, path, headers=headers or {}, **WRITES[(method, path)])


def test_every_write_route_is_one_these_tests_send(client: TestClient) -> None:
    assert sorted(write_routes(client)) == sorted(WRITES)


def archive_state(client: TestClient) -> tuple[int, list[str]]:
    return articles(client), [feed["url"] for feed in client.get("/api/feeds").json()]


# -- tokens -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("method", "path"), sorted(WRITES))
def test_a_write_without_a_token_is_401_and_changes_nothing(
    client: TestClient, method: str, path: str
) -> None:
    before = archive_state(client)

    response = send(client, method, path)

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in response.json()["error"]
    assert archive_state(client) == before


@pytest.mark.parametrize(
    "authorization", [f"Bearer {TOKEN}x", "Bearer ", TOKEN, f"Basic {TOKEN}", "Bearer s3cret"]
)
def test_a_wrong_token_is_401(client: TestClient, authorization: str) -> None:
    response = client.post("/api/articles", json=ARTICLE, headers={"Authorization": authorization})

    assert response.status_code == 401
    assert response.json()["error"].startswith("the token is wrong")
    assert articles(client) == 1


def test_with_the_token_writes_are_stored(client: TestClient) -> None:
    assert client.post("/api/articles", json=ARTICLE, headers=AUTH).json()["added"] == 1
    assert send(client, "POST", "/api/ingest", AUTH).json()["added"] == 1
    assert send(client, "POST", "/api/feeds", AUTH).status_code == 201
    assert send(client, "DELETE", "/api/feeds/1", AUTH).status_code == 200
    assert archive_state(client) == (3, ["https://other.example/rss"])


@pytest.mark.parametrize("token", [None, ""])
def test_an_app_without_a_token_is_read_only(db: str, token: str | None) -> None:
    client = TestClient(create_app(db, token=token))

    response = client.post("/api/articles", json=ARTICLE, headers=AUTH)

    assert response.status_code == 403
    assert "read-only" in response.json()["error"]
    assert articles(client) == 1


@pytest.mark.parametrize(("method", "path"), sorted(WRITES))
def test_read_only_refuses_writes_even_with_the_token(db: str, method: str, path: str) -> None:
    client = TestClient(create_app(db, token=TOKEN, read_only=True))
    before = archive_state(client)

    response = send(client, method, path, AUTH)

    assert response.status_code == 403 and "read-only" in response.json()["error"]
    assert archive_state(client) == before


def test_a_writable_app_needs_a_token() -> None:
    with pytest.raises(ValueError, match="needs a token"):
        ServerSettings.of(token=None, read_only=False)


def test_reads_need_no_token(client: TestClient) -> None:
    assert client.get("/api/search").status_code == 200
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("authorization", "expected"),
    [(f"Bearer {TOKEN}", True), (f"bearer {TOKEN}", True), (f"Bearer  {TOKEN} ", True), (None, False)],
)
def test_token_matches(authorization: str | None, expected: bool) -> None:
    assert token_matches(authorization, TOKEN) is expected


def test_the_token_is_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    import hmac

    compared = []
    real = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: compared.append((a, b)) or real(a, b))

    assert token_matches("Bearer guess", TOKEN) is False
    assert compared == [(b"guess", TOKEN.encode())]


# -- what khabar serve decides ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.8.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True)]
    + [("0.0.0.0", False), ("::", False), ("192.168.1.5", False), ("news.example", False)],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_serve_on_this_machine_makes_a_token_so_writes_always_need_one() -> None:
    first, second = write_access("127.0.0.1", None, False), write_access("127.0.0.1", None, False)

    assert first.reason == "generated" and not first.read_only
    assert len(first.token or "") >= 40 and first.token != second.token


def test_serve_elsewhere_without_a_token_is_read_only() -> None:
    access = write_access("0.0.0.0", None, False)
    assert access.read_only and access.token is None and access.reason == "not-loopback"


def test_serve_read_only_wins_and_a_given_token_is_used() -> None:
    assert write_access("127.0.0.1", TOKEN, True).read_only
    assert write_access("0.0.0.0", TOKEN, False).token == TOKEN


def test_serve_prints_where_writes_stand() -> None:
    from khabar.cli.main import _writes_banner

    base = "http://127.0.0.1:8000"
    made = write_access("127.0.0.1", None, False)
    assert f"curl -H 'Authorization: Bearer {made.token}'" in _writes_banner(made, base)
    assert "writes are off" in _writes_banner(write_access("0.0.0.0", None, False), base)
    assert "--read-only" in _writes_banner(write_access("::1", None, True), base)
    assert TOKEN not in _writes_banner(
        write_access("0.0.0.0", TOKEN, False), base
    )  # a given token stays secret


# -- origins ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("origin", "host", "same"),
    [
        ("http://127.0.0.1:8000", "127.0.0.1:8000", True),
        ("https://news.example", "news.example", True),  # TLS at the proxy, Host passed on
        ("https://news.example", "news.example:443", True),
        ("http://NEWS.example:80", "news.example", True),
        ("http://127.0.0.1:8001", "127.0.0.1:8000", False),  # another port is another origin
        ("http://localhost:8000", "127.0.0.1:8000", False),
        ("http://evil.example", "127.0.0.1:8000", False),
        ("null", "127.0.0.1:8000", False),
        ("file://", "127.0.0.1:8000", False),
        ("http://[::1", "127.0.0.1:8000", False),
        ("http://127.0.0.1:8000", "", False),
    ],
)
def test_same_origin(origin: str, host: str, same: bool) -> None:
    assert same_origin(origin, host) is same


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "http://evil.example"},
        {"origin": "null"},
        {"referer": "http://evil.example/page.html"},
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site", "origin": "http://testserver"},
    ],
)
@pytest.mark.parametrize(("method", "path"), sorted(WRITES))
def test_a_write_from_another_site_is_403_even_with_the_token(
    client: TestClient, method: str, path: str, headers: dict[str, str]
) -> None:
    before = archive_state(client)

    response = send(client, method, path, {**AUTH, **headers})

    assert response.status_code == 403
    assert "cross-site request" in response.json()["error"]
    assert archive_state(client) == before


def test_a_cross_site_multipart_upload_is_refused(client: TestClient) -> None:
    """What a malicious page's <form enctype=multipart/form-data method=post> sends: no preflight, no token."""
    response = client.post(
        "/api/ingest",
        files={"file": ("news.jsonl", JSONL, "application/json")},
        headers={
            "origin": "http://evil.example",
            "sec-fetch-site": "cross-site",
            "sec-fetch-mode": "navigate",
        },
    )
    assert response.status_code == 403
    assert articles(client) == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "http://testserver"},
        {"referer": "http://testserver/docs"},
        {"sec-fetch-site": "same-origin", "origin": "http://testserver"},
        {"sec-fetch-site": "none"},
        {},  # curl, scripts
    ],
)
def test_a_write_from_this_server_or_a_script_passes_with_the_token(
    client: TestClient, headers: dict[str, str]
) -> None:
    assert client.post("/api/articles", json=ARTICLE, headers={**AUTH, **headers}).status_code == 200


def test_foreign_sender_prefers_origin_over_referer() -> None:
    headers = Headers(
        {"host": "127.0.0.1:8000", "origin": "http://127.0.0.1:8000", "referer": "http://x.example/"}
    )
    assert foreign_sender(headers) is None


# -- host names (DNS rebinding) -----------------------------------------------------------------------------------
def test_a_server_on_loopback_answers_to_loopback_names_only() -> None:
    assert set(loopback_names("127.0.0.1")) == {"127.0.0.1", "localhost", "::1"}
    assert "127.0.0.2" in loopback_names("127.0.0.2")
    assert loopback_names("0.0.0.0") == () and loopback_names("news.example") == ()


@pytest.mark.parametrize(
    ("host", "status"),
    [("127.0.0.1:8000", 200), ("localhost:8000", 200), ("[::1]:8000", 200), ("LOCALHOST", 200)]
    + [("rebind.evil.example:8000", 400), ("127.0.0.1.evil.example", 400), ("", 400)],
)
def test_a_request_for_another_name_is_refused(db: str, host: str, status: int) -> None:
    """A page that points its own name at 127.0.0.1 is same-origin for the browser; its name gives it away."""
    client = TestClient(create_app(db, token=TOKEN, allowed_hosts=loopback_names("127.0.0.1")))

    response = client.get("/api/search", headers={"host": host})

    assert response.status_code == status
    if status == 400:
        assert "answers to" in response.json()["error"]
        assert_security_headers(response)


def test_without_allowed_hosts_any_name_is_answered(client: TestClient) -> None:
    assert client.get("/api/stats", headers={"host": "news.example"}).status_code == 200


# -- body size --------------------------------------------------------------------------------------------------
@pytest.fixture
def small(db: str) -> TestClient:
    """An app taking uploads up to ~10 kB and other bodies up to ~1 kB."""
    return TestClient(create_app(db, token=TOKEN, max_body_mb=0.01, max_json_mb=0.001), headers=AUTH)


def _chunks(data: bytes, size: int = 256) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def test_a_json_body_over_the_limit_is_413(small: TestClient) -> None:
    body = json.dumps({**ARTICLE, "text": "خبر " * 2000}, ensure_ascii=False).encode()

    response = small.post("/api/articles", content=body, headers={"content-type": "application/json"})

    assert response.status_code == 413
    assert "too large" in response.json()["error"] and "--max-body-mb" in response.json()["error"]
    assert articles(small) == 1


def test_a_chunked_body_over_the_limit_is_413(small: TestClient) -> None:
    """No Content-Length: the bytes are counted as they stream in."""
    body = json.dumps([ARTICLE] * 50, ensure_ascii=False).encode()

    response = small.post(
        "/api/articles", content=_chunks(body), headers={"content-type": "application/json"}
    )

    assert response.status_code == 413 and "too large" in response.json()["error"]
    assert articles(small) == 1


def test_an_upload_has_its_own_larger_limit(small: TestClient) -> None:
    assert (
        small.post("/api/ingest", files={"file": ("news.jsonl", JSONL * 4, "application/json")}).json()[
            "added"
        ]
        == 1
    )
    too_big = small.post("/api/ingest", files={"file": ("news.jsonl", JSONL * 100, "application/json")})
    assert too_big.status_code == 413 and "too large" in too_big.json()["error"]


def test_a_chunked_upload_over_the_limit_is_413(small: TestClient) -> None:
    boundary = "khabar-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="news.jsonl"\r\n'
            f"Content-Type: application/json\r\n\r\n"
        ).encode()
        + JSONL * 100
        + f"\r\n--{boundary}--\r\n".encode()
    )

    response = small.post(
        "/api/ingest",
        content=_chunks(body),
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
    )

    assert response.status_code == 413
    assert articles(small) == 1


@pytest.mark.parametrize(("body_mb", "json_mb"), [(0, 1), (1, -1), (float("nan"), 1), (float("inf"), 1)])
def test_body_limits_must_be_positive_numbers(body_mb: float, json_mb: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        ServerSettings.of(max_body_mb=body_mb, max_json_mb=json_mb)


# -- parameters -------------------------------------------------------------------------------------------------
def paged_routes(client: TestClient) -> list[tuple[str, str]]:
    """(path, parameter) of every GET route taking an integer limit or offset."""
    return [
        (path, param.alias)
        for path, route in routes(client)
        if "GET" in route.methods and "{" not in path
        for param in query_parameters(route.dependant)
        if param.alias in ("limit", "offset")
    ]


def test_the_paged_routes_are_found(client: TestClient) -> None:
    found = {path for path, _ in paged_routes(client)}
    assert {
        "/api/search",
        "/api/quotes",
        "/api/amounts",
        "/api/dates",
        "/api/entities",
        "/api/rejected",
        "/",
    } <= found


@pytest.mark.parametrize(
    "value", ["1e20", "100000000000000000000", "-1", "-100000000000000000000", "NaN", "%ED%A0%80", "x" * 5000]
)
def test_out_of_range_limit_and_offset_are_400_on_every_route(client: TestClient, value: str) -> None:
    for path, parameter in paged_routes(client):
        response = client.get(f"{path}?{parameter}={value}")  # as sent: %ED%A0%80 is a lone surrogate
        assert response.status_code == 400, (path, parameter, value, response.text[:200])
        if path.startswith("/api/"):
            assert parameter in response.json()["error"]


@pytest.mark.parametrize("story", ["100000000000000000000", "-1", "1e20", "%ED%A0%80"])
def test_an_impossible_story_id_is_400(client: TestClient, story: str) -> None:
    assert client.get(f"/api/stories/{story}").status_code == 400
    assert client.get(f"/stories/{story}").status_code == 400


@pytest.mark.parametrize("delay", ["inf", "nan", "-1", "1e20"])
def test_an_impossible_fetch_delay_is_400(client: TestClient, delay: str) -> None:
    response = client.post("/api/fetch", params={"delay": delay}, headers=AUTH)
    assert response.status_code == 400 and "delay" in response.json()["error"]


# -- errors and headers -----------------------------------------------------------------------------------------
def assert_security_headers(response) -> None:
    for name, value in SECURITY_HEADERS:
        assert response.headers.get(name.decode()) == value.decode(), name
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


@pytest.mark.parametrize(
    "path", ["/", "/api/stats", "/static/style.css", "/docs", "/openapi.json", "/api/nothing", "/nothing"]
)
def test_every_answer_carries_the_security_headers(client: TestClient, path: str) -> None:
    assert_security_headers(client.get(path))


def test_refusals_carry_the_security_headers_too(client: TestClient, small: TestClient) -> None:
    assert_security_headers(client.post("/api/articles", json=ARTICLE))
    assert_security_headers(small.post("/api/articles", content=b"[" + b" " * 5000 + b"]"))


def test_an_unknown_api_path_is_a_json_404(client: TestClient) -> None:
    response = client.get("/api/nothing")
    assert response.status_code == 404 and "nothing here" in response.json()["error"]


def test_a_wrong_method_is_a_json_405(client: TestClient) -> None:
    response = client.put("/api/stats", headers=AUTH)
    assert response.status_code == 405 and response.json()["error"] == "Method Not Allowed"


def test_an_unexpected_exception_is_a_json_500_without_traceback(
    db: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(service, "stats", broken)
    client = TestClient(create_app(db, token=TOKEN), raise_server_exceptions=False)

    response = client.get("/api/stats")

    assert response.status_code == 500
    assert response.json() == {"error": "internal error"}
    assert "secret internals" not in response.text
    assert_security_headers(response)
    assert "secret internals" in caplog.text  # in the server's log instead


def test_the_docs_page_has_no_inline_script(client: TestClient) -> None:
    html = client.get("/docs").text
    assert '<script src="/static/swagger-init.js"></script>' in html
    assert "<script>" not in html
    assert "SwaggerUIBundle" in client.get("/static/swagger-init.js").text


def test_the_docs_know_writes_need_a_bearer_token(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert schema["paths"]["/api/articles"]["post"]["security"] == [{"HTTPBearer": []}]
    assert "security" not in schema["paths"]["/api/search"]["get"]


# -- end to end: the real `khabar serve` on loopback ---------------------------------------------------------------
@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, khabar_server) -> Iterator[tuple[str, str]]:
    """``(address, token)`` of ``khabar serve`` on 127.0.0.1 started without a token, as ``make run`` starts it."""
    folder = tmp_path_factory.mktemp("served")
    log_path = folder / "serve.log"
    env = {key: value for key, value in os.environ.items() if key != "KHABAR_TOKEN"}
    args = ["--db", str(folder / "served.db"), "--max-json-mb", "0.01"]
    with khabar_server(args, env=env, log=log_path, timeout=60) as base:  # a ceiling against a hang only
        banner = log_path.read_text()
        token = re.search(r"writes need this token.*\n\s+(\S+)\n", banner)
        assert token is not None, banner
        yield base, token.group(1)


def _raw_post(base: str, path: str, headers: dict[str, str], body: Iterator[bytes] | bytes | None = None):
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=60)
    try:
        chunked = body is not None and not isinstance(body, bytes)
        connection.request("POST", path, body=body, headers=headers, encode_chunked=chunked)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def test_serve_on_loopback_makes_a_token_and_writes_need_it(served: tuple[str, str]) -> None:
    base, token = served
    article = json.dumps(UPLOADED, ensure_ascii=False).encode()
    kind = {"Content-Type": "application/json"}

    status, headers, body = _raw_post(base, "/api/articles", kind, article)
    assert status == 401 and headers["WWW-Authenticate"].startswith("Bearer")

    status, _, body = _raw_post(base, "/api/articles", {**kind, "Authorization": f"Bearer {token}"}, article)
    assert status == 200 and json.loads(body)["added"] == 1


def test_serve_on_loopback_refuses_other_host_names(served: tuple[str, str]) -> None:
    base, _ = served
    request = urllib.request.Request(f"{base}/api/stats", headers={"Host": "rebind.evil.example"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 400


def test_serve_refuses_a_declared_oversize_body_unread(served: tuple[str, str]) -> None:
    """Content-Length of a gigabyte and no body at all: answered at once, nothing waited for."""
    base, token = served
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=60)
    try:
        connection.putrequest("POST", "/api/articles")
        for name, value in {"Authorization": f"Bearer {token}", "Content-Length": str(10**9)}.items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        assert response.status == 413 and "too large" in json.loads(response.read())["error"]
    finally:
        connection.close()


def test_serve_refuses_a_chunked_oversize_body(served: tuple[str, str]) -> None:
    base, token = served
    body = json.dumps([UPLOADED] * 200, ensure_ascii=False).encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    status, _, answer = _raw_post(base, "/api/articles", headers, _chunks(body, 1024))

    assert status == 413 and "too large" in json.loads(answer)["error"]


# -- hostile headers ------------------------------------------------------------------------------------------------
HEADER_TEXT = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=60
)
ORIGINS = st.one_of(
    HEADER_TEXT,
    st.sampled_from(
        ["null", "http://[::1", "http://testserver:99999", "http://:0", "https://testserver", "//x"]
    ),
    st.builds(lambda host, port: f"http://{host}:{port}", HEADER_TEXT, st.integers(-5, 70000)),
)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    origin=st.none() | ORIGINS,
    referer=st.none() | ORIGINS,
    fetch_site=st.none()
    | st.sampled_from(["cross-site", "same-site", "same-origin", "none", "CROSS-SITE", ""]),
    authorization=st.none() | st.sampled_from([f"Bearer {TOKEN}", "Bearer", "Basic x"]) | HEADER_TEXT,
    host=st.none() | HEADER_TEXT | st.sampled_from(["[::1]:8000", "127.0.0.1:x", "[", "testserver"]),
)
def test_hostile_headers_never_make_a_500(
    guarded: TestClient,
    origin: str | None,
    referer: str | None,
    fetch_site: str | None,
    authorization: str | None,
    host: str | None,
) -> None:
    headers = {
        name: value.encode("latin-1")  # as bytes: sent as they are, any byte a client may send
        for name, value in {
            "origin": origin,
            "referer": referer,
            "sec-fetch-site": fetch_site,
            "authorization": authorization,
            "host": host,
        }.items()
        if value is not None
    }
    response = guarded.post("/api/feeds", json={"url": "not a url"}, headers=headers)

    assert response.status_code in (400, 401, 403), response.text
    assert response.json()["error"]


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    """An app on loopback names with a token; its archive is only written by refused or invalid requests."""
    db = str(tmp_path_factory.mktemp("headers") / "headers.db")
    return TestClient(create_app(db, token=TOKEN, allowed_hosts=loopback_names("127.0.0.1")))
