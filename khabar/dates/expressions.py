"""Date and time expressions in Persian text (work in progress)."""

from __future__ import annotations

import datetime


def find_dates(text: str, reference: datetime.date | datetime.datetime | None = None) -> list[dict]:
    return []
