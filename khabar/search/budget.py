"""A search's time budget: how long one search may run before the database stops it.

Limits on the query (:mod:`khabar.search.query`) bound what one search can ask for, but not what a large archive
makes of it; the budget bounds the rest, so no search keeps a worker (and a core) busy long after its client gave
up. Each backend enforces it inside the database, where the work happens: SQLite calls a progress handler every
few thousand steps of a statement, which aborts it once the :class:`Deadline` has passed; PostgreSQL cancels a
statement that runs past ``statement_timeout``. Either way the search raises :class:`~khabar.errors.QueryTimeout`
(HTTP 408) and the connection is ready for the next one.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable

from khabar.errors import InputError, QueryTimeout

DEFAULT_QUERY_TIMEOUT = 5.0  # seconds; 100 realistic queries take at most 0.1 s (docs/benchmarks.md)
QUERY_TIMEOUT_VARIABLE = "KHABAR_QUERY_TIMEOUT"


def query_timeout() -> float:
    """Seconds a search may take: ``KHABAR_QUERY_TIMEOUT`` when set, else :data:`DEFAULT_QUERY_TIMEOUT`."""
    text = os.environ.get(QUERY_TIMEOUT_VARIABLE, "").strip()
    if not text:
        return DEFAULT_QUERY_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise InputError(
            f"{QUERY_TIMEOUT_VARIABLE} must be a number of seconds above 0 (e.g. 5), not {text!r}"
        )
    return seconds


class Deadline:
    """The moment a search must be done by, ``seconds`` from now on ``clock`` (tests give their own clock)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._ends = clock() + seconds
        self.passed = False  # set once :meth:`expired` has seen the deadline pass

    def expired(self) -> bool:
        """Whether the time is up (SQLite's progress handler: true aborts the running statement)."""
        if not self.passed and self._clock() >= self._ends:
            self.passed = True
        return self.passed

    def check(self) -> None:
        """Raise :class:`~khabar.errors.QueryTimeout` if the time is up (for work outside the database)."""
        if self.expired():
            raise self.timeout()

    def timeout(self) -> QueryTimeout:
        """The error to raise when the database stopped the search for this deadline."""
        return QueryTimeout(
            f"the search took longer than {self.seconds:g} s and was stopped: narrow it with more words,"
            " a date range or a source"
        )
