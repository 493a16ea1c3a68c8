"""Canonical names: the mentions of one entity in an article become one entity with one name.

News names a person fully once (`سردار «ایرج کاکاوند» رئیس پلیس مبارزه با مواد مخدر فراجا`) and then by title
and surname (`سردار کاکاوند`) or surname alone (`کاکاوند`). This step strips titles and quotation marks from
each mention, keeps the title and the role stated beside the name, and links every shorter mention to the
longest one it is part of. The canonical name's search form (``khabar.text.terms``) makes the entity's key, so
orthographic variants (ي/ی, ZWNJ, spaces) never split an entity, within or across articles.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from typing import Any

from khabar.text.terms import term_texts

# Honorifics and ranks written before Persian names (longest first when matching).
TITLES = tuple(
    sorted(
        [
            "آقای",
            "آقا",
            "خانم",
            "دکتر",
            "مهندس",
            "استاد",
            "سردار",
            "سرلشکر",
            "سرتیپ",
            "سرهنگ",
            "سرگرد",
            "سروان",
            "سرتیپ\u200cدوم",
            "امیر",
            "دریادار",
            "دریابان",
            "تیمسار",
            "سپهبد",
            "ارتشبد",
            "حجت\u200cالاسلام",
            "حجت\u200cالاسلام\u200cوالمسلمین",
            "حجت\u200cالاسلام\u200c",
            "والمسلمین",
            "آیت\u200cالله",
            "آیت\u200cالله\u200cالعظمی",
            "شیخ",
            "سید",
            "سیده",
            "حاج",
            "حاجی",
            "مرحوم",
            "شهید",
            "پروفسور",
            "بانو",
        ],
        key=len,
        reverse=True,
    )
)
# Nouns that open a role stated beside a name: رئیس پلیس …، دبیر کل سازمان اکو، وزیر امور خارجه.
ROLE_HEADS = tuple(
    sorted(
        [
            "رئیس",
            "رییس",
            "دبیرکل",
            "دبیر",
            "معاون",
            "وزیر",
            "سخنگوی",
            "سخنگو",
            "فرمانده",
            "مدیرعامل",
            "مدیر",
            "نماینده",
            "سفیر",
            "استاندار",
            "فرماندار",
            "شهردار",
            "دادستان",
            "رئیس\u200cجمهور",
            "رییس\u200cجمهور",
            "نخست\u200cوزیر",
            "عضو",
            "مشاور",
            "قائم\u200cمقام",
            "جانشین",
            "سرپرست",
            "دبیرکل",
            "رهبر",
            "مسئول",
            "کارشناس",
            "مربی",
            "سرمربی",
            "بازیکن",
            "کاپیتان",
            "امام\u200cجمعه",
            "رئیس\u200cکل",
            "رییس\u200cکل",
            "صدراعظم",
            "نخست وزیر",
            "پادشاه",
            "ولیعهد",
            "دبیر کل",
            "قاضی",
            "رئیس جمهور",
            "رئیس جمهوری",
            "رییس جمهور",
            "رییس جمهوری",
            "حاکم",
        ],
        key=len,
        reverse=True,
    )
)
QUOTES = "«»\"'“”"
ROLE_STOP = re.compile(
    r"\s(?:در|با|به|که|و|از|طی|ضمن|روز|امروز|دیروز|اظهار|گفت|افزود|تصریح|تاکید|تأکید|خاطرنشان|بیان|ادامه|"
    r"اعلام|عنوان|یادآور|اضافه|نیز|هم)(?=[\s:،.])|[،؛:.!?؟\n«]"
)
MAX_ROLE_CHARS = 80


def canonicalize(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add ``canonical``, ``key`` and ``entity_id`` to every entity, and ``title``/``role`` to people.

    Entities are dicts with ``start``, ``end`` and ``label`` over ``text``; the result is a new list.
    """
    enriched = [dict(entity) for entity in entities]
    in_order = sorted(enriched, key=_start)
    for entity in enriched:
        surface = text[entity["start"] : entity["end"]]
        name, title = split_title(surface.strip(QUOTES + " "))
        if entity["label"] == "PER":
            name, title_after_quotes = _title_before(text, entity["start"], name, title)
            title = title or title_after_quotes
        entity["text"] = surface
        entity["canonical"] = name
        if title:
            entity["title"] = title
        if entity["label"] == "PER" and (role := role_after(text, entity["end"], in_order)):
            entity["role"] = role
    _link_short_mentions(enriched)
    for entity in enriched:
        entity["key"] = entity_key(entity["label"], entity["canonical"])
        entity["entity_id"] = entity_id(entity["key"])
    return enriched


