"""Following news feeds: a polite HTTP client (:mod:`~khabar.fetch.http`) that reaches public addresses only
(:mod:`~khabar.fetch.addresses`), feed parsing (:mod:`~khabar.fetch.feeds`) and polling with per-page state
(:mod:`~khabar.fetch.poll`).

Pages are turned into records by :mod:`khabar.readers.html`, the reader that also takes ``.html`` files on disk,
and stored by :func:`khabar.service.ingest` like every other input. :func:`khabar.service.fetch` and
:func:`khabar.service.watch` are the entry points.
"""
