"""Budget pages: the list by financial year, a pot's ledger, and the LA officer's create, adjust and
transfer, each refusing bad input with a specific error and writing nothing."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from funding import ledger
from funding.models import Budget, LedgerEntry
from funding.selectors import balance_of
from funding.tests.test_decisions import text
from funding.years import financial_year_start
from panels.models import PanelKind
from tests import factories as f
from tests.fixtures import client_for

D = Decimal
YEAR = financial_year_start(datetime.date.today())
NEXT_YEAR = datetime.date(YEAR.year + 1, 4, 1)
LAST_YEAR = datetime.date(YEAR.year - 1, 4, 1)


@pytest.fixture
def pot(tenant):
    return f.make_budget(
        tenant.authority, locality=tenant.locality_1, amount="10000.00", actor=tenant.users["la_officer"]
    )


@pytest.fixture
def officer(tenant):
    return client_for(tenant.users["la_officer"])


def written():
    """Everything a budget write leaves behind."""
    return Budget.objects.count(), LedgerEntry.objects.count(), AuditEvent.objects.count()


# The list and a pot's ledger ---------------------------------------------------------------------------


def test_the_list_shows_each_pot_of_the_year_with_its_figures(tenant, pot, officer):
    officer_user = tenant.users["la_officer"]
    commitment = ledger.commit(actor=officer_user, budget_id=pot.pk, amount=D("2500.00"), school_id=tenant.school_1.pk)
    ledger.pay(actor=officer_user, commitment_id=commitment.pk, amount=D("1000.00"))
    f.make_budget(tenant.authority, locality=tenant.locality_1, year_start=LAST_YEAR, amount="999.00")
    page = text(officer.get(reverse("funding:budget-list")))
    assert f"{pot.name} Locality budget {tenant.locality_1.name} £10,000.00 £2,500.00 £1,000.00 £7,500.00" in page
    assert "£999.00" not in page and "1 budget" in page
    last_year = text(officer.get(reverse("funding:budget-list"), {"year": LAST_YEAR.year}))
    assert "£999.00" in last_year and pot.name not in last_year


def test_each_reader_sees_only_the_pots_they_may_read(tenant, pot):
    other_locality = f.make_budget(tenant.authority, locality=tenant.locality_2, amount="500.00")
    panel_pot = f.make_budget(tenant.authority, kind="top_up", panel=tenant.panel, amount="700.00")
    seen = {
        role: text(client_for(tenant.users[role]).get(reverse("funding:budget-list")))
        for role in ("area_lead", "panel_member", "la_officer", "finance_officer")
    }
    names = (pot.name, other_locality.name, panel_pot.name)
    assert [n in seen["area_lead"] for n in names] == [True, False, False]
    assert [n in seen["panel_member"] for n in names] == [False, False, True]
    assert all(n in seen["la_officer"] and n in seen["finance_officer"] for n in names)
    assert "Create a budget" in seen["la_officer"] and "Create a budget" not in seen["finance_officer"]


def test_a_pots_page_shows_its_ledger_newest_first_and_its_balances(tenant, pot, officer):
    officer_user = tenant.users["la_officer"]
    commitment = ledger.commit(
        actor=officer_user, budget_id=pot.pk, amount=D("1200.00"), school_id=tenant.school_2.pk, memo="Speech therapy"
    )
    ledger.release(actor=officer_user, commitment_id=commitment.pk, amount=D("200.00"), memo="Pupil left")
    response = officer.get(reverse("funding:budget-detail", args=[pot.pk]))
    page = text(response)
    assert "Budget £10,000.00 Committed £1,000.00 Paid £0.00 Available £9,000.00" in page
    assert page.index("Unspent commitment released") < page.index("Commitment") < page.index("Budget set")
    assert f"Commitment £1,200.00 {tenant.school_2.name} Speech therapy {officer_user.full_name}" in page
    assert "3 entries" in page


def test_budget_detail_query_count_is_pinned_and_independent_of_entries(tenant, pot, officer):
    """4 before the view + the pot with its balances + the page count + one page of entries = 7."""

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert officer.get(reverse("funding:budget-detail", args=[pot.pk])).status_code == 200
        return len(queries)

    few = count()
    for _ in range(20):
        ledger.commit(actor=tenant.users["la_officer"], budget_id=pot.pk, amount=D("10"), school_id=tenant.school_1.pk)
    many = count()
    assert few == many == 7, (few, many)


def test_budget_list_query_count_is_pinned_and_independent_of_rows(tenant, pot, officer):
    """4 before the view + the years to filter by + the page count + one page of pots = 7."""

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert officer.get(reverse("funding:budget-list")).status_code == 200
        return len(queries)

    few = count()
    for _ in range(20):
        f.make_budget(tenant.authority, kind="locality", locality=f.make_locality(tenant.authority), amount="10")
    many = count()
    assert few == many == 7, (few, many)


# Create ----------------------------------------------------------------------------------------------------


def create_data(tenant, **overrides):
    data = {"kind": "locality", "locality": str(tenant.locality_2.pk), "panel": "", "financial_year": YEAR.isoformat(),
            "name": "South locality", "amount": "£25,000.00"}  # fmt: skip
    data.update(overrides)
    return data


def test_an_la_officer_creates_a_pot_with_its_opening_amount(tenant, officer):
    response = officer.post(reverse("funding:budget-add"), create_data(tenant))
    budget = Budget.objects.get(name="South locality")
    assert response.status_code == 302 and response.url == reverse("funding:budget-detail", args=[budget.pk])
    assert (budget.kind, budget.locality, budget.financial_year_start) == ("locality", tenant.locality_2, YEAR)
    assert balance_of(budget).budget == D("25000.00")
    assert LedgerEntry.objects.get(budget=budget).kind == "budget_set"


def test_the_create_form_offers_only_this_council_and_this_year_or_the_next(world):
    tenant = world.a
    page = client_for(tenant.users["la_officer"]).get(reverse("funding:budget-add")).content.decode()
    assert (
        f"{YEAR.year}-{(YEAR.year + 1) % 100:02d}" in page
        and f"{NEXT_YEAR.year}-{(NEXT_YEAR.year + 1) % 100:02d}" in page
    )
    assert LAST_YEAR.isoformat() not in page
    assert tenant.locality_1.name in page and world.b.locality_1.name not in page
    assert tenant.panel.name in page and world.b.panel.name not in page


def test_a_central_pot_needs_a_panel_of_its_kind(tenant, officer):
    exceptional = f.make_panel(tenant.authority, kind=PanelKind.EXCEPTIONAL_NEEDS)
    data = create_data(tenant, kind="exceptional_needs", locality="", name="Exceptional needs")
    assert "Select the panel that decides this budget" in text(officer.post(reverse("funding:budget-add"), data))
    data["panel"] = str(tenant.panel.pk)  # a top-up panel
    assert "Select a complex and exceptional needs panel" in text(officer.post(reverse("funding:budget-add"), data))
    data["panel"] = str(exceptional.pk)
    assert officer.post(reverse("funding:budget-add"), data).status_code == 302
    budget = Budget.objects.get(name="Exceptional needs")
    assert budget.panel == exceptional and budget.locality is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [({"amount": "0"}, "The initial amount must be more than £0"),
     ({"amount": "-100"}, "The initial amount must be more than £0"),
     ({"amount": "ten pounds"}, "Enter the initial amount in pounds and pence"),
     ({"amount": "100000000"}, "The initial amount must be £99,999,999.99 or less"),
     ({"amount": ""}, "Enter the initial amount"),
     ({"locality": ""}, "Select the locality this budget is for"),
     ({"name": "  "}, "Enter a name for the budget"),
     ({"kind": ""}, "Select the kind of budget"),
     ({"financial_year": LAST_YEAR.isoformat()}, "Select this financial year or the next"),
     ("duplicate-locality", "already has a locality budget for"),
     ("duplicate-name", "There is already a budget called"),
     ("other-tenant-locality", "Select one from the list"),
     ("other-tenant-panel", "Select one from the list")],
)  # fmt: skip
def test_create_with_bad_input_says_what_is_wrong_and_writes_nothing(world, overrides, message):
    tenant = world.a
    f.make_budget(tenant.authority, locality=tenant.locality_1, amount="100.00")
    existing = Budget.objects.get(locality=tenant.locality_1)
    data = create_data(tenant)
    if overrides == "duplicate-locality":
        data["locality"] = str(tenant.locality_1.pk)
    elif overrides == "duplicate-name":
        data["name"] = existing.name.upper()
    elif overrides == "other-tenant-locality":
        data["locality"] = str(world.b.locality_1.pk)
    elif overrides == "other-tenant-panel":
        data.update(kind="top_up", panel=str(world.b.panel.pk))
    else:
        data.update(overrides)
    before = written()
    response = client_for(tenant.users["la_officer"]).post(reverse("funding:budget-add"), data)
    assert response.status_code == 200
    assert message in text(response)
    assert written() == before


# Adjust ----------------------------------------------------------------------------------------------------


def test_an_adjustment_raises_or_lowers_the_budget_with_a_reason(tenant, pot, officer):
    url = reverse("funding:budget-adjust", args=[pot.pk])
    assert "Available £10,000.00" in text(officer.get(url))
    response = officer.post(url, {"direction": "increase", "amount": "1500", "reason": "Late DSG allocation"})
    assert response.status_code == 302
    officer.post(url, {"direction": "decrease", "amount": "500.50", "reason": "In-year saving"})
    assert balance_of(pot).budget == D("10999.50")  # 10,000 + 1,500 - 500.50
    latest = LedgerEntry.objects.filter(budget=pot).latest("created_at", "pk")
    assert (latest.kind, latest.budget_delta, latest.memo) == ("adjustment", D("-500.50"), "In-year saving")


@pytest.mark.parametrize(
    ("data", "message"),
    [({"direction": "decrease", "amount": "8000.01"}, "cannot go below the £2,000.00 already committed: you can lower it by up to £8,000.00"),
     ({"direction": "decrease", "amount": "0"}, "The amount of the change must be more than £0"),
     ({"direction": "increase", "amount": "-50"}, "The amount of the change must be more than £0"),
     ({"direction": "", "amount": "50"}, "Select whether to increase or decrease the budget"),
     ({"direction": "increase", "amount": "50", "reason": ""}, "Enter the reason for the adjustment")],
)  # fmt: skip
def test_an_adjustment_with_bad_input_says_what_is_wrong_and_writes_nothing(tenant, pot, officer, data, message):
    ledger.commit(actor=tenant.users["la_officer"], budget_id=pot.pk, amount=D("2000.00"))
    before = written()
    response = officer.post(reverse("funding:budget-adjust", args=[pot.pk]), {"reason": "Because", **data})
    assert response.status_code == 200 and message in text(response)
    assert written() == before


# Transfer --------------------------------------------------------------------------------------------------


def test_a_transfer_moves_money_to_another_pot_of_the_same_year(tenant, pot, officer):
    target = f.make_budget(tenant.authority, locality=tenant.locality_2, amount="1000.00")
    f.make_budget(tenant.authority, locality=tenant.locality_2, year_start=NEXT_YEAR, amount="1.00")
    url = reverse("funding:budget-transfer", args=[pot.pk])
    form = officer.get(url).content.decode()
    assert target.name in form and f'value="{pot.pk}"' not in form and "1.00" not in form
    response = officer.post(url, {"to_budget": str(target.pk), "amount": "2500", "reason": "Rebalancing"})
    assert response.status_code == 302
    assert (balance_of(pot).budget, balance_of(target).budget) == (D("7500.00"), D("3500.00"))
    out, into = LedgerEntry.objects.filter(kind__in=["transfer_out", "transfer_in"]).order_by("pk")
    assert into.related_entry == out and out.memo == into.memo == "Rebalancing"


@pytest.mark.parametrize(
    ("case", "message"),
    [("itself", "a budget cannot transfer to itself"),
     ("next-year", "money can only move between budgets of the same financial year"),
     ("other-tenant", "Select one of the council's budgets to transfer to"),
     ("too-much", "has £8,000.00 not committed: you can transfer up to £8,000.00"),
     ("zero", "The amount to transfer must be more than £0"),
     ("negative", "The amount to transfer must be more than £0"),
     ("no-reason", "Enter the reason for the transfer"),
     ("no-target", "Select the budget to transfer to")],
)  # fmt: skip
def test_a_transfer_with_bad_input_says_what_is_wrong_and_writes_nothing(world, case, message):
    tenant = world.a
    officer_user = tenant.users["la_officer"]
    pot = f.make_budget(tenant.authority, locality=tenant.locality_1, amount="10000.00", actor=officer_user)
    ledger.commit(actor=officer_user, budget_id=pot.pk, amount=D("2000.00"))
    target = f.make_budget(tenant.authority, locality=tenant.locality_2, amount="1000.00")
    next_year = f.make_budget(tenant.authority, locality=tenant.locality_2, year_start=NEXT_YEAR, amount="1.00")
    foreign = f.make_budget(world.b.authority, locality=world.b.locality_1, amount="1.00")
    data = {"to_budget": str(target.pk), "amount": "100", "reason": "Rebalancing"}
    data.update({"itself": {"to_budget": str(pot.pk)}, "next-year": {"to_budget": str(next_year.pk)},
                 "other-tenant": {"to_budget": str(foreign.pk)}, "too-much": {"amount": "8000.01"},
                 "zero": {"amount": "0"}, "negative": {"amount": "-100"}, "no-reason": {"reason": ""},
                 "no-target": {"to_budget": ""}}[case])  # fmt: skip
    before = written()
    response = client_for(officer_user).post(reverse("funding:budget-transfer", args=[pot.pk]), data)
    assert response.status_code == 200 and message in text(response)
    assert written() == before
