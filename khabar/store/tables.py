"""The finding tables that steps declare (:class:`khabar.steps.FindingTable`): their rows written with each
article and read back across articles.

The archive learns the tables when it is opened through the service (``finding_tables``); it does not import the
steps. Table and column names come from the declarations, which allow only plain lower-case identifiers, and a
user's filter must name a declared filter column, so no name from a request ever reaches the SQL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from khabar.errors import InputError, NotFound
from khabar.records import Analysis
from khabar.store.findings import FindingQueries
from khabar.store.results import Finding, FindingRequest
from khabar.store.rows import Connection, article_columns

if TYPE_CHECKING:
    from khabar.steps import FindingTable


def write_table_rows(
    db: Connection, rowid: int, analysis: Analysis, tables: tuple[FindingTable, ...]
) -> None:
    """Store an article's rows of every finding table (``start``/``end`` must be offsets; others are skipped)."""
    for table in tables:
        names = ("start", "end", *table.columns)
        columns = ", ".join(f'"{name}"' for name in names)
        rows = [
            (rowid, *(row.get(name) for name in names))
            for row in table.rows(analysis)
            if isinstance(row.get("start"), int) and isinstance(row.get("end"), int)
        ]
        db.executemany(
            f"INSERT INTO {table.name} (article_rowid, {columns}) VALUES ({', '.join('?' * (len(names) + 1))})"
            " ON CONFLICT DO NOTHING",
            rows,
        )


def forget_table_rows(db: Connection, rowid: int, tables: tuple[FindingTable, ...]) -> None:
    for table in tables:
        db.execute(f"DELETE FROM {table.name} WHERE article_rowid = ?", (rowid,))


class TableQueries(FindingQueries):
    """Findings of the declared tables across articles (part of :class:`~khabar.store.base.FindingStore`)."""

    finding_tables: tuple[FindingTable, ...] = ()

    def finding_table(self, name: str) -> FindingTable:
        for table in self.finding_tables:
            if table.name == name:
                return table
        known = ", ".join(table.name for table in self.finding_tables) or "none"
        raise NotFound(f"no finding table {name!r} in this archive (its tables: {known})")

    def findings(self, request: FindingRequest) -> tuple[int, list[Finding]]:
        """Rows of one table with their articles, newest articles first, filtered by declared columns."""
        table = self.finding_table(request.table)
        where, params = [], []
        for column, value in request.filters.items():
            if column not in table.filters:
                allowed = ", ".join(table.filters) or "none"
                raise InputError(f"{table.name} cannot be filtered by {column!r}; its filters: {allowed}")
            where.append(f'f."{column}" = ?')
            params.append(value)
        total, rows = self._findings(table.name, where, params, request)
        names = ("start", "end", *table.columns)
        return total, [Finding(*article_columns(row), {name: row[name] for name in names}) for row in rows]
