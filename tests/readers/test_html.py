"""Web pages → records: decoding by header, meta and detection; main text with ZWNJ intact; metadata."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khabar.readers import read_paths
from khabar.readers.decoding import DecodeFailure
from khabar.readers.html import (
    ZWNJ,
    choose_published,
    decode_html,
    extract_page,
    page_record,
    protect_zwnj,
    restore_zwnj,
)
from khabar.records import RawRecord, Rejection

PAGES = Path(__file__).resolve().parents[1] / "fetch" / "fixtures"


def page(body: str, head: str = "") -> str:
    return (
        f"<!DOCTYPE html><html lang='fa'><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"
    )


ARTICLE = (
    "<article><h1>عنوان خبر</h1>"
    "<p>وزیر گفت ما همکاری‌های دوجانبه را ادامه می‌دهیم و کمیسیون مشترک تا پایان سال برگزار می‌شود.</p>"
    "<p>او افزود که گفت‌وگوها دربارهٔ راه‌آهن مرزی ادامه خواهد داشت و کارشناسان گزارش خود را ارائه می‌کنند.</p>"
    "</article>"
)


# -- ZWNJ ------------------------------------------------------------------------------------------------------
def test_trafilatura_alone_deletes_zwnj():
    """The reason for protect_zwnj: if this starts failing, trafilatura keeps ZWNJ and the guard may go."""
    import trafilatura

    extracted = trafilatura.extract(page(ARTICLE)) or ""
    assert "همکاریهای" in extracted and ZWNJ not in extracted


@pytest.mark.parametrize("written", ["\u200c", "&zwnj;", "&#8204;", "&#x200c;", "&#x200C;", "&#08204;"])
def test_every_spelling_of_zwnj_survives_extraction(written):
    html = page(ARTICLE.replace("همکاری‌های", f"همکاری{written}های").replace("خبر", f"می{written}رود"))
    extracted = extract_page(html)
    assert "همکاری\u200cهای" in extracted.text
    assert "می\u200cدهیم" in extracted.text
    assert extracted.title == "عنوان می\u200cرود"


def test_zwnj_survives_in_the_fixture_page_text_title_and_site_name():
    extracted = extract_page(
        (PAGES / "news" / "1.html").read_text(encoding="utf-8"), "http://news.test/news/1.html"
    )
    for word in (
        "همکاری\u200cهای",
        "می\u200cدهیم",
        "می\u200cشود",
        "گفت\u200cوگوها",
        "حمل\u200cونقل",
        "گزارش\u200cهای",
    ):
        assert word in extracted.text
    assert extracted.title == "وزیران برای گسترش همکاری\u200cها دیدار کردند"


@given(st.text(alphabet=st.sampled_from(["\u200c", "a", "<", ">", "&", ";", "ی", "م", " ", "ꔀ", "ꔁ"])))
def test_protect_and_restore_round_trip(text):
    protected, letter = protect_zwnj(text)
    assert ZWNJ not in protected
    assert letter and letter not in text
    assert restore_zwnj(protected, letter) == text


def test_entities_are_protected_as_zwnj():
    protected, letter = protect_zwnj("می&zwnj;رود و می&#8204;آید")
    assert restore_zwnj(protected, letter) == "می\u200cرود و می\u200cآید"


# -- boilerplate and metadata ------------------------------------------------------------------------------------
def test_menus_related_links_and_footer_are_left_out():
    extracted = extract_page(
        (PAGES / "news" / "1.html").read_text(encoding="utf-8"), "http://news.test/news/1.html"
    )
    for boilerplate in ("صفحهٔ نخست", "ورود به حساب", "پربازدیدترین", "قیمت طلا", "حقوق این پایگاه"):
        assert boilerplate not in extracted.text
    assert extracted.text.startswith("به گزارش خبرگزاری آزمایشی")
    assert "\n\n" in extracted.text  # paragraphs separated by a blank line, as in every reader
    assert not extracted.text.startswith("وزیران برای")  # the headline is the title, not the first paragraph


def test_canonical_url_date_and_site_name():
    extracted = extract_page(
        (PAGES / "news" / "1.html").read_text(encoding="utf-8"), "http://news.test/news/1.html"
    )
    assert extracted.url == "http://news.test/news/1/ministers"
    assert extracted.dates[0] == "2025-08-21T10:31:00+03:30"
    assert extracted.site_name == "خبرگزاری آزمایشی"


def test_date_from_json_ld():
    extracted = extract_page((PAGES / "news" / "4.html").read_text(encoding="utf-8"))
    assert extracted.dates == ["2025-08-24T09:30:00+03:30"]


@pytest.mark.parametrize(
    "canonical",
    ["/", "http://news.test/", "http://elsewhere.test/news/1", "javascript:void(0)", ""],
)
def test_a_canonical_link_that_is_no_article_address_of_the_site_is_ignored(canonical):
    html = page(ARTICLE, f"<link rel='canonical' href='{canonical}'>")
    assert extract_page(html, "http://news.test/news/7").url is None


def test_the_page_date_wins_over_the_feed_date_and_an_unreadable_one_is_kept_as_written():
    assert choose_published(["2025-08-21T10:31:00+03:30", "Fri, 22 Aug 2025 08:00:00 +0330"]) == (
        "2025-08-21T10:31:00+03:30"
    )
    assert (
        choose_published(["دیروز عصر", "Fri, 22 Aug 2025 08:00:00 +0330"])
        == "Fri, 22 Aug 2025 08:00:00 +0330"
    )
    assert choose_published(["دیروز عصر"], "2025-08-20") == "2025-08-20"
    assert choose_published(["دیروز عصر"]) == "دیروز عصر"
    assert choose_published([]) is None


def test_page_record_uses_the_feed_title_and_date_only_as_fallbacks():
    html = page(ARTICLE.replace("<h1>عنوان خبر</h1>", ""))
    record = page_record(
        html.encode(),
        origin="http://news.test/a",
        title="عنوان خوراک",
        published="2025-08-22",
        source="آزمایشی",
    )
    assert isinstance(record, RawRecord)
    assert record.source == "آزمایشی" and record.published == "2025-08-22"
    assert record.title  # the page's own <title> or headline guess when it has one, else the feed's


def test_a_page_without_article_text_is_rejected_with_the_reason():
    html = page("<nav><a href='/'>خانه</a></nav><footer>حقوق محفوظ است</footer>")
    rejected = page_record(html.encode(), origin="http://news.test/empty")
    assert isinstance(rejected, Rejection)
    assert rejected.reason.startswith("only 1 words of text found in the page: not an article")
    nothing = page_record(b"<html><head><title>x</title></head><body></body></html>", origin="http://n.test/")
    assert isinstance(nothing, Rejection) and "no article text" in nothing.reason


def test_broken_html_is_read_without_error():
    record = page_record((PAGES / "news" / "broken.html").read_bytes(), origin="broken.html")
    assert isinstance(record, RawRecord)
    assert "شورای شهر" in record.text and "بوستان محله\u200cای" in record.text
    assert "var x" not in record.text


# -- decoding ----------------------------------------------------------------------------------------------------
def test_windows_1256_by_meta_http_equiv():
    data = (PAGES / "news" / "2.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    html, encoding = decode_html(data)
    assert encoding == "cp1256"
    assert "بارش\u200cهاي پاييزي" in html  # cp1256 has ZWNJ at 0x9d


def test_the_http_charset_wins_over_the_meta_charset():
    data = page("<p>سلام</p>").replace("utf-8", "windows-1256").encode("utf-8")
    assert decode_html(data, "text/html; charset=UTF-8") == (data.decode("utf-8"), "utf-8")


def test_a_page_labelled_latin_but_written_in_utf8_is_read_as_utf8():
    data = page("<p>سلام دنیا</p>").replace("utf-8", "iso-8859-1").encode("utf-8")
    assert decode_html(data)[1] == "utf-8"


def test_detection_when_nothing_is_declared():
    text = "<html><body><p>سلام بر همه، اين يک متن فارسي است</p></body></html>"  # Arabic yeh, as cp1256 has
    assert decode_html(text.encode("cp1256")) == (text, "cp1256")
    assert decode_html(text.encode("utf-8")) == (text, "utf-8")
    assert decode_html(codecs.BOM_UTF8 + text.encode("utf-8")) == (text, "utf-8-sig")


def test_bytes_that_are_no_text_fail_with_a_reason():
    with pytest.raises(DecodeFailure):
        decode_html(bytes(range(256)) * 4)
    rejected = page_record(bytes(range(256)) * 4, origin="x.html")
    assert isinstance(rejected, Rejection) and rejected.reason.startswith("cannot decode the page")


# -- files on disk -----------------------------------------------------------------------------------------------
def test_html_files_and_folders_ingest_through_read_paths(tmp_path):
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "a.html").write_bytes((PAGES / "news" / "1.html").read_bytes())
    (folder / "b.htm").write_bytes((PAGES / "news" / "2.html").read_bytes())
    (folder / "notes.md").write_text("skipped")
    records = list(read_paths([folder]))
    assert [type(item) for item in records] == [RawRecord, RawRecord]
    first, second = records
    assert first.url is None  # a relative canonical link means nothing without the page's own address
    assert first.title == "وزیران برای گسترش همکاری\u200cها دیدار کردند"
    assert first.published == "2025-08-21T10:31:00+03:30"
    assert second.encoding == "cp1256" and "استان\u200cهاي" in second.text