def split_title(name: str) -> tuple[str, str | None]:
    """``سردار ایرج کاکاوند`` → (``ایرج کاکاوند``, ``سردار``); titles may stack (``حجت‌الاسلام سید``)."""
    titles: list[str] = []
    rest = name
    while True:
        for title in TITLES:
            if rest.startswith(title + " ") or rest.startswith(title + "\u200c"):
                titles.append(title)
                rest = rest[len(title) + 1 :].lstrip(QUOTES + " ")
                break
        else:
            break
    rest = rest.strip(QUOTES + " ")
    return (rest or name), (" ".join(titles) or None)


def role_after(text: str, end: int, entities: list[dict[str, Any]]) -> str | None:
    """The role stated right after a name: a role noun, then words up to a boundary, extended to cover an
    organisation entity that starts inside it (`رئیس` + `پلیس مبارزه با مواد مخدر فراجا`). ``entities`` are in
    text order (looked up by bisection: a text may name thousands)."""
    start = end
    while start < len(text) and text[start] in QUOTES + " ":
        start += 1
    head = next((role for role in ROLE_HEADS if text.startswith(role, start)), None)
    if head is None:
        return None
    near = start + len(head) + 2 * MAX_ROLE_CHARS  # where to look for the role's end first
    stop = ROLE_STOP.search(text, start + len(head), near)
    if stop is None and len(text[start:near].rstrip()) > MAX_ROLE_CHARS:
        return None  # too long to be a role, wherever it ends: no need to read the rest of the text
    stop = stop or ROLE_STOP.search(text, start + len(head))
    role_end = stop.start() if stop else len(text)
    for index in range(bisect.bisect_left(entities, start, key=_start), len(entities)):
        entity = entities[index]
        if entity["start"] > role_end:
            break
        if entity["label"] in ("ORG", "LOC", "FAC"):
            role_end = max(role_end, entity["end"])
    role = text[start:role_end].strip()
    return role if len(role) <= MAX_ROLE_CHARS else None


def _start(entity: dict[str, Any]) -> int:
    return entity["start"]


def _title_before(text: str, start: int, name: str, title: str | None) -> tuple[str, str | None]:
    """A title written outside the quotation marks: سردار «ایرج کاکاوند»."""
    before = text[max(0, start - 30) : start].rstrip(QUOTES + " ")
    for candidate in TITLES:
        if before.endswith(candidate) and (
            len(before) == len(candidate) or not before[-len(candidate) - 1].isalpha()
        ):
            return name, candidate
    return name, None


# Words of a name a shorter mention may be the end of; a longer "name" is a tagging accident (issue 13: this keeps
# linking linear in the number of mentions).
LONGEST_LINKED = 30


def _link_short_mentions(entities: list[dict[str, Any]]) -> None:
    """A mention whose words end a longer mention of the same type is that entity: کاکاوند → ایرج کاکاوند.

    The longest such mention wins (the first in the text among equally long ones); it is never itself the end of
    a longer one, so no chains arise. Looked up by the mention's words, not by comparing every pair of mentions.
    """
    by_label: dict[str, list[dict[str, Any]]] = {}
    for entity in entities:
        by_label.setdefault(entity["label"], []).append(entity)
    for mentions in by_label.values():
        words = [tuple(term_texts(mention["canonical"])) for mention in mentions]
        longest = _longest_ending_with(mentions, words)
        for mention, mention_words in zip(mentions, words, strict=True):
            longer = longest.get(mention_words) if mention_words else None
            if longer is None:
                continue
            mention["canonical"] = longer["canonical"]
            for extra in ("title", "role"):
                if extra in longer and extra not in mention:
                    mention[extra] = longer[extra]


def _longest_ending_with(
    mentions: list[dict[str, Any]], words: list[tuple[str, ...]]
) -> dict[tuple[str, ...], dict[str, Any]]:
    """Every proper ending of a mention's words (up to LONGEST_LINKED words) → the longest mention ending so."""
    longest: dict[tuple[str, ...], dict[str, Any]] = {}
    order = sorted(range(len(mentions)), key=lambda i: len(words[i]), reverse=True)  # stable: text order
    for index in order:
        name = words[index]
        for size in range(1, min(len(name), LONGEST_LINKED + 1)):
            longest.setdefault(name[-size:], mentions[index])
    return longest


def entity_key(label: str, canonical: str) -> str:
    """The identity of an entity across articles: its type and its name in search form, without spaces, so
    that a ZWNJ, a space or nothing between the parts makes no difference (علیرضا = علی رضا = علی‌رضا)."""
    return label + ":" + "".join(term_texts(canonical))


def entity_id(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:12]
