"""The date scanner on crafted input (issue 13, finding 4): a letter run longer than any glued date phrase is
not searched for the date words it might be glued from (that search is quadratic in the run's length)."""

from __future__ import annotations

from khabar.dates import find_dates, scan
from khabar.dates.scan import LONGEST_GLUED, Token


class _CountingPieces(frozenset):
    """The lexicon's pieces, counting how often the glued-word search asks about one."""

    asked = 0

    def __contains__(self, item: object) -> bool:
        type(self).asked += 1
        return super().__contains__(item)


def _split(text: str) -> tuple[list[Token] | None, int]:
    table, _, pieces = scan.lexicon()
    counting = _CountingPieces(pieces)
    _CountingPieces.asked = 0
    found = scan._split_glued(Token(0, len(text), text, ""), table, counting)
    return found, _CountingPieces.asked


def test_a_letter_run_longer_than_any_glued_phrase_is_not_searched() -> None:
    found, asked = _split("امروز" * 2_000)
    assert found is None
    assert asked == 0


def test_glued_date_words_are_still_cut() -> None:
    found, _ = _split("امروزدوشنبه")
    assert [token.text for token in found or []] == ["امروز", "دوشنبه"]
    assert len("هزارونهصدونودوهشت") < LONGEST_GLUED


def test_a_long_glued_run_in_a_text_is_no_date() -> None:
    assert find_dates("امروز" * 2_000) == []
