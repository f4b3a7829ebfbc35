import datetime
from decimal import Decimal

from funding.years import apportion, financial_year_start, pro_rated_threshold

D = Decimal


def test_financial_year_runs_april_to_march_by_default():
    assert financial_year_start(datetime.date(2026, 3, 31)) == datetime.date(2025, 4, 1)
    assert financial_year_start(datetime.date(2026, 4, 1)) == datetime.date(2026, 4, 1)
    assert financial_year_start(datetime.date(2026, 8, 1), start_month=9) == datetime.date(2025, 9, 1)


def test_an_academic_year_award_is_split_between_two_financial_years_by_days():
    # 1 Sep 2026 to 31 Aug 2027: 212 days in 2026-27 (to 31 Mar), 153 in 2027-28; 365 in all.
    shares = apportion(D("3650.00"), datetime.date(2026, 9, 1), datetime.date(2027, 8, 31))
    assert shares == [(datetime.date(2026, 4, 1), D("2120.00")), (datetime.date(2027, 4, 1), D("1530.00"))]


def test_split_by_months_and_pennies_are_conserved():
    shares = apportion(D("1000.00"), datetime.date(2026, 9, 1), datetime.date(2027, 8, 31), by="months")
    assert shares == [(datetime.date(2026, 4, 1), D("583.33")), (datetime.date(2027, 4, 1), D("416.67"))]
    assert sum(share for _, share in shares) == D("1000.00")


def test_a_period_within_one_year_stays_whole():
    assert apportion(D("500"), datetime.date(2026, 5, 1), datetime.date(2026, 7, 31)) == [
        (datetime.date(2026, 4, 1), D("500"))
    ]


def test_the_threshold_is_pro_rated_for_a_pupil_who_joins_part_way_through():
    year = datetime.date(2026, 4, 1)
    assert pro_rated_threshold(D("6000"), joined=None, left=None, year_start=year) == D("6000.00")
    # Joined 1 October 2026: 182 of 365 days on roll.
    assert pro_rated_threshold(D("6000"), joined=datetime.date(2026, 10, 1), left=None, year_start=year) == D("2991.78")
    assert pro_rated_threshold(D("6000"), joined=datetime.date(2027, 6, 1), left=None, year_start=year) == D("0.00")


def test_a_financial_year_is_labelled_by_the_years_it_spans():
    from funding.models import financial_year_label
    from funding.report_models import BudgetReport
    from funding.reports import year_label

    april = datetime.date(2026, 4, 1)
    assert financial_year_label(april) == "2026-27" and year_label(april) == "2026 to 2027"
    assert financial_year_label(datetime.date(2099, 9, 1)) == "2099-00"
    # A year from January is one calendar year, not "2026-27".
    january = datetime.date(2026, 1, 1)
    assert financial_year_label(january) == "2026" and year_label(january) == "2026"
    assert BudgetReport(financial_year_start=january).year_label == "2026"
    assert BudgetReport(financial_year_start=april).year_label == "2026 to 2027"
