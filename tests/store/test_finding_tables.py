"""A step's declared finding table: stored with each article, dropped on reanalysis, queried by declared filters
(both backends). The table here is a toy one, made the way a migration would."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from khabar.errors import InputError, NotFound
from khabar.linking import add_linked, replace_relinked
from khabar.pipeline import prepare
from khabar.records import Analysis, RawRecord
from khabar.steps import FindingTable, Step
from khabar.store.results import FindingRequest

QUESTION = re.compile(r"[^.؟!]*؟")


def questions(analysis: Analysis) -> Iterator[Mapping[str, Any]]:
    """Sentences that ask something, with the first word as their ``kind``."""
    for found in QUESTION.finditer(analysis.text):
        text = found.group().strip()
        start = analysis.text.index(text, found.start())
        yield {"start": start, "end": start + len(text), "kind": text.split()[0], "text": text}


TABLE = FindingTable("questions", ("kind", "text"), questions, filters=("kind",), label="پرسش‌ها")
MIGRATION = """CREATE TABLE questions (
    article_rowid BIGINT NOT NULL REFERENCES articles (rowid) ON DELETE CASCADE,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, kind TEXT, text TEXT NOT NULL,
    PRIMARY KEY (article_rowid, start, "end"))"""


@pytest.fixture
def asking(archive):
    archive.db.execute(MIGRATION)
    archive.commit()
    archive.finding_tables = (TABLE,)
    return archive


def article(number: int, text: str, day: str) -> Analysis:
    return prepare(RawRecord(text, "t", number, url=f"https://s.ir/{number}", published=day))


def test_rows_are_stored_with_the_article_and_queried_newest_first(asking) -> None:
    older = article(1, "چرا قیمت‌ها بالا رفت؟ مسئولان پاسخ دادند.", "2025-10-09")
    newer = article(2, "آیا نشست برگزار می‌شود؟ چرا دیر شد؟", "2025-10-12")
    with asking.writing():
        add_linked(asking, older)
        add_linked(asking, newer)
    total, found = asking.findings(FindingRequest("questions"))
    assert total == 3
    assert [item.article_id for item in found] == [newer.id, newer.id, older.id]  # the newest article first
    assert found[0].fields["text"] == "آیا نشست برگزار می‌شود؟"  # ZWNJ kept
    total, why = asking.findings(FindingRequest("questions", {"kind": "چرا"}))
    assert total == 2 and {item.fields["kind"] for item in why} == {"چرا"}


def test_a_reanalysis_replaces_the_rows(asking) -> None:
    first = article(1, "چرا قیمت‌ها بالا رفت؟", "2025-10-09")
    add_linked(asking, first)
    again = article(1, "قیمت‌ها بالا رفت. آیا پایین می‌آید؟", "2025-10-09")
    again.id, again.identity = first.id, first.identity
    replace_relinked(asking, again)
    total, found = asking.findings(FindingRequest("questions"))
    assert total == 1 and found[0].fields["kind"] == "آیا"


def test_only_declared_tables_and_filters_are_asked(asking) -> None:
    with pytest.raises(NotFound, match="questions"):
        asking.findings(FindingRequest("events"))
    with pytest.raises(InputError, match="its filters: kind"):
        asking.findings(FindingRequest("questions", {"text": "x"}))


@pytest.mark.parametrize("name", ["Questions", "a-b", "start", "x; DROP TABLE articles", ""])
def test_a_table_or_column_name_must_be_a_plain_identifier(name: str) -> None:
    with pytest.raises(ValueError, match="cannot name"):
        FindingTable(name, ("text",), questions)
    with pytest.raises(ValueError, match="cannot name"):
        FindingTable("questions", (name,), questions)


# -- a step following the recipe, through the service and the API -----------------------------------------------
def ask(analysis: Analysis) -> Analysis:
    analysis.topics = list(questions(analysis))  # a real step would have a record field of its own
    return analysis


ASKING = Step(
    "questions",
    ask,
    frozenset({"text"}),
    frozenset({"topics"}),
    table=FindingTable("questions", ("kind", "text"), lambda analysis: analysis.topics, filters=("kind",)),
)


def test_a_declared_step_is_queried_through_the_service_and_the_api(tmp_path) -> None:
    from fastapi.testclient import TestClient

    from khabar import service
    from khabar.api.app import create_app
    from khabar.pipeline import Pipeline, finding_tables

    path = str(tmp_path / "a.db")
    run = Pipeline(steps=(ASKING,))
    with service.open_archive(path) as archive:
        archive.db.execute(MIGRATION)
        archive.finding_tables = finding_tables(run.steps)
        with archive.writing():
            for number, (text, day) in enumerate(
                [("چرا قیمت‌ها بالا رفت؟", "2025-10-09"), ("آیا نشست برگزار می‌شود؟", "1404-07-20")], 1
            ):
                add_linked(archive, run(RawRecord(text, "t", number, published=day)))
        page = service.findings(archive, "questions", where=["kind=چرا"])
        assert page.total == 1 and page.items[0].fields["text"] == "چرا قیمت‌ها بالا رفت؟"
        assert service.finding_tables(archive)[0]["filters"] == ["kind"]
        with pytest.raises(InputError, match="column=value"):
            service.findings(archive, "questions", where=["چرا"])
    app = create_app(path)
    app.state.archive.finding_tables = (ASKING.table,)
    client = TestClient(app)
    listed = client.get("/api/findings").json()
    assert [table["name"] for table in listed] == ["questions"]
    found = client.get("/api/findings/questions", params={"from": "1404-07-19"}).json()
    assert found["total"] == 1 and found["items"][0]["kind"] == "آیا"
    assert client.get("/api/findings/events").status_code == 404
    assert client.get("/api/findings/questions", params={"where": "text=x"}).status_code == 400


def test_the_cli_lists_the_declared_tables(tmp_path) -> None:
    import json
    import subprocess
    import sys

    def khabar(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "khabar", "findings", *args, "--db", str(tmp_path / "a.db")]
        return subprocess.run(command, capture_output=True, text=True, timeout=120)

    assert json.loads(khabar("--json").stdout) == []  # no shipped step declares one yet
    assert "no analysis step declares a finding table" in khabar().stdout
    refused = khabar("events")
    assert refused.returncode != 0 and "no finding table 'events'" in refused.stderr + refused.stdout
