"""The sync window, as typed on the command line or in the form: `30d`, `14d`, `12h`."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.utils import timezone

DEFAULT_DAYS = 30
# GitHub keeps workflow run logs and history for 90 days by default; more is not there to read.
MAX_DAYS = 90
_WINDOW = re.compile(r"^\s*(\d{1,3})\s*([dh]?)\s*$")


def window_start(text: str, now: datetime | None = None) -> datetime:
    """The moment a window like `14d` starts; ValueError in words for anything else."""
    match = _WINDOW.match(text)
    if match is None:
        raise ValueError(f"'{text}' is not a window: write days like 14d (or hours like 12h).")
    amount = int(match[1])
    span = timedelta(hours=amount) if match[2] == "h" else timedelta(days=amount)
    if not timedelta(hours=1) <= span <= timedelta(days=MAX_DAYS):
        raise ValueError(f"The window must be between 1 hour and {MAX_DAYS} days (got '{text}').")
    return (now or timezone.now()) - span
