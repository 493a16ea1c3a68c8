"""Text from the archive reaches the terminal as text: control characters and markup in titles, names and
reasons are shown, never obeyed (issue 13)."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from khabar.cli.terminal import REPLACEMENT, TerminalConsole, cell, plain

ZWNJ = "\u200c"
HOSTILE_TITLE = "\x1b]0;pwned\x07\x1b[2J\x9b31m[bold red]همکاری[/] خبر\rمهم\x08"


@given(st.text())
def test_plain_leaves_no_control_but_newline_and_tab(text: str) -> None:
    shown = plain(text)
    assert len(shown) == len(text)  # highlight offsets still fit
    assert all(ch in "\n\t" or unicodedata.category(ch) != "Cc" for ch in shown)
    assert all(
        a == b for a, b in zip(text, shown, strict=True) if a in "\n\t" or unicodedata.category(a) != "Cc"
    )


def test_persian_format_characters_are_not_controls() -> None:
    text = f"می{ZWNJ}خواهیم \u200d \u200f\u202b«نقل»\u202c"
    assert plain(text) == text


def test_the_console_shows_controls_as_replacement_characters() -> None:
    console = TerminalConsole(record=True, width=200, force_terminal=False)
    console.print(HOSTILE_TITLE)
    console.print(cell("[bold]نام[/bold]\x1b[31m"))
    output = console.export_text()
    assert "\x1b" not in output and "\x07" not in output and "\x9b" not in output and "\x08" not in output
    assert REPLACEMENT in output
    assert "[bold]نام[/bold]" in output  # a cell is data, not markup


def test_search_prints_a_hostile_title_harmlessly(tmp_path: Path) -> None:
    db = str(tmp_path / "k.db")
    record = {"title": HOSTILE_TITLE, "text": "همکاری های دوجانبه ادامه دارد.", "source": "[red]ILNA\x1b[0m"}
    source = tmp_path / "news.jsonl"
    source.write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")

    def khabar(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "khabar", *args, "--db", db], capture_output=True, text=True, check=False
        )

    assert khabar("ingest", str(source)).returncode == 0
    for command in (("search", "همکاری"), ("search", ""), ("stats",), ("rejected",)):
        result = khabar(*command)
        assert result.returncode == 0, result.stderr
        assert "\x1b" not in result.stdout + result.stderr, command
        assert "\x07" not in result.stdout + result.stderr
    assert "[red]ILNA" in khabar("search", "همکاری").stdout  # markup in data is shown as written
