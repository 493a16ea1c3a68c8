"""The documentation and the code agree, read from the documents each time (a rule, not a snapshot).

- Every ``khabar …`` command the README writes — in its shell code blocks and in inline code — exists: each
  sub-command word names a real (sub-)command, and the command answers ``--help``.
- Every field of the analysis record in docs/schema.md (the table under ``## Fields``) is in
  :data:`khabar.records.RECORD_FIELDS`, and every record field is documented there.
"""

from __future__ import annotations

import importlib
import re
import tomllib
from functools import cache
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SCHEMA = ROOT / "docs" / "schema.md"

_FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
_SHELL = {"sh", "bash", "shell", "console"}
_INLINE = re.compile(r"`([^`]+)`")
# ``khabar`` at the start of a shell command: a line's start, or after a pipe, ``;``, ``&&`` or ``$(``.
_COMMAND = re.compile(r"(?:^|[|;&(]\s*)(?:\$\s+)?khabar(?=\s|$)(.*)$")
_WORD = re.compile(r"[a-z][a-z0-9-]*")


@cache
def _app() -> typer.Typer:
    """The Typer app behind the ``khabar`` console script (as pyproject.toml declares it)."""
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    module, _, name = scripts["khabar"].partition(":")
    app = getattr(importlib.import_module(module), name)
    assert isinstance(app, typer.Typer), f"the khabar script {scripts['khabar']} is not a Typer app"
    return app


def _shell_code(text: str) -> tuple[list[str], str]:
    """The lines of the shell code blocks (comments cut off), and the text outside every code block."""
    lines: list[str] = []
    for match in _FENCE.finditer(text):
        if match.group(1).strip().lower() in _SHELL:
            for line in match.group(2).splitlines():
                code = re.sub(r"(^|\s)#.*$", "", line).strip()
                if code:
                    lines.append(code)
    return lines, _FENCE.sub("", text)


def readme_commands(text: str) -> list[str]:
    """Each ``khabar …`` invocation the text writes: what follows ``khabar``, once per distinct string."""
    code_lines, prose = _shell_code(text)
    found: list[str] = []
    for line in code_lines:
        found += [match.group(1) for match in _COMMAND.finditer(line)]
    for span in _INLINE.findall(prose):
        match = _COMMAND.match(" ".join(span.split()))
        if match:
            found.append(match.group(1))
    return list(dict.fromkeys(argument.strip() for argument in found))


def command_path(app: typer.Typer, arguments: str) -> tuple[list[str], str | None]:
    """The (sub-)command words at the start of ``arguments`` that name commands, and the first word that should
    have named one and does not (``None`` when every word did). A group's ``commands`` are its sub-commands
    (Typer's own copy of click, or click's: the same attribute)."""
    path: list[str] = []
    commands = getattr(typer.main.get_command(app), "commands", None)
    for word in arguments.split():
        if commands is None or not _WORD.fullmatch(word):
            break
        if word not in commands:
            return path, word
        path.append(word)
        commands = getattr(commands[word], "commands", None)
    return path, None


def schema_fields(text: str) -> list[str]:
    """The field names in the first column of the table under ``## Fields`` (a cell may name several)."""
    section = re.search(r"^## Fields[ \t]*\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert section, f"{SCHEMA} has no '## Fields' section"
    names: list[str] = []
    for line in section.group(1).splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if not cells or set(cells[0]) <= set("-: ") or cells[0] == "field":
            continue
        names += re.findall(r"`([^`]+)`", cells[0])
    return names


README_COMMANDS = readme_commands(README.read_text(encoding="utf-8"))


def test_the_readme_parser_finds_commands_in_code_blocks_and_inline() -> None:
    text = (
        "Run `khabar serve\n--port 9`, not khabar is great.\n\n```sh\n# khabar nothing\n"
        "khabar feeds add https://x # --name\necho a | khabar normalize\nmake test\n```\n\n```\nkhabar …\n```\n"
    )
    assert readme_commands(text) == ["feeds add https://x", "normalize", "serve --port 9"]
    assert {"ingest", "search", "serve"} <= {arguments.split()[0] for arguments in README_COMMANDS}


@pytest.mark.parametrize("arguments", README_COMMANDS)
def test_every_readme_command_exists_and_answers_help(arguments: str) -> None:
    app = _app()
    path, unknown = command_path(app, arguments)
    assert unknown is None, (
        f"README.md writes `khabar {arguments}`, but {unknown!r} is no khabar command there"
    )
    assert path, f"README.md writes `khabar {arguments}`, which names no command"
    exit_code, output = _help(tuple(path))
    assert exit_code == 0, f"`khabar {' '.join(path)} --help` failed: {output}"
    assert "Usage:" in output


@cache
def _help(path: tuple[str, ...]) -> tuple[int, str]:
    """``khabar PATH --help``, once per command however often the README writes it."""
    result = CliRunner().invoke(_app(), [*path, "--help"], prog_name="khabar")
    return result.exit_code, result.output


def test_the_schema_parser_reads_the_fields_table() -> None:
    text = (
        "# x\n## Fields\n\n| field | type | meaning |\n|---|---|---|\n| `id` | string | a `b` |\n"
        "| `start`, `end` | int | span |\n\n## Entities\n| field | meaning |\n|---|---|\n| `label` | x |\n"
    )
    assert schema_fields(text) == ["id", "start", "end"]


def test_schema_documents_exactly_the_record_fields() -> None:
    from khabar.records import RECORD_FIELDS

    documented = schema_fields(SCHEMA.read_text(encoding="utf-8"))
    assert len(documented) == len(set(documented)), f"docs/schema.md lists a field twice: {documented}"
    undocumented = [name for name in RECORD_FIELDS if name not in documented]
    unknown = [name for name in documented if name not in RECORD_FIELDS]
    assert not undocumented, f"record fields missing from docs/schema.md's Fields table: {undocumented}"
    assert not unknown, f"docs/schema.md documents fields the analysis record does not have: {unknown}"
