"""One exception tree. Messages say what went wrong and how to fix it.

The CLI maps these to exit codes and the HTTP API to status codes (see ``exit_code`` and ``http_status``).
"""

from __future__ import annotations


class KhabarError(Exception):
    """Base of every error khabar raises on purpose."""

    exit_code = 1
    http_status = 500


class InputError(KhabarError):
    """The user's input (a path, a file, an option) cannot be used."""

    exit_code = 2
    http_status = 400


class QueryError(InputError):
    """A search query is malformed or too large; the message points at the problem."""


class QueryTimeout(KhabarError):
    """A search ran out of its time budget and was stopped; the message says how to narrow it."""

    exit_code = 5
    http_status = 408


class NotFound(KhabarError):
    exit_code = 3
    http_status = 404


class ArchiveError(KhabarError):
    """The archive cannot be opened or written."""

    exit_code = 4
    http_status = 500
