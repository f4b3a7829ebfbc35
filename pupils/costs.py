"""How provision turns into money: the rules a SENCO and an LA panel both need to trust.

A weekly pattern costs  hourly rate x sessions a week x minutes a session / 60 x weeks a year,
shared equally by the group it is delivered to. A fixed cost is taken as it is. Every amount is
Decimal pounds, rounded to the penny once, at the end.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from send_portal.text import long_date

PENNY = Decimal("0.01")


class CostedPattern(Protocol):
    sessions_per_week: int
    minutes_per_session: int
    weeks: int
    hourly_cost: Decimal | None
    fixed_cost: Decimal | None


def to_pennies(amount: Decimal) -> Decimal:
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def annual_cost(pattern: CostedPattern, *, shared_by: int = 1) -> Decimal:
    """The yearly cost of a weekly pattern (or fixed cost), shared equally by `shared_by` pupils."""
    if shared_by < 1:
        raise ValueError("A cost is shared by at least one pupil")
    if pattern.fixed_cost is not None:
        whole = Decimal(pattern.fixed_cost)
    else:
        hours_a_year = Decimal(pattern.sessions_per_week * pattern.minutes_per_session * pattern.weeks) / 60
        whole = hours_a_year * Decimal(pattern.hourly_cost or 0)
    return to_pennies(whole / shared_by)


def hours_a_year(pattern: CostedPattern) -> Decimal:
    return to_pennies(Decimal(pattern.sessions_per_week * pattern.minutes_per_session * pattern.weeks) / 60)


@dataclass(frozen=True)
class CostLine:
    kind: str  # "provision", "group", "equipment"
    description: str
    detail: str
    cost: Decimal


@dataclass(frozen=True)
class PartYear:
    """A pupil on roll at their school for only part of the financial year (they joined or left part-way
    through it): the days they are on roll, and the notional threshold pro-rated to those days."""

    on_roll_from: datetime.date
    on_roll_to: datetime.date
    days: int
    days_in_year: int
    threshold: Decimal

    def share_of(self, annual: Decimal) -> Decimal:
        """A yearly amount pro-rated to the days on roll, to the penny."""
        return to_pennies(annual * self.days / self.days_in_year)


@dataclass
class PupilCosts:
    """The yearly cost of a pupil's provision against the tenant's yearly notional threshold.

    `threshold` is always the yearly figure (£6,000 by default), because every cost line is a yearly
    figure too. For a pupil on roll for part of the year, `part_year` holds the threshold pro-rated to
    their days on roll, and `part_year_cost` the provision pro-rated to the same days."""

    lines: list[CostLine] = field(default_factory=list)
    threshold: Decimal = Decimal("6000.00")
    part_year: PartYear | None = None

    @property
    def total(self) -> Decimal:
        return to_pennies(sum((line.cost for line in self.lines), Decimal("0")))

    @property
    def within_notional_budget(self) -> Decimal:
        return min(self.total, self.threshold)

    @property
    def above_threshold(self) -> Decimal:
        return max(self.total - self.threshold, Decimal("0.00"))

    @property
    def part_year_cost(self) -> Decimal | None:
        return self.part_year.share_of(self.total) if self.part_year else None

    @property
    def part_year_within_notional_budget(self) -> Decimal | None:
        if self.part_year is None:
            return None
        return min(self.part_year.share_of(self.total), self.part_year.threshold)


@dataclass(frozen=True)
class TopUpEligibility:
    eligible: bool
    reasons: list[str]


def top_up_eligibility(
    *,
    costs: PupilCosts,
    completed_cycles: int,
    cycles_needed: int,
    on_register: bool = True,
    scheme_refusals: list[str] | None = None,
) -> TopUpEligibility:
    """Whether a pupil may be put forward for top-up, and why, in words a parent could follow.
    `scheme_refusals` are the tenant's own rules that rule the pupil out (see scheme_refusals())."""
    reasons = []
    # Like with like: the provision's cost is a yearly figure, so it is compared with the yearly threshold.
    # For a pupil on roll for part of the year both sides shrink by the same days (the school meets the
    # pro-rated threshold, and the provision runs for those days only), so pro-rating both would give the
    # same answer; comparing a yearly cost with a pro-rated threshold would flag a pupil who joined in
    # March for almost any provision. The pro-rated figures are explained separately.
    cost_ok = costs.total > costs.threshold
    cycles_ok = completed_cycles >= cycles_needed
    if cost_ok:
        reasons.append(
            f"Provision in place costs £{costs.total:,.2f} a year, £{costs.above_threshold:,.2f} more than "
            f"the £{costs.threshold:,.2f} a year the school meets from its notional SEN budget."
        )
    else:
        reasons.append(
            f"Provision in place costs £{costs.total:,.2f} a year, within the £{costs.threshold:,.2f} a year the "
            "school meets from its notional SEN budget."
        )
    if costs.part_year is not None:
        part = costs.part_year
        reasons.append(
            f"The pupil is on roll for {part.days} of the {part.days_in_year} days of this financial year "
            f"({long_date(part.on_roll_from)} to {long_date(part.on_roll_to)}), so the school meets "
            f"£{part.threshold:,.2f} for that part of the year, and the provision costs "
            f"£{part.share_of(costs.total):,.2f} over those days."
        )
    cycle_word = "cycle" if cycles_needed == 1 else "cycles"
    done_word = "cycle has" if completed_cycles == 1 else "cycles have"
    if cycles_ok:
        reasons.append(
            f"{completed_cycles} assess, plan, do, review {done_word} been completed ({cycles_needed} needed)."
        )
    else:
        reasons.append(
            f"Only {completed_cycles} assess, plan, do, review {done_word} been completed; "
            f"{cycles_needed} {cycle_word} are needed before a top-up request."
        )
    if not on_register:
        reasons.append("The pupil is no longer on the SEN register.")
    refusals = scheme_refusals or []
    reasons.extend(refusals)
    return TopUpEligibility(eligible=cost_ok and cycles_ok and on_register and not refusals, reasons=reasons)


