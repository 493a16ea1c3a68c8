"""Infer the news agency behind an article from its attribution line.

Persian news copies name their source in a fixed phrase near the start or the end: ``به گزارش ایلنا``,
``به گزارش خبرنگار مهر``, ``به نقل از ایسنا``, ``منبع: تسنیم``. We look for these cues in the first and last ~300
characters and, in the short stretch after each cue (up to the next comma, colon or full stop), for a name from
``khabar/lang/fa/data/agencies.tsv``. A cue that names no agency (``به گزارش پلیس``) is skipped, so a later
cue can still decide. Matching tolerates Arabic ي/ك, diacritics, and a space written as ZWNJ, as a plain space or
not at all (``بی‌بی‌سی``, ``بی بی سی``, ``بیبیسی``).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

HEAD_CHARS = 300
TAIL_CHARS = 300
WINDOW_CHARS = 80

_CUE = re.compile(r"(?:به گزارش|به نقل از|منبع\s*:)\s*")
_WINDOW_END = re.compile(r"[،,:؛;.!?؟\n]")
_SPACES = re.compile(r"[^\S\n]+")  # runs of whitespace within a line

_FOLD = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ك": "ک",
        "ة": "ه",
        "ۀ": "ه",
        "أ": "ا",
        "إ": "ا",
        "ٱ": "ا",
        "\u200c": " ",  # ZWNJ
        "\u00a0": " ",
        "\u202f": " ",
        "\u200d": None,  # ZWJ
        "\u200e": None,  # LRM
        "\u200f": None,  # RLM
        "\u0640": None,  # tatweel
        **{chr(code): None for code in range(0x064B, 0x0660)},  # harakat
        "\u0670": None,
        **{chr(0x0660 + digit): chr(0x06F0 + digit) for digit in range(10)},  # Arabic-Indic → Persian digits
    }
)


def infer_source(text: str) -> str | None:
    """The agency code (``"ILNA"``, ``"Fars"``, ...) named by the article's attribution, or ``None``."""
    margin = HEAD_CHARS + TAIL_CHARS + 2 * WINDOW_CHARS
    if len(text) > 2 * margin:  # only the ends matter: fold those, not a long article's whole body
        text = text[:margin] + "\n" + text[-margin:]
    folded = _fold(text)
    names = _name_pattern()
    for cue in _CUE.finditer(folded):
        if HEAD_CHARS <= cue.start() < len(folded) - TAIL_CHARS:
            continue
        found = names.search(folded, cue.end(), _window_end(folded, cue.end()))
        if found:
            return _codes_by_letters()[found.group().replace(" ", "")]
    return None


def _window_end(text: str, start: int) -> int:
    """Where the stretch after a cue ends: at a comma, colon or full stop, else at a word end near WINDOW_CHARS."""
    limit = start + WINDOW_CHARS
    stop = _WINDOW_END.search(text, start, limit)
    if stop:
        return stop.start()
    if limit >= len(text):
        return len(text)
    space = text.rfind(" ", start, limit)
    return space if space > start else limit


def _fold(text: str) -> str:
    """Fold spelling variants so names compare equal: Persian ی/ک, no diacritics, ZWNJ as a single space."""
    return _SPACES.sub(" ", text.translate(_FOLD))


@cache
def _agencies() -> dict[str, str]:
    """Folded name → agency code, from ``agencies.tsv`` (read once per process)."""
    table = resources.files("khabar.lang.fa").joinpath("data", "agencies.tsv").read_text(encoding="utf-8")
    agencies: dict[str, str] = {}
    for line in table.splitlines():
        if not line.strip() or line.startswith(("#", "code\t")):
            continue
        code, names = line.split("\t")
        for name in names.split("|"):
            agencies[_fold(name).strip()] = code.strip()
    return agencies


@cache
def _codes_by_letters() -> dict[str, str]:
    """The same table keyed by the name without spaces, to look up what the tolerant pattern matched."""
    return {name.replace(" ", ""): code for name, code in _agencies().items()}


@cache
def _name_pattern() -> re.Pattern[str]:
    """One regex of all names, longest first, the space between words optional, not inside a longer word."""
    names = sorted(_agencies(), key=len, reverse=True)
    alternatives = "|".join(" ?".join(map(re.escape, name.split(" "))) for name in names)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
