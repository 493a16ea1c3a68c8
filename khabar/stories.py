"""Stories: articles about the same event, grouped over a sliding window of publication days.

An article is described by a small set of *story keys*: the named entities it mentions most (``e:`` + entity
id, from the entity step) and the content words of its headline and lead (``t:`` + search term), where a news
report states its event. Two articles in the window are about the same event when their key sets overlap enough
(Jaccard of the key sets ≥ ``STORY_THRESHOLD``, with at least ``MIN_SHARED`` keys in common). A new article joins
the story of its best match in the window, or starts a story; a republication (a near-duplicate) always joins
the story of what it republishes.

Parameters:

- ``WINDOW_DAYS = 3``: candidates are published at most three days before or after the article. Reports,
  follow-ups and reactions to one event cluster within days; three days cover a Persian weekend (Thursday and
  Friday) plus a daily newspaper's one-day lag, while a longer window starts merging recurring subjects (weekly
  price reports, Friday prayers) into one story. The window slides: a story lives as long as articles keep
  joining it within three days of one another.
- Keys: up to ``ENTITY_KEYS`` entities (most mentioned first) and ``TERM_KEYS`` content words from the title and
  the first ``LEAD_TERMS`` terms of the text. Function words, reporting verbs, weekdays, months and agency
  boilerplate are left out (``STOP_TERMS``): every article shares them.

Everything here is pure; ``khabar/store/links.py`` stores the keys and finds candidates with one indexed query.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from functools import cache
from typing import Any

from khabar.text.terms import term_texts

WINDOW_DAYS = 3
ENTITY_KEYS = 12
TERM_KEYS = 30
LEAD_TERMS = 60
MIN_TERM_CHARS = 3
STORY_THRESHOLD = 0.2
MIN_SHARED = 4
NAMED_LABELS = frozenset({"PER", "ORG", "LOC", "FAC", "EVENT", "PRO"})

_STOP_WORDS = """
این آن است بود شد شده شود شوند شدن کرد کرده کند کنند کردن کردند میکند میکنند میشود میشوند داد داده دهد
دارد دارند داشت داشته باشد باشند بوده هست هستند نیست خواهد خواهند گفت گفته میگوید افزود اظهار کرد اعلام
برای اینکه اما نیز همچنین همه هر یکی برخی دیگر بین میان پیش پس بعد قبل بدون درباره توسط سوی روی زیر طی
باید نباید چند چون چرا چه چگونه آنها ایشان وی خود خویش آقای خانم سید امروز دیروز فردا روز روزهای امسال سال
ماه هفته ساعت گذشته آینده اخیر جاری شنبه یکشنبه دوشنبه سهشنبه چهارشنبه پنجشنبه جمعه فروردین اردیبهشت خرداد
تیر مرداد شهریور مهر آبان آذر دی بهمن اسفند گزارش خبرگزاری خبرنگار خبر خبری اخبار نقل منبع انتهای پیام
عنوان اشاره تاکید بیان ادامه مورد صورت اساس حال جریان همین چنین آنکه بیش کمتر بیشتر اول دوم سوم
"""


@cache
def stop_terms() -> frozenset[str]:
    """The stop words in search-term form (folded and stemmed like the terms they are compared with)."""
    return frozenset(term for word in _STOP_WORDS.split() for term in term_texts(word))


def is_content_term(term: str) -> bool:
    return len(term) >= MIN_TERM_CHARS and not term.isdigit() and term not in stop_terms()


def story_keys(
    title: str | None, text_terms: Sequence[str], entities: Iterable[dict[str, Any]]
) -> frozenset[str]:
    """The keys that describe an article's event: its main named entities and its lead's content words."""
    mentions: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for entity in entities:
        entity_id = entity.get("entity_id")
        if not isinstance(entity_id, str) or entity.get("label") not in NAMED_LABELS:
            continue
        mentions[entity_id] += 1
        start = entity.get("start")
        first_seen.setdefault(entity_id, start if isinstance(start, int) else 0)
    main = sorted(mentions, key=lambda key: (-mentions[key], first_seen[key]))[:ENTITY_KEYS]
    words: list[str] = []
    for term in [*term_texts(title or ""), *text_terms[:LEAD_TERMS]]:
        if is_content_term(term) and term not in words:
            words.append(term)
    return frozenset([*(f"e:{key}" for key in main), *(f"t:{term}" for term in words[:TERM_KEYS])])


def story_score(shared: int, keys: int, other_keys: int) -> float:
    """Jaccard of two key sets from their sizes and the number of keys they share."""
    union = keys + other_keys - shared
    return shared / union if union > 0 else 0.0


def same_story(shared: int, keys: int, other_keys: int) -> bool:
    return shared >= MIN_SHARED and story_score(shared, keys, other_keys) >= STORY_THRESHOLD


def day_number(day: str) -> int:
    """A publication day (ISO) as an integer, so the window is a range of integers in SQL."""
    return date.fromisoformat(day).toordinal()
