"""End to end: the real CLI ingests the seed, the real server serves it, Debian's Chromium uses the pages.

Run alone with ``pytest -m browser``; skipped when Chromium or the ``playwright`` package is missing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "seed.txt"
START_TIMEOUT = 30.0

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True
    )
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="browser tests need the playwright package (pip install playwright)"
)


def _khabar(*args: str) -> list[str]:
    return [sys.executable, "-m", "khabar", *args]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, khabar_server) -> Iterator[str]:
    """The base URL of ``khabar serve`` over an archive that ``khabar ingest`` filled with the seed."""
    folder = tmp_path_factory.mktemp("server")
    db = str(folder / "khabar.db")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    subprocess.run(
        _khabar("ingest", str(SEED), "--db", db, "--quiet"), cwd=ROOT, env=env, check=True, timeout=120
    )
    with khabar_server(["--db", db], env=env, log=folder / "server.log", timeout=START_TIMEOUT) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


def test_search_read_and_follow_the_json_link(server: str, browser, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1100, "height": 900}, locale="fa-IR")
    expect = sync_api.expect

    page.goto(f"{server}/")
    page.fill("input[name=q]", "همکاري")  # Arabic yeh, as some sites write it
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/?q=*")

    results = page.locator("ol.results li.result")
    expect(results).to_have_count(1)
    expect(results.first.locator("mark").first).to_have_text("همکاری\u200cهای")
    expect(results.first.get_by_text("۱۷ مهر ۱۴۰۴")).to_be_visible()
    expect(results.first).to_contain_text("ILNA")
    assert _font_loaded(page), "the vendored Vazirmatn font was not used"
    page.screenshot(path=tmp_path / "search.png", full_page=True)

    results.first.locator("h2 a").click()
    page.wait_for_url("**/articles/*")

    assert page.get_attribute("html", "dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.querySelector('.text')).direction") == "rtl"
    expect(page.locator(".text")).to_contain_text("سردار کاکاوند در ادامه با ابراز نگرانی")
    expect(page.locator(".text mark").first).to_have_text("همکاری\u200cهای")
    expect(page.get_by_text("۱۷ مهر ۱۴۰۴")).to_be_visible()
    expect(page.get_by_text("2025-10-09")).to_be_visible()
    assert _font_loaded(page)
    quotes = page.locator(".text .quote")
    expect(quotes).to_have_count(5)
    speaker_label = "getComputedStyle(document.querySelector('.text .quote'), '::before').content"
    assert page.evaluate(speaker_label) == '"ایرج کاکاوند: "'  # who said it, shown before the quotation
    expect(page.locator("section.quotes li").nth(3)).to_contain_text("اسد مجید خان")
    page.screenshot(path=tmp_path / "article.png", full_page=True)

    page.locator("section.quotes li a.words").first.click()  # the speaker's page lists what they said
    page.wait_for_url("**/entities/*")
    expect(page.locator("section.said li")).to_have_count(3)
    page.go_back()

    with page.expect_navigation() as navigation:
        page.locator("article a.json").click()
    record = navigation.value.json()
    assert record["published_jalali"] == "1404-07-17"
    assert record["source"] == "ILNA"
    assert page.url.startswith(f"{server}/api/articles/")
    page.screenshot(path=tmp_path / "json.png")


def test_malformed_query_shows_the_message_in_the_page(server: str, browser, tmp_path: Path) -> None:
    page = browser.new_page()

    response = page.goto(f"{server}/?q=%22abc")

    assert response is not None and response.status == 400
    expect = sync_api.expect
    expect(page.locator(".error")).to_contain_text("never closed")
    expect(page.locator("input[name=q]")).to_have_value('"abc')
    page.screenshot(path=tmp_path / "error.png", full_page=True)


def _font_loaded(page) -> bool:
    return page.evaluate(
        """async () => {
            await document.fonts.ready;
            return [...document.fonts].some(f => f.family.replaceAll('"', '') === 'Vazirmatn' && f.status === 'loaded');
        }"""
    )
