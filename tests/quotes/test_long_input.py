"""Quotes on crafted input (issue 13, finding 4): each finder reads what it needs, not the whole sentence or
text again for each cue, with the same results; a text longer than any article is read a window at a time."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from khabar.quotes import extract
from khabar.quotes.extract import (
    _NARRATION_RESUMES,
    QUOTE_WINDOW,
    Candidate,
    _last_words,
    _Resumptions,
    _without_repeats,
    _words,
    find_quotes,
    windows,
)
from khabar.quotes.speakers import Speaker

_text = st.text(alphabet="و در اگر سپس همچنین آن را گفت: «»،.\n" + "ب", max_size=400)


@settings(max_examples=300, deadline=None)
@given(_text, st.data())
def test_last_words_are_the_last_of_all_words(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    count = data.draw(st.integers(1, 12))
    assert _last_words(text, start, end, count) == list(_words(text, start, end))[-count:]


@settings(max_examples=300, deadline=None)
@given(_text, st.data())
def test_resumptions_found_once_answer_as_the_search_does(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    match = _NARRATION_RESUMES.search(text, start, end)
    assert _Resumptions.of(text).first(start, end) == (match.start() if match else None)


@given(st.text(alphabet="ab .\n", max_size=300), st.integers(4, 50))
def test_windows_cover_the_text_in_order_and_within_their_size(text: str, size: int) -> None:
    spans = windows(text, size)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(end == next_start for (_, end), (next_start, _) in zip(spans, spans[1:], strict=False))
    assert all(0 < end - start <= size for start, end in spans) or text == ""


def test_a_text_longer_than_the_window_keeps_every_quote_at_its_place() -> None:
    quote = "علی احمدی گفت: «ما این طرح را اجرا می‌کنیم.»\n"
    filler = "این یک جمله ساده و بی‌طرف درباره آب و هوا است.\n"
    text = quote + filler * (QUOTE_WINDOW // len(filler) + 10) + quote
    assert len(windows(text, QUOTE_WINDOW)) == 2
    found = find_quotes(text, [{"start": 0, "end": 9, "label": "PER", "canonical": "علی احمدی"}])
    assert [(q["start"], q["speaker"]) for q in found] == [
        (quote.index("«"), "علی احمدی"),
        (len(text) - len(quote) + quote.index("«"), "علی احمدی"),
    ]
    assert all(text[q["start"] : q["end"]] == q["text"] for q in found)


def test_repeats_are_compared_only_with_quotes_of_the_same_speaker(monkeypatch) -> None:  # noqa: ANN001
    compared = 0

    def counting(a: Candidate, b: Candidate) -> float:
        nonlocal compared
        compared += 1
        return 0.0

    monkeypatch.setattr(extract, "_overlap", counting)
    candidates = [
        Candidate(i * 10, i * 10 + 8, "indirect", "گفت", Speaker("او", i * 10 - 3, i * 10))
        for i in range(3_000)
    ]
    assert len(_without_repeats(candidates)) == 3_000
    assert compared == 0  # every pair was compared: 4.5 million calls


def test_many_colons_in_one_sentence(monkeypatch) -> None:  # noqa: ANN001
    """Each colon once read its sentence from the start (``او گفت: او گفت: …``: quadratic)."""
    read = 0
    original = extract._words

    def counting(*args):  # noqa: ANN002, ANN202
        nonlocal read
        for word in original(*args):
            read += 1
            yield word

    monkeypatch.setattr(extract, "_words", counting)
    find_quotes("او گفت: " * 5_000)
    assert read < 100 * 5_000  # a few words per colon; every colon reading its sentence: 25 million


def test_a_speaker_is_looked_for_near_its_cue(monkeypatch) -> None:  # noqa: ANN001
    """In a crafted sentence of thousands of cues each speaker region ran from the sentence's start: quadratic."""
    from khabar.quotes import speakers

    widest = 0

    class Recording:
        def __init__(self, pattern) -> None:  # noqa: ANN001
            self.pattern = pattern

        def search(self, text: str, start: int, end: int):  # noqa: ANN201
            nonlocal widest
            widest = max(widest, end - start)
            return self.pattern.search(text, start, end)

        def finditer(self, text: str, start: int, end: int):  # noqa: ANN201
            return self.pattern.finditer(text, start, end)

    monkeypatch.setattr(speakers, "_ADJUNCT", Recording(speakers._ADJUNCT))
    found = find_quotes("او گفت: «" * 10_000)
    assert found and widest <= speakers.SPEAKER_REGION


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="رئیس اداره کل علی احمدی «»،, ی", min_size=1, max_size=200),
    st.lists(st.tuples(st.integers(0, 200), st.integers(1, 12)), max_size=8),
    st.lists(
        st.sampled_from(["رئیس اداره", "رئیس  کل", "اداره ی کل", "رئیس", "کل علی ، احمدی", "ی ی"]), max_size=5
    ),
)
def test_roles_looked_up_find_the_person_the_pairwise_rule_finds(text: str, spans, roles) -> None:  # noqa: ANN001
    from khabar.quotes.speakers import _appositive, _Appositives

    people = [
        {
            "start": min(start, len(text)),
            "end": min(start + size, len(text)),
            "label": "PER",
            "text": "x",
            "entity_id": str(i),
        }
        for i, (start, size) in enumerate(sorted(spans))
    ]
    index = _Appositives(text, people)
    for role in roles:
        assert index.find(role) == _appositive(text, role, people)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["رئیس اداره", "رئیس", "", "مدیر کل", "رئیس اداره کل", "سخنگو"]), max_size=8),
    st.lists(
        st.sampled_from(["رئیس اداره", "رئیس اداره کل استان", "مدیر", "مدیر کل", "سخنگوی دولت", "رئیس"]),
        max_size=5,
    ),
)
def test_roles_indexed_find_the_person_the_pairwise_rule_finds(given_roles, speakers) -> None:  # noqa: ANN001
    from khabar.quotes.speakers import _by_role, _role_key, _RoleIndex

    roles = [(_role_key(role), (f"نام{i}", str(i))) for i, role in enumerate(given_roles)]
    index = _RoleIndex(roles)
    for words in speakers:
        assert index.find(words) == _by_role(words, roles)
