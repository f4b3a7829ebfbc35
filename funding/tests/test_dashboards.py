"""The Area SEND Lead's dashboard and the LA overview: every figure equals the ledger's sums."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from funding import dashboard_selectors, ledger
from funding.models import LedgerEntry, RequestStatus
from funding.selectors import balance_of
from funding.tests.test_decisions import make_request, text
from funding.years import financial_year_start
from pupils.models import NeedType
from pupils.tests.casework import scope_of
from tests import factories as f
from tests.fixtures import client_for

D = Decimal
TODAY = timezone.localdate()
YEAR = financial_year_start(TODAY)
LAST_YEAR = datetime.date(YEAR.year - 1, 4, 1)


def money(amount):
    return f"£{amount:,.2f}"


def ledger_sums(**filters):
    sums = LedgerEntry.objects.filter(**filters).aggregate(
        budget=Sum("budget_delta"), committed=Sum("committed_delta"), paid=Sum("paid_delta")
    )
    return {key: value or D("0") for key, value in sums.items()}


@pytest.fixture
def activity(tenant):
    """A locality pot with commitments to two schools (one for a group, not a pupil), a payment, a
    release and an adjustment; requests in each group of the queue."""
    officer = tenant.users["la_officer"]
    pot = f.make_budget(tenant.authority, locality=tenant.locality_1, amount="10000.00", actor=officer)
    first = ledger.commit(actor=officer, budget_id=pot.pk, amount=D("3000.00"), school_id=tenant.school_1.pk,
                          pupil_id=tenant.pupil_1.pk)  # fmt: skip
    second = ledger.commit(actor=officer, budget_id=pot.pk, amount=D("1200.00"), school_id=tenant.school_2.pk,
                           pupil_id=tenant.pupil_2.pk)  # fmt: skip
    ledger.commit(actor=officer, budget_id=pot.pk, amount=D("500.00"), school_id=tenant.school_2.pk)
    ledger.pay(actor=officer, commitment_id=first.pk, amount=D("1000.00"))
    ledger.release(actor=officer, commitment_id=second.pk, amount=D("200.00"), memo="Pupil left")
    ledger.budget_adjust(actor=officer, budget_id=pot.pk, change=D("1000.00"), memo="Late allocation")
    make_request(tenant, submitted_days_ago=1)
    make_request(tenant, submitted_days_ago=30)
    make_request(tenant, status=RequestStatus.MORE_INFORMATION)
    return pot


def test_the_dashboard_figures_equal_the_ledger(tenant, activity):
    page = text(client_for(tenant.users["area_lead"]).get(reverse("funding:dashboard")))
    sums = ledger_sums(budget=activity)
    balance = balance_of(activity)
    assert (balance.budget, balance.committed, balance.paid) == (sums["budget"], sums["committed"], sums["paid"])
    assert (
        f"Budget {money(sums['budget'])} Committed {money(sums['committed'])} Paid {money(sums['paid'])} "
        f"Available {money(sums['budget'] - sums['committed'])}"
    ) in page
    assert "Budget £11,000.00 Committed £4,500.00 Paid £1,000.00 Available £6,500.00" in page
    assert "New requests 2 Waiting for information 1 Over 10 working days 1" in page
    assert f"{tenant.school_1.name} £3,000.00 £1,000.00" in page
    assert f"{tenant.school_2.name} £1,500.00 £0.00" in page  # 1,200 - 200 released + 500 for a group
    slcn = NeedType.objects.get(code="SLCN")
    assert f"{slcn.name} (SLCN) £4,000.00 £1,000.00 88.9%" in page
    assert "Group interventions and money not for one pupil £500.00 £0.00 11.1%" in page
    assert tenant.locality_2.name not in page


def test_spend_by_school_adds_up_to_what_is_committed(tenant, activity):
    """Money for no school, and for a school that has since moved locality, still shows."""
    officer = tenant.users["la_officer"]
    ledger.commit(actor=officer, budget_id=activity.pk, amount=D("250.00"))
    tenant.school_2.locality = tenant.locality_2
    tenant.school_2.save()
    scope = scope_of(tenant.users["area_lead"])
    (figures,) = dashboard_selectors.locality_dashboard(scope=scope, localities=[tenant.locality_1], year=YEAR)
    rows = {row.name: row.committed for row in figures.schools}
    assert rows == {tenant.school_1.name: D("3000.00"), tenant.school_2.name: D("1500.00"),
                    "Not for one school": D("250.00")}  # fmt: skip
    assert sum(rows.values()) == balance_of(activity).committed == ledger_sums(budget=activity)["committed"]
    page = text(client_for(tenant.users["area_lead"]).get(reverse("funding:dashboard")))
    assert f"{tenant.school_2.name} (now in another locality) £1,500.00" in page
    assert "Not for one school £250.00 £0.00" in page


def test_the_commitments_chart_is_accessible_and_its_numbers_add_up(tenant, activity):
    response = client_for(tenant.users["area_lead"]).get(reverse("funding:dashboard"))
    html = response.content.decode()
    chart_id = f"commitments-{tenant.locality_1.pk}"
    assert f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc"' in html
    assert f'<title id="{chart_id}-title">Money committed by month against the budget' in html
    page = text(response)
    this_month = f"{TODAY:%B %Y}"
    assert "The budget is £11,000.00." in page
    assert f"{this_month}: £4,500.00 committed to date, £4,500.00 in the month." in page
    assert f"{this_month} £4,500.00 £4,500.00 £6,500.00" in page  # the data table under the chart
    school_chart = f"schools-{tenant.locality_1.pk}"
    assert f'aria-labelledby="{school_chart}-title {school_chart}-desc"' in html
    assert f"{tenant.school_1.name}: £3,000.00. {tenant.school_2.name}: £1,500.00." in page


def test_the_commitment_chart_counts_entries_before_the_year_in_its_first_month():
    year = datetime.date(2026, 4, 1)
    chart = dashboard_selectors.commitment_chart(
        chart_id="c", year=year, budget=D("1000"), today=datetime.date(2026, 6, 15),
        by_month={datetime.date(2026, 3, 1): D("100"), datetime.date(2026, 5, 1): D("250"),
                  datetime.date(2026, 6, 1): D("-50")},
    )  # fmt: skip
    assert [(bar.short, bar.in_month, bar.to_date, bar.available) for bar in chart.bars] == [
        ("Apr", D("100"), D("100"), D("900")), ("May", D("250"), D("350"), D("650")),
        ("Jun", D("-50"), D("300"), D("700"))]  # fmt: skip
    assert chart.bars[1].y < chart.bars[0].y  # more committed, taller bar
    assert chart.budget_y < min(bar.y for bar in chart.bars)  # the budget line above every bar
    past = dashboard_selectors.commitment_chart(chart_id="c", year=LAST_YEAR, budget=D("1"), by_month={}, today=TODAY)
    assert len(past.bars) == 12


def test_a_dashboard_of_another_locality_is_not_found_and_whole_council_readers_choose_one(tenant, activity):
    lead = client_for(tenant.users["area_lead"])
    assert lead.get(reverse("funding:dashboard"), {"locality": tenant.locality_2.pk}).status_code == 404
    assert lead.get(reverse("funding:dashboard"), {"locality": tenant.locality_1.pk}).status_code == 200
    finance = client_for(tenant.users["finance_officer"])
    assert finance.get(reverse("funding:dashboard")).url == reverse("funding:la-overview")
    page = text(finance.get(reverse("funding:dashboard"), {"locality": tenant.locality_1.pk}))
    assert "Available £6,500.00" in page


def test_a_locality_without_a_pot_says_so(tenant):
    page = text(client_for(tenant.users["area_lead"]).get(reverse("funding:dashboard")))
    assert f"No locality budget is set for {tenant.locality_1.name} for this financial year" in page


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def _more_activity(tenant, pot, n=20):
    officer = tenant.users["la_officer"]
    for _ in range(n):
        school = f.make_school(tenant.authority, tenant.locality_1)
        pupil = f.make_pupil(school, primary_need=NeedType.objects.order_by("?").first())
        ledger.commit(actor=officer, budget_id=pot.pk, amount=D("10"), school_id=school.pk, pupil_id=pupil.pk)
        make_request(tenant, school=school, pupil=pupil, submitted_days_ago=20)


def test_dashboard_query_count_is_pinned_and_independent_of_rows(tenant, activity):
    """4 before the view + years + localities + pots with balances + queue counts + schools + commitments
    by month + spend by school + spend by need = 12."""
    client = client_for(tenant.users["area_lead"])
    few = _count(client, reverse("funding:dashboard"))
    _more_activity(tenant, activity)
    many = _count(client, reverse("funding:dashboard"))
    assert few == many == 12, (few, many)


# The LA overview -------------------------------------------------------------------------------------------


@pytest.fixture
def council(tenant, activity):
    officer = tenant.users["la_officer"]
    other = f.make_budget(tenant.authority, locality=tenant.locality_2, amount="5000.00", actor=officer)
    central = f.make_budget(tenant.authority, kind="exceptional_needs", panel=tenant.other_panel, amount="20000.00",
                            actor=officer)  # fmt: skip
    ledger.commit(actor=officer, budget_id=central.pk, amount=D("1000.00"), school_id=tenant.school_1.pk)
    old = f.make_budget(tenant.authority, locality=tenant.locality_1, year_start=LAST_YEAR, amount="9000.00",
                        actor=officer)  # fmt: skip
    ledger.commit(actor=officer, budget_id=old.pk, amount=D("8000.00"), school_id=tenant.school_3.pk)
    f.make_pupil(tenant.school_1)  # a second pupil at SEN Support
    f.make_pupil(tenant.school_1, sen_status="E", ehcp_issued_on=datetime.date(2024, 1, 1))  # not at SEN Support
    empty = f.make_school(tenant.authority, tenant.locality_2, name="Zed Infants")  # no pupils at SEN Support
    return {"pots": [activity, other, central], "old": old, "empty": empty}


def test_the_overview_figures_equal_the_ledger_across_every_pot(tenant, council):
    page = text(client_for(tenant.users["finance_officer"]).get(reverse("funding:la-overview")))
    sums = ledger_sums(budget__in=council["pots"])
    assert (sums["budget"], sums["committed"], sums["paid"]) == (D("36000.00"), D("5500.00"), D("1000.00"))
    assert (
        f"Budget {money(sums['budget'])} Committed {money(sums['committed'])} Paid {money(sums['paid'])} "
        f"Available {money(sums['budget'] - sums['committed'])}"
    ) in page
    for pot in council["pots"]:
        balance = balance_of(pot)
        assert f"{pot.name} " in page
        assert (
            f"{money(balance.budget)} {money(balance.committed)} {money(balance.paid)} {money(balance.available)}"
            in page
        )
    assert council["old"].name not in page and "£8,000.00" not in page
    assert "New requests 2 Waiting for information 1 Over 10 working days 1" in page


def test_spend_per_pupil_at_sen_support_by_school_is_sortable(tenant, council):
    client = client_for(tenant.users["la_officer"])
    url = reverse("funding:la-overview")
    rows = {
        "first": f"{tenant.school_1.name} {tenant.locality_1.name} £4,000.00 2 £2,000.00",  # 3,000 + 1,000 central
        "second": f"{tenant.school_2.name} {tenant.locality_1.name} £1,500.00 1 £1,500.00",
        "third": f"{tenant.school_3.name} {tenant.locality_2.name} £0.00 1 £0.00",  # last year's money not counted
        "none": f"Zed Infants {tenant.locality_2.name} £0.00 0 No pupils at SEN Support",
    }

    def order(**params):
        page = text(client.get(url, params))
        assert all(row in page for row in rows.values()), page
        return sorted(rows, key=lambda key: page.index(rows[key]))

    assert order() == ["first", "second", "third", "none"]
    assert order(sort="per_pupil_asc") == ["third", "second", "first", "none"]
    page = text(client.get(url, {"locality": tenant.locality_2.pk}))
    assert rows["third"] in page and rows["first"] not in page and "2 schools" in page


def test_overview_query_count_is_pinned_and_independent_of_rows(tenant, council):
    """4 before the view + years + totals + queue counts + commitments by month + spend by need +
    localities + pots (count and page) + schools (count and page) = 14."""
    client = client_for(tenant.users["la_officer"])
    few = _count(client, reverse("funding:la-overview"))
    _more_activity(tenant, council["pots"][0])
    for _ in range(20):
        f.make_budget(tenant.authority, locality=f.make_locality(tenant.authority), amount="1.00")
    many = _count(client, reverse("funding:la-overview"))
    assert few == many == 14, (few, many)
