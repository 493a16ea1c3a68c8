"""Quotations with their speakers, found by the constructions Persian news reports speech with.

Rules, not a trained model: no Persian quote-attribution corpus exists to train on, and the constructions are few
and regular. Each finder below handles one of them over the normalized text:

- ``direct_quotes``: ``X … اظهار داشت: CONTENT`` (a speech verb before a colon) and the headline style
  ``فرمانده انتظامی استان ایلام: CONTENT`` (a short name or role before a colon at the start of a line);
- ``clause_quotes``: ``X با بیان اینکه CONTENT، افزود …``;
- ``according_to_quotes``: ``به گفته X، CONTENT``;
- ``verb_content_quotes``: ``X گفت (که) CONTENT`` without a colon.

Speakers are then resolved in text order (``speakers.resolve_speakers``): a pronoun (``وی``) or an anaphoric
phrase (``این مقام``) refers to the last speaker, and a role refers to the person the article gave it to.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from khabar.quotes.cues import (
    ACCORDING_TO,
    CLAUSE_NOUNS,
    INDIRECT_VERBS,
    MAX_CUE_WORDS,
    SPEECH_VERBS,
    fold_cue,
    speech_cue_at_end,
)
from khabar.quotes.speakers import Speaker, find_speaker, resolve_speakers

_WORD = re.compile(r"[^\s«»\"“”:،؛.!?؟()\[\]]+")
# A sentence ends at . ! ? ؟ … (not inside a number) and at a line break.
_SENTENCE_END = re.compile(r"(?<!\d)[.!?؟…]+(?![\d])[»\"”)]*|\n")
MIN_CONTENT_WORDS = 3
MAX_HEADLINE_WORDS = 8
MAX_SPEAKER_WORDS = 10  # a speaker and its role rarely run longer before their verb
# What a speaker region before a colon must not be: list and Q&A labels, not sources.
_NOT_SPEAKERS = re.compile(r"^(?:سوال|سؤال|پرسش|پاسخ|جواب|توضیح|نکته|منبع|عکس|تصویر|خبرنگار|متن|شرح)\b")
_ATTRIBUTION = re.compile(
    r"\s*(?:(?:به گزارش|به نقل از|بنابر گزارش|بنا بر گزارش|به نوشته)[^،؛:\n]{0,80}[،؛]"  # the agency's line
    r"|[^\s،:\-–]{2,20}\s*[-–]\s*[^\s،:\-–]{2,20}\s*[-–]"  # a dateline: «تهران- ایرنا-»
    r"|(?:خبرگزاری|پایگاه|روزنامه|سایت)[^،؛:\n]{2,40}؛)\s*"  # «خبرگزاری خانه ملت؛»
)
_THAT = re.compile(r"\s*که\s+")


@dataclass(slots=True)
class Candidate:
    start: int
    end: int
    kind: str
    cue: str
    speaker: Speaker


@dataclass(frozen=True, slots=True)
class Sentences:
    """Sentence boundaries of a text, for "the sentence around this offset" lookups."""

    text: str
    starts: list[int]
    ends: list[int]

    @classmethod
    def of(cls, text: str) -> Sentences:
        starts, ends, start = [], [], 0
        for match in _SENTENCE_END.finditer(text):
            end = match.end() if match.group() != "\n" else match.start()
            if end > start:
                starts.append(start)
                ends.append(end)
            start = match.end()
        if start < len(text):
            starts.append(start)
            ends.append(len(text))
        return cls(text, starts, ends)

    def index_at(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def start_of(self, offset: int) -> int:
        return self.starts[self.index_at(offset)] if self.starts else 0

    def end_of(self, offset: int) -> int:
        return self.ends[self.index_at(offset)] if self.ends else len(self.text)


def find_quotes(text: str, entities: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Every quotation in ``text`` as ``{start, end, text, kind, cue, speaker, speaker_start, speaker_end,
    speaker_canonical, speaker_entity_id}``, in text order.

    A text longer than :data:`QUOTE_WINDOW` is read a window at a time (cut at a line break or sentence end):
    speakers are resolved within their window, and finding quotes stays linear in the text's length.
    """
    entities = sorted(entities or [], key=lambda entity: entity["start"])
    quotes: list[dict[str, Any]] = []
    for start, end in windows(text, QUOTE_WINDOW):
        if end - start == len(text):
            window, inside = text, entities
        else:
            window, inside = text[start:end], _shifted(entities, start, end)
        for quote in _find_quotes(window, inside):
            for field in ("start", "end", "speaker_start", "speaker_end"):
                quote[field] += start
            quotes.append(quote)
    return quotes


