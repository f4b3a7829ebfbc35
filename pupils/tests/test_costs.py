from decimal import Decimal
from types import SimpleNamespace

import pytest

from pupils.costs import CostLine, PupilCosts, annual_cost, top_up_eligibility


def pattern(**kw):
    base = {"sessions_per_week": 3, "minutes_per_session": 30, "weeks": 38, "hourly_cost": Decimal("18.50"),
            "fixed_cost": None}  # fmt: skip
    base.update(kw)
    return SimpleNamespace(**base)


def test_weekly_pattern_to_annual_cost():
    # 3 x 30 minutes = 1.5 hours a week, x 38 weeks = 57 hours, x £18.50 = £1,054.50
    assert annual_cost(pattern()) == Decimal("1054.50")


def test_group_cost_is_shared_equally_and_rounded_to_the_penny():
    # £1,054.50 shared by 4 = £263.625 -> £263.63
    assert annual_cost(pattern(), shared_by=4) == Decimal("263.63")


def test_fixed_cost_is_taken_as_it_is_and_shared():
    assert annual_cost(pattern(fixed_cost=Decimal("1200.00"), hourly_cost=None)) == Decimal("1200.00")
    assert annual_cost(pattern(fixed_cost=Decimal("1200.00"), hourly_cost=None), shared_by=3) == Decimal("400.00")


def test_no_float_creeps_in():
    cost = annual_cost(pattern(hourly_cost=Decimal("0.10"), sessions_per_week=1, minutes_per_session=1, weeks=1))
    assert isinstance(cost, Decimal)
    assert cost == Decimal("0.00")  # 1/60 hour x 10p = 0.17p, rounds to 0


def test_shared_by_zero_is_refused():
    with pytest.raises(ValueError):
        annual_cost(pattern(), shared_by=0)


def costs(total):
    return PupilCosts(lines=[CostLine("provision", "x", "", Decimal(total))], threshold=Decimal("6000.00"))


def test_split_within_and_above_the_notional_threshold():
    c = costs("7250.40")
    assert c.within_notional_budget == Decimal("6000.00")
    assert c.above_threshold == Decimal("1250.40")
    low = costs("2500")
    assert low.within_notional_budget == Decimal("2500.00") and low.above_threshold == Decimal("0.00")


@pytest.mark.parametrize(
    ("total", "completed", "eligible"),
    [("7000", 2, True), ("7000", 1, False), ("6000", 3, False), ("6000.01", 2, True)],
)
def test_eligibility_needs_cost_above_threshold_and_enough_completed_cycles(total, completed, eligible):
    result = top_up_eligibility(costs=costs(total), completed_cycles=completed, cycles_needed=2)
    assert result.eligible is eligible


def test_eligibility_explains_itself():
    result = top_up_eligibility(costs=costs("7000"), completed_cycles=1, cycles_needed=2)
    assert "£1,000.00 more than the £6,000.00" in result.reasons[0]
    assert "Only 1 assess, plan, do, review cycle has been completed; 2 cycles are needed" in result.reasons[1]


def test_scheme_rules_rule_a_pupil_out_and_say_why():
    import datetime

    from pupils.costs import scheme_refusals

    refusals = scheme_refusals(
        early_adopter_schools_only=True, ehcp_issued_before_excluded=datetime.date(2020, 11, 1),
        school_name="Hill Special School", school_is_early_adopter=False, school_is_mainstream=False,
        ehcp_issued_on=datetime.date(2019, 3, 14),
    )  # fmt: skip
    assert (
        refusals[0]
        == "In this scheme only early-adopter mainstream schools can request funding, and Hill Special School is not one."
    )
    assert "issued on 14 March 2019, before 1 November 2020" in refusals[1]
    result = top_up_eligibility(costs=costs("9000"), completed_cycles=3, cycles_needed=2, scheme_refusals=refusals)
    assert result.eligible is False
    assert refusals[0] in result.reasons


def test_part_year_pro_rates_the_threshold_by_days_on_roll_and_none_for_a_whole_year():
    import datetime

    from pupils.costs import part_year

    start, end = datetime.date(2026, 4, 1), datetime.date(2027, 3, 31)
    assert part_year(Decimal("6000"), joined=None, left=None, year_start=start, year_end=end) is None
    assert part_year(Decimal("6000"), joined=datetime.date(2025, 9, 1), left=None, year_start=start,
                     year_end=end) is None  # fmt: skip
    part = part_year(Decimal("6000"), joined=datetime.date(2026, 10, 1), left=None, year_start=start, year_end=end)
    assert part is not None and part.days == 182 and part.days_in_year == 365
    assert part.threshold == Decimal("2991.78")
    assert part.share_of(Decimal("3650.00")) == Decimal("1820.00")
    left = part_year(Decimal("6000"), joined=None, left=datetime.date(2026, 4, 30), year_start=start, year_end=end)
    assert left is not None and left.days == 30 and left.threshold == Decimal("493.15")


@pytest.mark.parametrize(("total", "eligible"), [("3000", False), ("6000", False), ("6000.01", True)])
def test_a_part_year_pupil_is_flagged_on_yearly_figures(total, eligible):
    import datetime

    from pupils.costs import part_year

    # Joined with 10 days of the year left: the pro-rated threshold is £164.38, but a yearly cost is compared
    # with the yearly threshold.
    part = part_year(Decimal("6000"), joined=datetime.date(2027, 3, 22), left=None,
                     year_start=datetime.date(2026, 4, 1), year_end=datetime.date(2027, 3, 31))  # fmt: skip
    c = PupilCosts(lines=[CostLine("provision", "x", "", Decimal(total))], threshold=Decimal("6000.00"), part_year=part)
    result = top_up_eligibility(costs=c, completed_cycles=2, cycles_needed=2)
    assert result.eligible is eligible
    assert "on roll for 10 of the 365 days of this financial year" in result.reasons[1]
    assert "the school meets £164.38 for that part of the year" in result.reasons[1]
