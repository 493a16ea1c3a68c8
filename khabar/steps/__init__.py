"""Analysis steps, one per module. Each is a pure function from an analysis record to the same record, enriched,
declared beside it as a :class:`Step` with what it needs and what it adds (the pipeline checks the order when it
is built). A new step: a module here with its function and its ``STEP``, then one line in
:data:`khabar.pipeline.DEFAULT_STEPS`. A step whose findings people query across articles also declares a
:class:`FindingTable`: the archive stores its rows and the CLI, the API and the pages query them (the recipe is in
docs/architecture.md)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from khabar.records import Analysis

_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")


@dataclass(frozen=True, slots=True)
class FindingTable:
    """A table of what a step found, one row per finding (a span of the article's text), queryable across
    articles: ``khabar findings NAME``, ``GET /api/findings/NAME``, the page ``/findings/NAME``.

    The table itself is created by a migration (``khabar/store/migrations``): ``article_rowid``, ``start`` and
    ``"end"`` (the primary key), then ``columns``. ``rows`` gives an article's findings, each a mapping with
    ``start``, ``end`` and the columns (a missing column is stored as NULL); ``filters`` are the columns people may
    filter by (equality)."""

    name: str
    columns: tuple[str, ...]
    rows: Callable[[Analysis], Iterable[Mapping[str, Any]]]
    filters: tuple[str, ...] = ()
    label: str = ""  # what the pages call it (Persian)

    def __post_init__(self) -> None:
        for name in (self.name, *self.columns):  # they become SQL identifiers
            if not _NAME.fullmatch(name) or name in ("start", "end", "article_rowid"):
                raise ValueError(
                    f"{name!r} cannot name a finding table or column: use lower-case a-z, 0-9, _"
                )
        if unknown := set(self.filters) - set(self.columns):
            raise ValueError(f"the filters {sorted(unknown)} are not columns of {self.name}")


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    run: Callable[[Analysis], Analysis]
    requires: frozenset[str] = frozenset()
    provides: frozenset[str] = frozenset()
    table: FindingTable | None = None  # its findings, stored and queryable across articles
