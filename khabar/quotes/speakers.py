"""Who is speaking: the speaker's words before a cue, and the person or organisation they refer to.

News names a speaker fully once and then refers back with a pronoun (``وی``, ``او``), an anaphoric phrase
(``این مقام``, ``این مسئول``), a surname, or the role the article gave them (``رئیس کل دیوان محاسبات``). The
entity step has already linked surnames to full names; here pronouns go to the last speaker and roles go to the
person the article stated them beside (or, failing that, to the one person quoted so far).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from khabar.entities.canonical import ROLE_HEADS, TITLES
from khabar.quotes.cues import fold_cue

PRONOUNS = ("وی", "او", "ایشان", "آن‌ها", "آنها", "آنان", "وی\u200cهمچنین")
ANAPHOR_HEADS = (
    "مقام",
    "مسئول",
    "مسؤول",
    "مقام مسئول",
    "نماینده",
    "کارشناس",
    "فرمانده",
    "مدیر",
    "وزیر",
    "سخنگو",
    "عضو",
    "مربی",
    "سرمربی",
    "بازیکن",
    "استاد",
    "پژوهشگر",
    "فعال",
    "چهره",
    "نویسنده",
    "هنرمند",
    "مقام ارشد",
    "دیپلمات",
    "سیاستمدار",
    "مدیرکل",
    "معاون",
    "رئیس",
    *(DOCUMENTS := ("گزارش", "بیانیه", "منبع", "منبع خبری", "نامه", "مقاله", "اطلاعیه", "رسانه", "روزنامه")),
)
# Words that end the speaker's name or role and begin an adjunct: ``X روز دوشنبه در گفت‌وگو با …``. Not ``و``
# (roles contain it: ``رئیس مرکز پیشگیری و مدیریت بحران``) nor ``جمعه`` (``امام جمعه``); ``روز`` comes first.
_ADJUNCT = re.compile(
    r"\s(?:هرچند|اگرچه|در|با|روز|امروز|دیروز|امشب|صبح|عصر|شب|ضمن|طی|پس|پیش|هنگام|بعد|قبل|هم|نیز|همچنین|که|به|بر|برای|درباره|"
    r"درخصوص|در\u200cخصوص|خطاب|ظهر|بامداد|سه\u200cشنبه|یکشنبه|دوشنبه|چهارشنبه|پنجشنبه|شنبه|اخیرا|اخیراً|"
    r"سپس|همچنان|ابتدا|پیرامون|امسال|از|را|یک|نیز)(?=\s|$)|[،؛(]"
)
_LEADING = re.compile(
    r"(?:(?:و|اما|ولی|همچنین|سپس|در ادامه|در پایان|در همین حال|در همین ارتباط|در این ارتباط|در همین رابطه|"
    r"در این رابطه|از سوی دیگر|از طرفی|از طرف دیگر|در عین حال|همزمان|هم‌زمان|در بخش دیگری از سخنانش|"
    r"(?:بر اساس|براساس|طبق|بنابر|بنا بر) (?:این|همین) (?:گزارش|خبر)،?)\s+)+"
)
# A sentence that opens with a prepositional phrase names its speaker after the comma: «در واکنش به …، X گفت».
_OPENING_PHRASE = re.compile(
    r"(?:در|با|به|از|پس از|برای|علاوه بر|بنابر|با این حال|در هر حال)\s[^،:]{0,120}،\s*"
)
_PREPOSITION = re.compile(r"(?:از|در|بنا|طبق|پس|پیش|هنگام|ضمن)\s")
MAX_SPEAKER_CHARS = 90
SPEAKER_REGION = (
    1_000  # characters before a cue where its speaker is looked for (a sentence's worth and more)
)


# Role nouns a speaker is called by besides those the entity step knows (``khabar.entities.canonical.ROLE_HEADS``).
MORE_ROLE_HEADS = ("مقام", "امام جمعه", "خطیب", "رئیس", "رییس", "سرپرست", "مدیرکل", "دبیرکل")
# A role noun as a whole word: «کارشناس» is one person, «کارشناسان» a group that no one name stands for.
_ROLE_WORDS = "|".join(
    re.escape(head) for head in sorted({*ROLE_HEADS, *MORE_ROLE_HEADS}, key=len, reverse=True)
)
_ROLE_AT_START = re.compile(rf"(?:{_ROLE_WORDS})(?=\s|$)")
_ROLE_INSIDE = re.compile(rf"\s(?:{_ROLE_WORDS})(?=\s|$)")


@dataclass(frozen=True, slots=True)
class Speaker:
    """The words naming a quote's source, and what kind of reference they are."""

    text: str
    start: int
    end: int
    anaphoric: bool = False
    entity: dict[str, Any] | None = None

    @staticmethod
    def is_role(words: str) -> bool:
        return _ROLE_AT_START.match(words) is not None


