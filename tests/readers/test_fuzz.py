"""Property test of the readers (issue 13): whatever bytes a file of a supported kind holds, ``read_paths`` yields
only records and rejections, never raises, gives only storable text, and stops a file's rejections at the cap.

Inputs are arbitrary bytes, and texts built from the pieces that break parsers (brackets, quotes, escapes of lone
surrogates and controls, ``NaN``, date markers, delimiters, newlines) in several encodings, plain and gzipped.
The caps are lowered so that a few hundred bytes can reach them.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khabar.readers import SUPPORTED_SUFFIXES, limits, read_paths
from khabar.readers.jsondoc import _LoneSurrogatesMarked
from khabar.records import RawRecord, Rejection

PIECES = [
    "{", "}", "[", "]", '"', "'", ":", ",", ";", "\t", "\n", "\r\n", "\r", " ", "\\", "\\u", "\\ud800", "\\udc00",
    "\\u0000", "\\u001b", "\\n", '\\"', "NaN", "Infinity", "-1e999", "5", "true", "null", '"text"', '"title"',
    '"articles"', "text", "title,text", "id,title,text", "date 2025-01-01 ", "date ۱۴۰۴-۰۷-۱۷", "خبر", "می\u200cشود",
    "\u2028", "\ufeff", "\x00", "\x1b[31m", "\x85", "<p>", "</p>", "<html><body>", "<meta charset=windows-1256>",
]  # fmt: skip
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1256"]
SUFFIXES = sorted(SUPPORTED_SUFFIXES)
CAPS = {"MAX_RECORD_BYTES": 300, "MAX_REJECTIONS_PER_FILE": 5, "MAX_RECORDS_PER_FILE": 20, "MAX_NESTING": 8}

crafted = st.builds(
    lambda pieces, encoding: "".join(pieces).encode(encoding, errors="replace"),
    st.lists(st.sampled_from(PIECES), max_size=120),
    st.sampled_from(ENCODINGS),
)
contents = st.one_of(st.binary(max_size=2_000), crafted)


@contextmanager
def low_caps() -> Iterator[None]:
    saved = {name: getattr(limits, name) for name in CAPS}
    for name, value in CAPS.items():
        setattr(limits, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(limits, name, value)


def assert_storable(item: RawRecord | Rejection) -> None:
    """Every text of the item can be encoded as UTF-8 (what storing it does) and holds no control character."""
    if isinstance(item, RawRecord):
        values = [item.text, item.title, item.url, item.source, item.external_id, item.published, item.origin]
    else:
        values = [item.origin, item.reason, item.excerpt]
    for value in values:
        if value is not None:
            value.encode("utf-8")
            assert not limits.has_controls(value), repr(value)


@pytest.mark.parametrize("suffix", SUFFIXES)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=contents)
def test_any_bytes_give_records_and_rejections_only(suffix: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder, low_caps():
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(gzip.compress(data) if suffix.endswith(".gz") else data)

        found = list(read_paths([path]))

    assert found, "every file gives at least one record or rejection"
    for item in found:
        assert isinstance(item, RawRecord | Rejection)
        assert_storable(item)
    assert sum(isinstance(item, Rejection) for item in found) <= CAPS["MAX_REJECTIONS_PER_FILE"] + 1
    assert len(found) <= CAPS["MAX_RECORDS_PER_FILE"] + 1
    for record in found:
        if isinstance(record, RawRecord):
            assert record.text.strip()
            assert len(record.title or "") <= limits.MAX_TITLE_CHARS


any_char = st.characters(codec=None, exclude_categories=())  # surrogates and controls included
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(any_char, max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["text", "title", "id", "url", "body", "articles", "x"]), inner, max_size=4
        )
    ),
    max_leaves=40,
)


@pytest.mark.parametrize("shape", ["lines", "array", "holder"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(json_values, max_size=8))
def test_any_json_values_give_records_and_rejections_only(shape: str, values: list[object]) -> None:
    """Valid JSON of any shape (NaN, lone surrogates and controls escaped in strings, nesting past the cap)."""
    if shape == "lines":
        name, content = "fuzz.jsonl", "\n".join(json.dumps(value) for value in values)
    else:
        name, content = (
            "fuzz.json",
            json.dumps(values if shape == "array" else {"meta": 1, "articles": values}),
        )
    with tempfile.TemporaryDirectory() as folder, low_caps():
        path = Path(folder) / name
        path.write_text(content, encoding="utf-8")

        found = list(read_paths([path]))

    for item in found:
        assert isinstance(item, RawRecord | Rejection)
        assert_storable(item)
    assert sum(isinstance(item, Rejection) for item in found) <= CAPS["MAX_REJECTIONS_PER_FILE"] + 1


@settings(max_examples=300, deadline=None)
@given(
    texts=st.lists(
        st.text(st.sampled_from(["\ud800", "\udc00", "\U0001f600", "\\", "u", "d", "8", "ا", '"']))
    ),
    sizes=st.lists(st.integers(1, 20), min_size=1),
)
def test_lone_surrogate_escapes_are_marked_across_any_chunk_boundary(
    texts: list[str], sizes: list[int]
) -> None:
    """The .json reader marks each escaped lone surrogate for ijson (which cannot parse past one) and restores
    it after: the strings read equal Python's own parse, wherever the reads cut the escapes."""
    document = json.dumps(texts).encode()  # every lone surrogate, pair and backslash escaped
    marked = _LoneSurrogatesMarked(io.BytesIO(document))
    chunks, turn = [], 0
    while chunk := marked.read(sizes[turn % len(sizes)]):
        chunks.append(chunk)
        turn += 1

    restored = json.loads(b"".join(chunks).decode().replace("\\ufffe", "\\ud800"))

    lone = re.compile("[\ud800-\udfff]")  # after parsing, pairs are one character: what is left is lone
    assert restored == [lone.sub("\ud800", text) for text in json.loads(document)]
