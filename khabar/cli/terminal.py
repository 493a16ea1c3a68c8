"""What reaches the terminal: text from the archive is shown, never obeyed.

Titles, names, quotes and reasons come from the news and from files anyone can write. A control character in them
(ESC starting an ANSI sequence that clears the screen, retitles the window or rewrites what was printed; a C1 CSI;
a backspace or carriage return that hides text) would act on the user's terminal, and square brackets would be
read as Rich markup. So every string printed goes through :func:`plain` (controls replaced, one for one, by U+FFFD,
so highlight offsets still fit) and data cells are :class:`~rich.text.Text`, which Rich does not parse as markup.
Line breaks and tabs stay; Persian's format characters (ZWNJ, ZWJ, bidi marks) are not controls and stay too.
"""

from __future__ import annotations

import re
from typing import Any

from rich.console import Console
from rich.text import Text

_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
REPLACEMENT = "\ufffd"


def plain(text: str) -> str:
    """``text`` with every C0/C1 control character but newline and tab replaced by U+FFFD (same length)."""
    return _CONTROLS.sub(REPLACEMENT, text)


def cell(value: object) -> Text:
    """A table cell holding data: shown as it is (no markup), controls replaced."""
    return Text(plain("–" if value is None else str(value)))


class TerminalConsole(Console):
    """A Rich console that never lets a control character of the printed text through (see the module)."""

    def render_str(self, text: str, **options: Any) -> Text:
        return super().render_str(plain(text), **options)
