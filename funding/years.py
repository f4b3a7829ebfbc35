"""Financial years and apportioning an award that spans them (an academic-year award, September to
August, falls in two financial years, April to March)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from localities.models import ApportionBy
from pupils import costs
from pupils.costs import to_pennies


def financial_year_start(day: datetime.date, start_month: int = 4) -> datetime.date:
    year = day.year if day.month >= start_month else day.year - 1
    return datetime.date(year, start_month, 1)


def financial_year_end(start: datetime.date) -> datetime.date:
    return datetime.date(start.year + 1, start.month, 1) - datetime.timedelta(days=1)


def financial_year_words(start: datetime.date) -> str:
    """GOV.UK style, for sentences and report titles: "2026 to 2027"; a year that starts in January is one
    calendar year: "2026"."""
    if start.month == 1:
        return str(start.year)
    return f"{start.year} to {start.year + 1}"


def _months_touched(start: datetime.date, end: datetime.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _weight(start: datetime.date, end: datetime.date, by: str) -> int:
    return _months_touched(start, end) if by == ApportionBy.MONTHS else (end - start).days + 1


def apportion(
    amount: Decimal, start: datetime.date, end: datetime.date, *, start_month: int = 4, by: str = ApportionBy.DAYS
) -> list[tuple[datetime.date, Decimal]]:
    """Split `amount` for the period start..end (inclusive) between the financial years it touches, by
    days or by calendar months. Pennies are conserved: the last year takes the rounding remainder."""
    if end < start:
        raise ValueError("The period ends before it starts")
    parts: list[tuple[datetime.date, int]] = []
    fy = financial_year_start(start, start_month)
    while fy <= end:
        fy_end = financial_year_end(fy)
        part_start, part_end = max(start, fy), min(end, fy_end)
        parts.append((fy, _weight(part_start, part_end, by)))
        fy = datetime.date(fy.year + 1, start_month, 1)
    total_weight = sum(weight for _, weight in parts)
    shares: list[tuple[datetime.date, Decimal]] = []
    allocated = Decimal("0.00")
    for index, (fy, weight) in enumerate(parts):
        if index == len(parts) - 1:
            share = amount - allocated
        else:
            share = to_pennies(amount * weight / total_weight)
            allocated += share
        shares.append((fy, share))
    return shares


def pro_rated_threshold(
    threshold: Decimal, *, joined: datetime.date | None, left: datetime.date | None, year_start: datetime.date
) -> Decimal:
    """The notional threshold pro-rated by days on roll in the financial year starting `year_start`."""
    return costs.pro_rated_threshold(
        threshold, joined=joined, left=left, year_start=year_start, year_end=financial_year_end(year_start)
    )
