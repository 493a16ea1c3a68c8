"""The archive over SQL, shared by SQLite and PostgreSQL: its roles combined, and its transactions.

Each role is a module of its own, written once against the connection shape and dialect of
:mod:`khabar.store.rows`: articles (:mod:`~khabar.store.articles`), search and its facets
(:mod:`~khabar.store.search`, :mod:`~khabar.store.facets`), findings (:mod:`~khabar.store.findings`, and the tables
steps declare: :mod:`~khabar.store.tables`), links (:mod:`~khabar.store.links`) and feeds
(:mod:`~khabar.store.feeds`). A backend (:mod:`~khabar.store.sqlite`, :mod:`~khabar.store.postgres`) opens the
connection, migrates the schema and writes its own search index; everything else is here.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Self

from khabar.store.articles import ArticleStore
from khabar.store.facets import FacetQueries
from khabar.store.feeds import FeedStore
from khabar.store.links import LinkStore
from khabar.store.tables import TableQueries


class SQLArchive(ArticleStore, FacetQueries, TableQueries, LinkStore, FeedStore):
    """The archive over any :class:`~khabar.store.rows.Connection`; subclasses open it, migrate it and write the
    search index (:meth:`_index`, :meth:`_reindex`) and bound a search's time (:meth:`_time_limit`)."""

    links_missing = False  # articles stored before links existed await khabar.linking.link_unlinked

    @contextmanager
    def writing(self) -> Iterator[None]:
        """One write transaction, committed at the end and rolled back on an exception (blocks do not nest).
        PostgreSQL's writers take row locks only, so this is all it needs; SQLite takes its one write lock up front
        (its override)."""
        try:
            yield
        except BaseException:
            self.db.rollback()
            self.term_index.discard()
            raise
        self.commit()

    def commit(self) -> None:
        """Commit the database's transaction, then what the ranked search's index staged for it (an index left
        behind by a crash between the two is brought level when the archive next opens)."""
        self.db.commit()
        self.term_index.commit()

    @abstractmethod
    def close(self) -> None:
        """Give back what this archive holds open (this thread's connection; PostgreSQL: its pool)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
