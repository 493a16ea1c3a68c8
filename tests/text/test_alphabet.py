"""The alphabet is defined once (khabar/text/alphabet.py): no module keeps its own ZWNJ, letter class or
non-joining letters, which had drifted apart by a code point (issue 14)."""

from __future__ import annotations

import re
from pathlib import Path

from khabar.text import alphabet

PACKAGE = Path(alphabet.__file__).resolve().parent.parent
OWN_DEFINITION = re.compile(r"^\s*_?(ZWNJ|NON_JOINING|PERSIAN_LETTERS?|LETTERS)\s*=", re.MULTILINE)


def test_no_module_defines_the_alphabet_again() -> None:
    found = [
        f"{path.relative_to(PACKAGE)}: {match.group(0).strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != Path(alphabet.__file__).resolve()
        for match in OWN_DEFINITION.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_non_joining_letters_join_nothing_after_them() -> None:
    assert set(alphabet.NON_JOINING) == set("اآأإٱدذرزژوؤة")
    written = alphabet.NON_JOINING.replace("ٱ", "")  # alef wasla is normalized to ا before any letter test
    assert re.fullmatch(f"[{alphabet.PERSIAN_LETTERS}]+", "پچژکگیۀ" + written)
    assert not re.search(f"[{alphabet.PERSIAN_LETTERS}]", alphabet.ZWNJ + "abc123۱۲۳")