def find_speaker(
    text: str, start: int, end: int, entities: list[dict[str, Any]], cut_adjuncts: bool = True
) -> Speaker:
    """The speaker named in ``text[start:end]`` (the words before a cue), empty and anaphoric when none is.

    Only the last :data:`SPEAKER_REGION` characters are read: in a crafted sentence of thousands of cues, reading
    from its start for each cue was quadratic (issue 13).
    """
    if end - start > SPEAKER_REGION:
        space = text.find(" ", end - SPEAKER_REGION, end)
        start = space + 1 if space >= 0 else end - SPEAKER_REGION
    leading = _LEADING.match(text, start, end)
    if leading:
        start = leading.end()
    while start < end and text[start].isspace():
        start += 1
    opener = _OPENING_PHRASE.match(text, start, end)
    if opener:
        start = opener.end()
    elif cut_adjuncts and _PREPOSITION.match(text, start, end):
        start = _after_last_adjunct(text, start, end)  # «از چند ماه پیش آن‌ها گفتند»: the subject comes last
    for pronoun in PRONOUNS:
        if text.startswith(pronoun, start) and (
            start + len(pronoun) >= end or not text[start + len(pronoun)].isalpha()
        ):
            return Speaker(pronoun, start, start + len(pronoun), anaphoric=True)
    if text.startswith("در این ", start) and _names_a_document(text[start + 3 : end].strip()):
        start += 3  # «در این بیانیه آمده است»: the statement is the source
    if text.startswith("این ", start):
        for head in sorted(ANAPHOR_HEADS, key=len, reverse=True):
            phrase_end = start + 4 + len(head)
            if text.startswith(head, start + 4) and (
                phrase_end >= len(text) or not text[phrase_end].isalpha()
            ):
                return Speaker(text[start:phrase_end], start, phrase_end, anaphoric=True)
    stop = end
    if cut_adjuncts:
        match = _ADJUNCT.search(text, start, end)
        if match:
            stop = match.start()
    named = _first_named(entities, start, stop if stop > start else end)
    if named is not None:
        return Speaker(text[named["start"] : named["end"]], named["start"], named["end"], entity=named)
    stop = min(stop, start + MAX_SPEAKER_CHARS)
    role = _ROLE_INSIDE.search(text, start, stop)
    if role and not _ROLE_AT_START.match(text, start):
        stop = role.start()  # «چاک شومر رهبر اکثریت سنا»: the name, not the role after it
    while stop > start and (text[stop - 1].isspace() or text[stop - 1] in "،"):
        stop -= 1
    if stop <= start:
        return Speaker("", start, start, anaphoric=True)
    return Speaker(text[start:stop], start, stop)


def _after_last_adjunct(text: str, start: int, end: int) -> int:
    """Where the words after the region's last adjunct begin (or ``start`` when nothing follows one)."""
    ends = [match.end() for match in _ADJUNCT.finditer(text, start, end)]
    position = ends[-1] if ends else start
    while position < end and text[position].isspace():
        position += 1
    return position if position < end else start


def _start(entity: dict[str, Any]) -> int:
    return entity["start"]


def _first_named(entities: list[dict[str, Any]], start: int, end: int) -> dict[str, Any] | None:
    """The first person named among the speaker's words, else the first organisation that opens them.
    ``entities`` are in text order (looked up by bisection: a text may name thousands)."""
    inside = []
    for index in range(bisect.bisect_left(entities, start, key=_start), len(entities)):
        if entities[index]["start"] >= end:
            break
        inside.append(entities[index])
    for entity in inside:
        if entity["label"] == "PER":
            return entity
    for entity in inside:
        if entity["label"] == "ORG" and entity["start"] - start <= 2:
            return entity
    return None