def scheme_refusals(
    *,
    early_adopter_schools_only: bool,
    ehcp_issued_before_excluded: datetime.date | None,
    school_name: str,
    school_is_early_adopter: bool,
    school_is_mainstream: bool,
    ehcp_issued_on: datetime.date | None,
) -> list[str]:
    """The tenant's scheme rules (LA settings) that make a pupil ineligible, each in plain words."""
    refusals = []
    if early_adopter_schools_only and not (school_is_early_adopter and school_is_mainstream):
        refusals.append(
            f"In this scheme only early-adopter mainstream schools can request funding, and {school_name} is not one."
        )
    if ehcp_issued_before_excluded and ehcp_issued_on and ehcp_issued_on < ehcp_issued_before_excluded:
        refusals.append(
            f"The pupil's EHC plan was issued on {long_date(ehcp_issued_on)}, before "
            f"{long_date(ehcp_issued_before_excluded)}: the scheme does not fund plans issued before then."
        )
    return refusals


def part_year(
    threshold: Decimal,
    *,
    joined: datetime.date | None,
    left: datetime.date | None,
    year_start: datetime.date,
    year_end: datetime.date,
) -> PartYear | None:
    """The part of the financial year a pupil who joined (or left) part-way through it is on roll, with
    the threshold pro-rated to it; None for a pupil on roll all year."""
    on_roll_from = max(joined or year_start, year_start)
    on_roll_to = min(left or year_end, year_end)
    if on_roll_from == year_start and on_roll_to == year_end:
        return None
    days_in_year = (year_end - year_start).days + 1
    days = max((on_roll_to - on_roll_from).days + 1, 0)
    return PartYear(
        on_roll_from=on_roll_from,
        on_roll_to=on_roll_to,
        days=days,
        days_in_year=days_in_year,
        threshold=to_pennies(threshold * days / days_in_year),
    )


def pro_rated_threshold(
    threshold: Decimal,
    *,
    joined: datetime.date | None,
    left: datetime.date | None,
    year_start: datetime.date,
    year_end: datetime.date,
) -> Decimal:
    """The notional threshold (£6,000 by default) for a pupil who joins or leaves part-way through the
    financial year: by days on roll."""
    on_roll_from = max(joined or year_start, year_start)
    on_roll_to = min(left or year_end, year_end)
    if on_roll_to < on_roll_from:
        return Decimal("0.00")
    days_in_year = (year_end - year_start).days + 1
    return to_pennies(threshold * ((on_roll_to - on_roll_from).days + 1) / days_in_year)
