"""khabar feeds / fetch / watch as the real command (a subprocess) and the feeds API, against the local site."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient

from khabar.api.app import create_app

PAGES = Path(__file__).parent / "fixtures" / "news"


LOCAL = (
    "--allow-private-hosts"  # the test site is on 127.0.0.1; khabar reaches only public addresses by default
)


def khabar(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "khabar", *args], capture_output=True, text=True, timeout=180
    )


def test_feeds_and_fetch_through_the_cli(site, tmp_path):
    site.flaky.clear()  # the real client's backoff would sleep for real
    db = str(tmp_path / "feeds.db")
    added = khabar("feeds", "add", site.url("/rss.xml"), "--name", "آزمایشی", "--db", db, LOCAL)
    assert added.returncode == 0, added.stderr
    assert "(id 1)" in added.stdout
    assert khabar("feeds", "add", site.url("/atom.xml"), "--db", db, LOCAL).returncode == 0
    twice = khabar("feeds", "add", site.url("/atom.xml"), "--db", db, LOCAL)
    assert twice.returncode == 2 and "followed already (id 2)" in twice.stderr

    first = khabar("fetch", "--delay", "0", "--db", db, LOCAL)
    assert first.returncode == 0, first.stderr
    assert "feeds: 2 ok; pages: 5 added, 0 duplicates, 2 rejected" in first.stderr
    assert "disallowed by robots.txt" in first.stderr and "HTTP 404 Not Found" in first.stderr

    again = khabar("fetch", "--delay", "0", "--db", db, "--json", LOCAL)
    assert again.returncode == 0, again.stderr
    summary = json.loads(again.stdout)
    assert [feed["status"] for feed in summary["feeds"]] == ["not modified", "not modified"]
    assert summary["added"] == 0

    listed = json.loads(khabar("feeds", "list", "--db", db, "--json").stdout)
    assert [(feed["id"], feed["source"], feed["last_status"]) for feed in listed] == [
        (1, "آزمایشی", "not modified"),
        (2, "روزنامهٔ آزمایشی", "not modified"),
    ]
    assert listed[0]["pages"] == {"stored": 4, "rejected": 2}
    table = khabar("feeds", "list", "--db", db)
    assert "آزمایشی" in table.stdout and "4 stored" in table.stdout

    found = json.loads(khabar("search", "همکاری‌ها", "--db", db, "--json").stdout)
    assert found["hits"][0]["url"] == site.url("/news/1/ministers")
    assert "همکاری\u200c" in found["hits"][0]["snippet"]["text"]

    assert khabar("feeds", "remove", "1", "--db", db).returncode == 0
    missing = khabar("feeds", "remove", "1", "--db", db)
    assert missing.returncode == 3 and "khabar feeds list" in missing.stderr


def test_feeds_add_refuses_a_private_address_unless_allowed(tmp_path):
    db = str(tmp_path / "feeds.db")
    refused = khabar("feeds", "add", "http://127.0.0.1:8000/rss.xml", "--db", db)
    assert refused.returncode == 2
    assert "refused: 127.0.0.1 is a loopback address" in refused.stderr
    assert "--allow-private-hosts" in refused.stderr
    assert khabar("feeds", "add", "http://127.0.0.1:8000/rss.xml", "--db", db, LOCAL).returncode == 0


def test_fetch_exits_1_when_a_feed_cannot_be_polled(site, tmp_path):
    db = str(tmp_path / "feeds.db")
    khabar("feeds", "add", site.url("/gone.xml"), "--db", db, LOCAL)
    result = khabar("fetch", "--delay", "0", "--db", db, LOCAL)
    assert result.returncode == 1
    assert "feed failed" in result.stderr and "HTTP 404 Not Found" in result.stderr
    listed = json.loads(khabar("feeds", "list", "--db", db, "--json").stdout)
    assert (listed[0]["last_status"], listed[0]["error"]) == ("failed", "HTTP 404 Not Found")


def test_watch_polls_until_ctrl_c(site, tmp_path):
    db = str(tmp_path / "feeds.db")
    khabar("feeds", "add", site.url("/atom.xml"), "--db", db, LOCAL)
    watcher = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "khabar",
            "watch",
            "--every",
            "1h",
            "--delay",
            "0",
            "--no-analysis",
            "--db",
            db,
            LOCAL,
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = watcher.stderr.readline()
            lines.append(line)
            if "next poll in 1h" in line or not line:
                break
        assert "pages: 2 added" in lines[-1], lines
        watcher.send_signal(signal.SIGINT)
        _, rest = watcher.communicate(timeout=30)
    finally:
        if watcher.poll() is None:
            watcher.kill()
    assert watcher.returncode == 0
    assert "stopped" in rest


def test_watch_refuses_an_unreadable_interval(tmp_path):
    result = khabar("watch", "--every", "soon", "--db", str(tmp_path / "x.db"))
    assert result.returncode == 2 and "cannot read the interval 'soon'" in result.stderr


def test_html_files_ingest_through_the_cli(tmp_path):
    db = str(tmp_path / "pages.db")
    result = khabar("ingest", str(PAGES / "1.html"), str(PAGES / "2.html"), "--db", db)
    assert result.returncode == 0, result.stderr
    assert "2 added" in result.stderr and "cp1256 1" in result.stderr
    hits = json.loads(khabar("search", "می‌دهیم", "--db", db, "--json").stdout)["hits"]
    assert hits and hits[0]["title"] == "وزیران برای گسترش همکاری\u200cها دیدار کردند"


def test_feeds_api(site, tmp_path):
    app = create_app(str(tmp_path / "api.db"), token="test-token", allow_private_hosts=True)
    client = TestClient(app, headers={"Authorization": "Bearer test-token"})
    created = client.post("/api/feeds", json={"url": site.url("/atom.xml"), "name": "روزنامه"})
    assert created.status_code == 201 and created.json()["id"] == 1
    assert client.post("/api/feeds", json={"url": "not a url"}).status_code == 400
    fetched = client.post("/api/fetch", params={"delay": 0})
    assert fetched.status_code == 200, fetched.text
    assert fetched.json()["added"] == 2 and fetched.json()["feeds"][0]["status"] == "ok"
    [feed] = client.get("/api/feeds").json()
    assert (feed["source"], feed["pages"]) == ("روزنامه", {"stored": 2})
    assert client.delete("/api/feeds/1").status_code == 200
    assert client.get("/api/feeds").json() == []
    assert client.delete("/api/feeds/1").status_code == 404