# No news article comes near this (Hamshahri's longest is 31k characters); a longer text is cut into windows.
QUOTE_WINDOW = 50_000


def windows(text: str, size: int) -> list[tuple[int, int]]:
    """``text`` cut into spans of at most ``size`` characters, each ending at a line break, else after a
    sentence end, else at a space where one is in the span's second half (a hard cut otherwise)."""
    spans: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > size:
        limit = start + size
        cut = text.rfind("\n", start + size // 2, limit) + 1
        if not cut:
            ends = [match.end() for match in _SENTENCE_END.finditer(text, start + size // 2, limit)]
            cut = ends[-1] if ends else text.rfind(" ", start + size // 2, limit) + 1 or limit
        spans.append((start, cut))
        start = cut
    spans.append((start, len(text)))
    return spans


def _shifted(entities: list[dict[str, Any]], start: int, end: int) -> list[dict[str, Any]]:
    """The entities inside ``start:end``, with offsets into that window."""
    return [
        {**entity, "start": entity["start"] - start, "end": entity["end"] - start}
        for entity in entities
        if start <= entity["start"] and entity["end"] <= end
    ]


def _find_quotes(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """:func:`find_quotes` over one window, ``entities`` in text order."""
    sentences = Sentences.of(text)
    candidates = [
        *direct_quotes(text, sentences, entities),
        *clause_quotes(text, sentences, entities),
        *according_to_quotes(text, sentences, entities),
        *verb_content_quotes(text, sentences, entities),
    ]
    kept = _cut_at_next_speaker(text, _without_repeats(candidates))
    resolved = resolve_speakers(text, [candidate.speaker for candidate in kept], entities)
    quotes = []
    for candidate, (canonical, entity_id) in zip(kept, resolved, strict=True):
        quotes.append(
            {
                "start": candidate.start,
                "end": candidate.end,
                "text": text[candidate.start : candidate.end],
                "kind": candidate.kind,
                "cue": candidate.cue,
                "speaker": candidate.speaker.text,
                "speaker_start": candidate.speaker.start,
                "speaker_end": candidate.speaker.end,
                "speaker_canonical": canonical,
                "speaker_entity_id": entity_id,
            }
        )
    return quotes


def direct_quotes(text: str, sentences: Sentences, entities: list[dict[str, Any]]) -> Iterator[Candidate]:
    for colon in _colons(text):
        region_start = _after_attribution(text, sentences.start_of(colon), colon)
        words = _last_words(text, region_start, colon, max(MAX_CUE_WORDS, MAX_HEADLINE_WORDS + 1))
        if not words:
            continue
        content = _direct_content(text, sentences, colon + 1)
        if content is None:
            continue
        cue_size = speech_cue_at_end([word for word, _, _ in words])
        if cue_size:
            cue_start = words[-cue_size][1]
            speaker = find_speaker(text, region_start, cue_start, entities)
            yield Candidate(*content, "direct", text[cue_start:colon].strip(), speaker)
        elif _is_headline_speaker(text, region_start, colon, words, entities):
            speaker = find_speaker(text, region_start, colon, entities)
            yield Candidate(*content, "direct", "", speaker)


_CLAUSE_OPENER = re.compile(
    rf"(?<!\S)با\s+(?:{'|'.join(CLAUSE_NOUNS)})(?:\s+(?:به|بر|از))?"
    r"\s+(?:این[\s\u200c]?که|این\s+[^\s،:.]+\s+که)\s+"
)


def clause_quotes(text: str, sentences: Sentences, entities: list[dict[str, Any]]) -> Iterator[Candidate]:
    """``X با بیان اینکه CONTENT، گفت``: the content runs to the comma before the sentence's speech verb."""
    for opener in _CLAUSE_OPENER.finditer(text):
        content_start = opener.end()
        sentence_end = sentences.end_of(content_start)
        verb = _first_speech_verb(text, content_start, sentence_end)
        if verb is None:
            continue
        comma = text.rfind("،", content_start, verb)
        content_end = comma if comma > content_start else verb
        content_end = _trim_end(text, content_start, content_end)
        if _word_count(text, content_start, content_end) < MIN_CONTENT_WORDS:
            continue
        region_start = _after_attribution(text, sentences.start_of(opener.start()), opener.start())
        speaker = find_speaker(text, region_start, opener.start(), entities)
        cue = text[opener.start() : opener.end()].strip()
        yield Candidate(content_start, content_end, "indirect", cue, speaker)


def according_to_quotes(
    text: str, sentences: Sentences, entities: list[dict[str, Any]]
) -> Iterator[Candidate]:
    """``به گفته X، CONTENT``: the source is named first, the content follows the comma."""
    pattern = "|".join(re.escape(cue) for cue in ACCORDING_TO)
    for match in re.finditer(rf"(?<!\S)(?:{pattern})\s+", text):
        sentence_end = sentences.end_of(match.start())
        comma = text.find("،", match.end(), sentence_end)
        if comma < 0 or _word_count(text, match.end(), comma, 9) > 8:
            continue
        speaker = find_speaker(text, match.end(), comma, entities, cut_adjuncts=False)
        content_start = _skip_space(text, comma + 1)
        content_end = _trim_end(text, content_start, sentence_end)
        if _word_count(text, content_start, content_end) < MIN_CONTENT_WORDS:
            continue
        opening = list(_words(text, content_start, content_end))[:MAX_SPEAKER_WORDS]
        if ":" in text[content_start:content_end] or (
            opening and _first_speech_verb(text, content_start, opening[-1][2]) is not None
        ):
            continue  # «به نوشته X، Y گفت: …» is Y's quote, found by the other finders
        yield Candidate(content_start, content_end, "indirect", match.group().strip(), speaker)


def verb_content_quotes(
    text: str, sentences: Sentences, entities: list[dict[str, Any]]
) -> Iterator[Candidate]:
    """``X گفت (که) CONTENT``: a speech verb followed by its content in the same sentence, no colon."""
    resumes = _Resumptions.of(text)
    for sentence_start, sentence_end in zip(sentences.starts, sentences.ends, strict=True):
        words = list(_words(text, sentence_start, sentence_end))
        next_reports = [  # «و» opening the next report: «… و افزود …»
            position
            for position in range(len(words) - 1)
            if words[position][0] == "و" and _indirect_verb_at(words, position + 1)
        ]
        index = 0
        while index < len(words):
            size = _indirect_verb_at(words, index)
            if not size:
                index += 1
                continue
            verb_start, verb_end = words[index][1], words[index + size - 1][2]
            index += size
            after = _skip_space(text, verb_end)
            if after >= sentence_end or text[after] in ":،.؛!?؟" or _not_a_report(words, index - size):
                continue
            if text.startswith("و گو", after) or text.startswith("وگو", after) or _passive_after(text, after):
                continue
            content_start = after
            that = _THAT.match(text, content_start)
            if that:
                content_start = that.end()
            content_end = _content_end(words, index, sentence_end, next_reports, resumes)
            content_end = _trim_end(text, content_start, content_end)
            if _word_count(text, content_start, content_end) < MIN_CONTENT_WORDS:
                continue
            clause_start = _inner_clause_start(text, sentence_start, verb_start)
            region_start = _after_attribution(text, clause_start, verb_start)
            speaker = find_speaker(text, region_start, verb_start, entities)
            cue = text[verb_start:verb_end]
            yield Candidate(content_start, content_end, "indirect", cue, speaker)


def _inner_clause_start(text: str, sentence_start: int, verb_start: int) -> int:
    """Where the clause of a verb nested in a quotation begins (``X گفت: Y می‌گوید …``, ``«Y می‌گوید …``)."""
    start = sentence_start
    colon = text.rfind(":", sentence_start, verb_start)
    if colon > 0 and speech_cue_at_end(
        [word for word, _, _ in _last_words(text, sentence_start, colon, MAX_CUE_WORDS)]
    ):
        start = colon + 1
    opening = text.rfind("«", start, verb_start)
    if opening >= 0 and "»" not in text[opening:verb_start]:
        start = opening + 1
    return start


# -- helpers over words and offsets -------------------------------------------------------------------------


def _words(text: str, start: int, end: int) -> Iterator[tuple[str, int, int]]:
    for match in _WORD.finditer(text, start, end):
        yield match.group(), match.start(), match.end()


def _last_words(text: str, start: int, end: int, count: int) -> list[tuple[str, int, int]]:
    """The last ``count`` of ``_words(text, start, end)``, reading back from ``end`` only as far as they reach
    (a region before a cue may be a whole long sentence)."""
    span = 64
    while True:
        window_start = max(start, end - span)
        words = list(_words(text, window_start, end))
        if (
            window_start > start
            and words
            and words[0][1] == window_start
            and _WORD.match(text, window_start - 1)
        ):
            words = words[1:]  # cut by the window: its beginning lies further back
        if len(words) >= count or window_start == start:
            return words[-count:]
        span *= 2


def _colons(text: str) -> Iterator[int]:
    for match in re.finditer(":", text):
        position = match.start()
        before = text[position - 1] if position else ""
        after = text[position + 1] if position + 1 < len(text) else ""
        if not (before.isdigit() and after.isdigit()):
            yield position


def _after_attribution(text: str, start: int, end: int) -> int:
    """Skip the agency's line (``به گزارش ایلنا،``) and leading connectives before a speaker."""
    match = _ATTRIBUTION.match(text, start, end)
    if match:
        start = match.end()
    while start < end and (text[start].isspace() or text[start] in "-–—•*»"):
        start += 1
    return start


def _direct_content(text: str, sentences: Sentences, start: int) -> tuple[int, int] | None:
    start = _skip_space(text, start)
    if start >= len(text) or text[start] == "\n":
        return None
    if text[start] == "«":
        close = _matching_guillemet(text, start)
        if close is not None:
            return start, close
    end = sentences.end_of(start)
    if _word_count(text, start, end) < MIN_CONTENT_WORDS:
        return None
    end = _continued_end(text, sentences, end)
    return start, _trim_end(text, start, end)


def _continued_end(text: str, sentences: Sentences, end: int) -> int:
    """Extend a direct quote over the rest of its paragraph while no new attribution begins.

    Only where the text has paragraphs: a text whose line breaks were lost runs many speakers' sentences
    together, and there a quote ends with its sentence.
    """
    paragraphs = "\n" in text
    index = sentences.index_at(end - 1)
    while index + 1 < len(sentences.starts):
        next_start, next_end = sentences.starts[index + 1], sentences.ends[index + 1]
        if "\n" in text[end:next_start] or next_start - end > 3:
            break
        sentence = text[next_start:next_end]
        words = [word for word, _, _ in _words(text, next_start, next_end)]
        if ":" in sentence or _ATTRIBUTION.match(sentence) or _mentions_speech(words):
            break
        if not paragraphs and not _sounds_like_speaker(words):
            break
        end, index = next_end, index + 1
    return end


_CONTINUING = {"همچنین", "البته", "اما", "ولی", "لذا", "بنابراین", "درواقع", "ضمنا", "ضمناً", "متاسفانه"}


def _sounds_like_speaker(words: list[str]) -> bool:
    """In text without paragraphs, a sentence continues a quote if it opens with a connective or says «we»."""
    if not words:
        return False
    if words[0] in _CONTINUING:
        return True
    return any(
        word in {"ما", "من", "بنده"} or word.endswith(("\u200cایم", "یم")) for word in words[-3:] + words[:3]
    )


def _mentions_speech(words: list[str]) -> bool:
    return any(_indirect_verb_at(words, i) or _speech_verb_at(words, i) for i in range(len(words)))


def _speech_verb_at(words: list[str], index: int) -> int:
    for size in range(min(MAX_CUE_WORDS, len(words) - index), 0, -1):
        if fold_cue("".join(words[index : index + size])) in SPEECH_VERBS:
            return size
    return 0


def _indirect_verb_at(words: list[str] | list[tuple[str, int, int]], index: int) -> int:
    items = [word if isinstance(word, str) else word[0] for word in words[index : index + MAX_CUE_WORDS]]
    for size in range(len(items), 0, -1):
        if fold_cue("".join(items[:size])) in INDIRECT_VERBS:
            return size
    return 0


def _first_speech_verb(text: str, start: int, end: int) -> int | None:
    words = [word for word, _, _ in _words(text, start, end)]
    offsets = [word_start for _, word_start, _ in _words(text, start, end)]
    for index in range(len(words)):
        if _speech_verb_at(words, index):
            return offsets[index]
    return None


_PASSIVE = re.compile(r"(?:می[\s\u200c]?شود|می[\s\u200c]?شد|شده|شد|شود|نمی[\s\u200c]?شود)(?![^\W\d_])")


def _passive_after(text: str, position: int) -> bool:
    """``گفته می‌شود که …``: said by no one — not a report of anyone's words."""
    return _PASSIVE.match(text, position) is not None


def _not_a_report(words: list[tuple[str, int, int]], verb_index: int) -> bool:
    """``… را اعلام کرد`` has an object, so what follows is not its content; ``به گفته`` is another cue."""
    return verb_index > 0 and words[verb_index - 1][0] in {"را", "به"}


# Where reported content gives way to the reporter's narration: a clause joined by «و» that starts with an
# adverbial or a new object (``و در همین راستا``، ``و اگر``). A contrast (``، اما``) is as often still the speaker's.
_NARRATION_RESUMES = re.compile(r"\sو\s+(?:در|اگر|آن را|این را|سپس|همچنین)\s")


def _content_end(
    words: list[tuple[str, int, int]],
    index: int,
    sentence_end: int,
    next_reports: list[int],
    resumes: _Resumptions,
) -> int:
    """Indirect content runs to the sentence end, to ``و افزود …`` that opens the next one, or to narration.

    ``next_reports`` are the sentence's word positions of such a ``و`` (found once per sentence, so a sentence
    with many verbs is not read again for each).
    """
    end = sentence_end
    following = bisect.bisect_left(next_reports, index)
    if following < len(next_reports):
        end = words[next_reports[following]][1]
    if index + MIN_CONTENT_WORDS < len(words):
        resumes_at = resumes.first(words[index + MIN_CONTENT_WORDS][1], end)
        if resumes_at is not None:
            end = resumes_at
    return end


@dataclass(frozen=True, slots=True)
class _Resumptions:
    """Every place narration resumes in a text (:data:`_NARRATION_RESUMES`), found once: what
    ``_NARRATION_RESUMES.search(text, start, end)`` finds, without reading the text again for each verb."""

    starts: list[int]
    ends: list[int]

    @classmethod
    def of(cls, text: str) -> _Resumptions:
        found = [(match.start(), match.start() + len(match.group(1))) for match in _RESUMES_AT.finditer(text)]
        return cls([start for start, _ in found], [end for _, end in found])

    def first(self, start: int, end: int) -> int | None:
        """Where the first resumption inside ``text[start:end]`` begins, or ``None``."""
        for index in range(bisect.bisect_left(self.starts, start), len(self.starts)):
            if self.starts[index] >= end:
                break
            if self.ends[index] <= end:
                return self.starts[index]
        return None


# Every start, overlapping ones included (a match is at most a few characters long).
_RESUMES_AT = re.compile(f"(?=({_NARRATION_RESUMES.pattern}))")


def _is_headline_speaker(
    text: str, start: int, colon: int, words: list[tuple[str, int, int]], entities: list[dict[str, Any]]
) -> bool:
    """``مهاجرانی: …`` at a line start: a short name or role, no verb, then the speaker's words."""
    line_start = text.rfind("\n", 0, colon) + 1
    if text[line_start:start].strip() or len(words) > MAX_HEADLINE_WORDS:
        return False
    region = text[start:colon].strip()
    if not region or _NOT_SPEAKERS.match(region) or region.endswith(("زیر", "از", "شامل", "عبارتند")):
        return False
    has_name = any(
        entity["label"] in {"PER", "ORG"} and start <= entity["start"] < colon for entity in entities
    )
    return has_name or Speaker.is_role(region)


_GUILLEMET_OR_BREAK = re.compile("[«»\n]")


def _matching_guillemet(text: str, start: int) -> int | None:
    """The end of the quotation opened at ``start``, within 3,000 characters and the line."""
    depth = 0
    for match in _GUILLEMET_OR_BREAK.finditer(text, start, min(len(text), start + 3000)):
        if match.group() == "«":
            depth += 1
        elif match.group() == "»":
            depth -= 1
            if depth == 0:
                return match.end()
        else:
            return None
    return None


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\u200c":
        position += 1
    return position


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and (text[end - 1].isspace() or text[end - 1] in "،؛"):
        end -= 1
    return end


def _word_count(text: str, start: int, end: int, enough: int = MIN_CONTENT_WORDS) -> int:
    """The number of words in ``text[start:end]``, counted up to ``enough`` (a region may be long)."""
    return sum(1 for _ in islice(_WORD.finditer(text, start, end), enough))


def _without_repeats(candidates: list[Candidate]) -> list[Candidate]:
    """One quote per span; a direct quote wins over an indirect reading of the same words."""
    order = {"direct": 0, "indirect": 1}
    kept: dict[tuple[int, int], Candidate] = {}
    by_speaker: dict[int, list[Candidate]] = {}  # kept candidates by where their speaker starts
    for candidate in sorted(candidates, key=lambda c: (order[c.kind], c.start)):
        key = (candidate.start, candidate.end)
        if key in kept:
            continue
        same_speaker = by_speaker.setdefault(candidate.speaker.start, [])
        if any(_overlap(other, candidate) > 0.5 for other in same_speaker):
            continue
        kept[key] = candidate
        same_speaker.append(candidate)
    return sorted(kept.values(), key=lambda c: c.start)


def _cut_at_next_speaker(text: str, candidates: list[Candidate]) -> list[Candidate]:
    """A quote ends where the next direct quote's speaker is named (sentence ends are sometimes missing)."""
    for current, following in zip(candidates, candidates[1:], strict=False):
        speaker = following.speaker
        if following.kind == "direct" and speaker.text and current.start < speaker.start < current.end:
            current.end = _trim_end(text, current.start, speaker.start)
    return [candidate for candidate in candidates if candidate.end > candidate.start]


def _overlap(a: Candidate, b: Candidate) -> float:
    shared = min(a.end, b.end) - max(a.start, b.start)
    return shared / max(1, min(a.end - a.start, b.end - b.start)) if shared > 0 else 0.0