def resolve_speakers(
    text: str, speakers: list[Speaker], entities: list[dict[str, Any]]
) -> list[tuple[str | None, str | None]]:
    """``(canonical name, entity id)`` for each speaker, in text order, following references back."""
    roles = _roles(entities)
    resolved: list[tuple[str | None, str | None]] = []
    last: tuple[str | None, str | None] = (None, None)  # the last person quoted: «وی»، «این مقام»
    last_source: tuple[str | None, str | None] = (None, None)  # the last organisation quoted: «این گزارش»
    protagonist = _protagonist(speakers, entities)
    people = [entity for entity in entities if entity["label"] == "PER"]
    named_by: dict[str, tuple[str, str | None] | None] = {}  # speaker words → the person they name, once
    appositives, by_role = _Appositives(text, people), _RoleIndex(roles)
    for speaker in speakers:
        person = True
        if speaker.entity is not None:
            current = (speaker.entity.get("canonical") or speaker.text, speaker.entity.get("entity_id"))
            person = speaker.entity["label"] == "PER"
        elif speaker.anaphoric and _names_a_document(speaker.text):
            current = last_source if last_source[0] else (speaker.text, None)
            person = False
        elif speaker.anaphoric:
            current = last if last[0] else _last_before(people, speaker.start)
        else:
            if speaker.text not in named_by:
                named_by[speaker.text] = by_role.find(speaker.text) or appositives.find(speaker.text)
            found = named_by[speaker.text] or (protagonist if Speaker.is_role(speaker.text) else None)
            current = found or (
                _bare(speaker.text),
                None,
            )  # an unnamed role is still someone «وی» can refer to
        if current[0] and person:
            last = current
        elif current[0] and speaker.entity is not None:
            last_source = current
        resolved.append(current)
    return resolved


def _role_key(words: str) -> str:
    """A role's comparison form: ``رئیس جمهوری آمریکا`` and ``رئیس جمهور آمریکا`` are one role."""
    return "".join(fold_cue(word).removesuffix("ی") for word in words.split())


def _roles(entities: list[dict[str, Any]]) -> list[tuple[str, tuple[str, str | None]]]:
    return [
        (_role_key(entity["role"]), (entity["canonical"], entity.get("entity_id")))
        for entity in entities
        if entity["label"] == "PER" and entity.get("role")
    ]


def _by_role(words: str, roles: list[tuple[str, tuple[str, str | None]]]) -> tuple[str, str | None] | None:
    folded = _role_key(words)
    if not folded or not Speaker.is_role(words):
        return None
    for role, person in roles:
        if role.startswith(folded) or folded.startswith(role):
            return person
    return None


def _appositive(text: str, role: str, entities: list[dict[str, Any]]) -> tuple[str, str | None] | None:
    """The person the article names right beside these words anywhere (``آنگلا مرکل صدراعظم آلمان``)."""
    key = _role_key(role)
    if len(role.split()) < 2:
        return None
    for entity in entities:
        if entity["label"] != "PER":
            continue
        after = _role_key(text[entity["end"] : entity["end"] + len(role) + 20].lstrip("،,» "))
        before = _role_key(text[max(0, entity["start"] - len(role) - 20) : entity["start"]].rstrip("«، "))
        if after.startswith(key) or before.endswith(key):
            return entity.get("canonical") or entity["text"], entity.get("entity_id")
    return None


