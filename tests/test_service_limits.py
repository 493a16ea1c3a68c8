"""The use cases bound what they are asked for, whichever interface asks (issue 13): paging far past any archive,
ids no archive can hold, and batches of bad records whose summary would otherwise grow without end."""

from __future__ import annotations

import pytest

from khabar import service
from khabar.errors import InputError, NotFound
from khabar.store import open_archive


@pytest.fixture
def archive(tmp_path):
    archive = open_archive(tmp_path / "archive.db")
    yield archive
    archive.close()


HUGE = 10**20  # past SQLite's 64-bit integers: an OverflowError (500) before these checks


@pytest.mark.parametrize(
    "call",
    [
        lambda a: service.search(a, service.SearchFilters("ایران", window=service.Window(offset=HUGE))),
        lambda a: service.search(a, service.SearchFilters(window=service.Window(offset=-1))),
        lambda a: service.search(a, service.SearchFilters("ایران", window=service.Window(limit=HUGE))),
        lambda a: service.quotes(a, window=service.Window(offset=HUGE)),
        lambda a: service.amounts(a, window=service.Window(offset=HUGE)),
        lambda a: service.date_mentions(a, window=service.Window(offset=HUGE)),
        lambda a: service.entities(a, window=service.Window(limit=HUGE)),
        lambda a: service.rejections(a, limit=HUGE),
        lambda a: service.rejections(a, limit=0),
    ],
)
def test_paging_out_of_range_is_an_input_error(archive, call) -> None:
    with pytest.raises(InputError, match="between"):
        call(archive)


def test_the_deepest_page_allowed_is_simply_empty(archive) -> None:
    deepest = service.SearchFilters(window=service.Window(offset=service.MAX_OFFSET))
    assert service.search(archive, deepest).hits == []


def test_a_story_id_no_archive_can_hold_is_not_found(archive) -> None:
    with pytest.raises(NotFound):
        service.story(archive, HUGE)
    with pytest.raises(NotFound):
        service.story(archive, -1)


def test_an_ingest_summary_lists_a_bounded_number_of_rejections(archive) -> None:
    bad = [{"text": ""} for _ in range(service.LISTED_REJECTIONS + 150)]
    summary = service.ingest_mappings(archive, [*bad, {"text": "همکاری های دوجانبه ادامه دارد."}])
    assert summary.rejected == len(bad)
    assert len(summary.rejections) == service.LISTED_REJECTIONS
    assert summary.added == 1  # the good record of the batch is stored
    assert len(archive.rejections(limit=1000)) == len(bad)  # every rejection is recorded
