"""End to end: the real CLI ingests the seed, the real server serves it, Debian's Chromium uses the pages.

Run alone with ``pytest -m browser``; skipped when Chromium or the ``playwright`` package is missing.
"""

from __future__ import annotations

import json
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
    other = folder / "other.jsonl"  # another agency on the seed's subject, a Jalali month earlier
    other.write_text(
        json.dumps(
            {"text": "نشست سازمان اکو در تهران برگزار شد.", "source": "ISNA", "date": "1404-06-10"},
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    subprocess.run(
        _khabar("ingest", str(SEED), str(other), "--db", db, "--quiet"),
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
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


def test_a_facet_link_narrows_the_results(server: str, browser, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1300, "height": 900}, locale="fa-IR")
    expect = sync_api.expect

    page.goto(f"{server}/?q=اکو")
    results = page.locator("ol.results li.result")
    expect(results).to_have_count(2)
    months = page.locator("#facet-months > ul li")
    expect(months).to_have_count(2)  # newest first, named as a Persian reader names them
    expect(months.first).to_contain_text("مهر ۱۴۰۴")
    expect(months.nth(1)).to_contain_text("شهریور ۱۴۰۴")
    aside = page.locator("aside.facets").bounding_box()
    found = page.locator(".found").bounding_box()
    assert aside and found and aside["x"] + aside["width"] <= found["x"]  # beside the results, at their left
    page.screenshot(path=tmp_path / "facets.png", full_page=True)

    page.locator("#facet-months").get_by_role("link", name="شهریور ۱۴۰۴").click()
    page.wait_for_url("**/?q=*from=*")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("ISNA")
    expect(page.locator("input[name=from]")).to_have_value("1404-06-01")  # the month's Jalali days
    expect(page.locator("input[name=to]")).to_have_value("1404-06-31")
    expect(page.locator("#facet-months strong[aria-current=true]")).to_have_text("شهریور ۱۴۰۴")

    page.goto(f"{server}/?q=اکو")
    page.locator("#facet-sources").get_by_role("link", name="ILNA").click()
    page.wait_for_url("**/?q=*source=ILNA*")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("ILNA")
    expect(page.locator(".summary")).to_contain_text("۱ خبر یافت شد")


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