class _RoleIndex:
    """:func:`_by_role` for many speakers: the roles' beginnings and the roles themselves are indexed, so speaker
    words are looked up, not compared with every role the article gave (quadratic in a long text)."""

    def __init__(self, roles: list[tuple[str, tuple[str, str | None]]]) -> None:
        self.roles = roles
        self.starting: dict[str, int] = {}  # a beginning of a role → the first role beginning so
        self.exact: dict[str, int] = {}  # a role → its first place
        for index, (role, _) in enumerate(roles):
            self.exact.setdefault(role, index)
            for size in range(len(role) + 1):
                self.starting.setdefault(role[:size], index)

    def find(self, words: str) -> tuple[str, str | None] | None:
        folded = _role_key(words)
        if not folded or not Speaker.is_role(words):
            return None
        found = [
            self.starting.get(folded),
            *(self.exact.get(folded[:size]) for size in range(len(folded) + 1)),
        ]
        first = min((index for index in found if index is not None), default=None)
        return None if first is None else self.roles[first][1]


class _Appositives:
    """:func:`_appositive` for many roles over one text: each person's neighbourhood is folded once per width
    (a role's length + 20) and every beginning of what follows and ending of what precedes is indexed, so a role is
    looked up, not compared with every person (an article of hundreds of unnamed roles and people was quadratic)."""

    def __init__(self, text: str, people: list[dict[str, Any]]) -> None:
        self.text = text
        self.people = people
        self._by_width: dict[int, tuple[dict[str, int], dict[str, int]]] = {}

    def find(self, role: str) -> tuple[str, str | None] | None:
        if len(role.split()) < 2:
            return None
        key = _role_key(role)
        starting, ending = self._index(len(role) + 20)
        found = [index for index in (starting.get(key), ending.get(key)) if index is not None]
        if not found:
            return None
        entity = self.people[min(found)]
        return entity.get("canonical") or entity["text"], entity.get("entity_id")

    def _index(self, width: int) -> tuple[dict[str, int], dict[str, int]]:
        """Every beginning of the folded text after each person, and every ending of that before, → the first
        person (in text order) it belongs to."""
        if width not in self._by_width:
            starting: dict[str, int] = {}
            ending: dict[str, int] = {}
            text = self.text
            for index, entity in enumerate(self.people):
                after = _role_key(text[entity["end"] : entity["end"] + width].lstrip("،,» "))
                before = _role_key(text[max(0, entity["start"] - width) : entity["start"]].rstrip("«، "))
                for size in range(len(after) + 1):
                    starting.setdefault(after[:size], index)
                for size in range(len(before) + 1):
                    ending.setdefault(before[len(before) - size :], index)
            self._by_width[width] = (starting, ending)
        return self._by_width[width]


def _protagonist(speakers: list[Speaker], entities: list[dict[str, Any]]) -> tuple[str, str | None] | None:
    """Whom an unnamed role most likely denotes: the person the article quotes most by name, else its only person.

    News names its main speaker once and otherwise calls them by role (``امام جمعه موقت تهران``); a role that is
    stated beside no name anywhere in the article is theirs far more often than anyone else's.
    """
    quoted: dict[str, tuple[int, int, dict[str, Any]]] = {}
    for order, speaker in enumerate(speakers):
        entity = speaker.entity
        if entity is not None and entity["label"] == "PER" and entity.get("entity_id"):
            count, first, _ = quoted.get(entity["entity_id"], (0, order, entity))
            quoted[entity["entity_id"]] = (count + 1, first, entity)
    if quoted:
        _, _, entity = max(quoted.values(), key=lambda item: (item[0], -item[1]))
    else:
        named = {entity.get("entity_id"): entity for entity in entities if entity["label"] == "PER"}
        if len(named) != 1:
            return None
        entity = next(iter(named.values()))
    return entity.get("canonical") or entity["text"], entity.get("entity_id")


def _names_a_document(words: str) -> bool:
    return words.removeprefix("این ") in DOCUMENTS


def _last_before(people: list[dict[str, Any]], position: int) -> tuple[str | None, str | None]:
    """The last of ``people`` (in text order) named before ``position``."""
    for index in range(bisect.bisect_left(people, position, key=_start) - 1, -1, -1):
        entity = people[index]
        if entity["end"] <= position:
            return entity.get("canonical") or entity["text"], entity.get("entity_id")
    return None, None


def _bare(words: str) -> str:
    """A speaker's words without a leading title (``آقای بلینکن`` → ``بلینکن``)."""
    for title in TITLES:
        if words.startswith(title + " "):
            return words[len(title) + 1 :].strip()
    return words
