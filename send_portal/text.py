"""Words the service writes the same way everywhere."""

from __future__ import annotations

import datetime


def long_date(day: datetime.date | None) -> str:
    """A date as GOV.UK writes it: 1 March 2025 (no leading zero)."""
    return f"{day.day} {day:%B %Y}" if day else "an unknown date"
