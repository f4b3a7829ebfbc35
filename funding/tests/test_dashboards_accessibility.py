"""The queue, decision, budget, dashboard and overview pages in a real browser: axe-core finds no WCAG 2.2
AA violations, the error pattern is GOV.UK's, and a decision can be made with JavaScript switched off."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from funding import ledger
from funding.models import LedgerEntry, RequestStatus
from funding.tests.test_decisions import make_request
from tests import factories as f
from tests.test_browser_accessibility import (  # noqa: F401 (pytest fixtures, used by name)
    _census_need_types_outlive_this_module,
    assert_error_summary,
    assert_no_axe_violations,
    assert_styled_with_govuk_frontend,
    chromium,
    open_context,
    sign_in,
    site,
    tab,
    tenants,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def funded(tenants: Any) -> Any:  # noqa: F811
    tenant = tenants[0]
    officer = tenant.users["la_officer"]
    pot = f.make_budget(tenant.authority, locality=tenant.locality_1, amount="10000.00", actor=officer)
    ledger.commit(actor=officer, budget_id=pot.pk, amount=Decimal("2000.00"), school_id=tenant.school_1.pk,
                  pupil_id=tenant.pupil_1.pk)  # fmt: skip
    f.make_budget(tenant.authority, locality=tenant.locality_2, amount="5000.00", actor=officer)
    return tenant, pot


def test_the_area_send_leads_pages_are_accessible(tab: Page, funded: Any) -> None:  # noqa: F811
    tenant, _ = funded
    page = tab
    too_much = make_request(tenant, amount="9000.00", submitted_days_ago=2)
    for _ in range(26):  # more than a page, so the pagination is checked too
        make_request(tenant, school=tenant.school_2, pupil=tenant.pupil_2, submitted_days_ago=20)
    sign_in(page, tenant.users["area_lead"].email)

    page.goto("/funding/queue/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Funding requests to decide")
    expect(page.get_by_test_id("result-count")).to_have_text("27 requests")
    expect(page.get_by_role("navigation", name="Pagination")).to_be_visible()
    assert_styled_with_govuk_frontend(page)
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Over 10 working days").click()
    expect(page.get_by_test_id("result-count")).to_have_text("26 requests")
    assert_no_axe_violations(page)

    page.goto(f"/funding/requests/{too_much.pk}/decide/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Decide on this request")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Continue").click()
    assert_error_summary(page, expected_message="Select what you want to do with the request")
    assert_no_axe_violations(page)
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Approve the request")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Approve and commit the money").click()
    assert_error_summary(page, expected_message="£8,000.00 available")
    expect(page.get_by_label("Amount to approve")).to_have_value("9000.00")
    assert_no_axe_violations(page)
    assert not LedgerEntry.objects.filter(funding_request=too_much).exists()

    page.goto("/funding/dashboard/")
    expect(page.get_by_role("heading", level=2, name=tenant.locality_1.name)).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Money committed by month against the budget"))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Money committed to each school"))).to_be_visible()
    assert_no_axe_violations(page)


def test_the_la_officers_budget_pages_and_overview_are_accessible(tab: Page, funded: Any) -> None:  # noqa: F811
    tenant, pot = funded
    page = tab
    sign_in(page, tenant.users["la_officer"].email)
    page.goto("/funding/budgets/")
    expect(page.get_by_test_id("result-count")).to_have_text("2 budgets")
    assert_no_axe_violations(page)
    page.get_by_role("link", name=pot.name).click()
    expect(page.get_by_test_id("balances")).to_contain_text("£8,000.00")
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Adjust this budget").click()
    page.get_by_label("Decrease").check()
    page.get_by_label("Amount of the change").fill("9000")
    page.get_by_label("Reason").fill("Saving")
    page.get_by_role("button", name="Adjust budget").click()
    assert_error_summary(page, expected_message="you can lower it by up to £8,000.00")
    assert_no_axe_violations(page)

    page.goto(f"/funding/budgets/{pot.pk}/transfer/")
    page.get_by_role("button", name="Transfer money").click()
    assert_error_summary(page, expected_message="Select the budget to transfer to")
    assert_no_axe_violations(page)

    page.goto("/funding/budgets/add/")
    page.get_by_role("button", name="Create budget").click()
    assert_error_summary(page, expected_message="Select the kind of budget")
    assert_no_axe_violations(page)

    page.goto("/funding/overview/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Funding across the council")
    expect(page.get_by_test_id("totals")).to_contain_text("£15,000.00")
    assert_no_axe_violations(page)
    page.get_by_label("Sort by").select_option(label="Spend per pupil, lowest first")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"sort=per_pupil_asc"))
    assert_no_axe_violations(page)


def test_a_decision_needs_no_javascript(open_context: Any, funded: Any) -> None:  # noqa: F811
    tenant, _ = funded
    funding_request = make_request(tenant)
    page = open_context(java_script_enabled=False).new_page()
    sign_in(page, tenant.users["area_lead"].email)
    page.goto("/funding/queue/")
    page.get_by_role("link", name=re.compile(f"Decide on request {funding_request.pk}")).click()
    page.get_by_label("Decline").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Reasons for declining").fill("Needs met from the notional budget")
    page.get_by_role("button", name="Decline the request").click()
    expect(page).to_have_url(re.compile(r"/funding/queue/$"))
    expect(page.get_by_role("alert")).to_contain_text(f"Funding request {funding_request.pk} declined")
    funding_request.refresh_from_db()
    assert funding_request.status == RequestStatus.DECLINED


def test_reversing_a_ledger_entry_is_accessible(tab: Page, funded: Any) -> None:  # noqa: F811
    tenant, pot = funded
    page = tab
    commitment = LedgerEntry.objects.get(budget=pot, kind="commitment")
    ledger.pay(actor=tenant.users["la_officer"], commitment_id=commitment.pk, amount=Decimal("500.00"))
    sign_in(page, tenant.users["la_officer"].email)
    page.goto(f"/funding/budgets/{pot.pk}/")
    page.get_by_role("link", name=re.compile(r"^Reverse the payment of")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reverse this entry")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Reverse entry").click()
    assert_error_summary(page, expected_message="Enter why the entry is being reversed")
    assert_no_axe_violations(page)
    page.get_by_label("Why it is being reversed").fill("Invoice paid twice")
    page.get_by_role("button", name="Reverse entry").click()
    expect(page.get_by_test_id("balances")).to_contain_text("£8,000.00")
    expect(page.get_by_text("Reversed", exact=True)).to_be_visible()
    assert_no_axe_violations(page)


def test_a_group_request_and_a_banded_request_are_accessible(tab: Page, funded: Any) -> None:  # noqa: F811
    import datetime

    from funding import banding
    from funding.tests.test_requests import act, draft
    from pupils.models import EvidenceItem, GroupIntervention
    from pupils.tests.casework import completed_cycles, scope_of

    tenant, _ = funded
    page = tab
    senco, officer = tenant.users["senco"], tenant.users["la_officer"]
    group = GroupIntervention.objects.create(
        local_authority=tenant.authority, school=tenant.school_1, name="Lego therapy", delivered_by="ta",
        fixed_cost=Decimal("900.00"),
    )  # fmt: skip
    group.pupils.add(tenant.pupil_1, f.make_pupil(tenant.school_1, nc_year=6))
    for_group = draft(tenant, pupil_id=None, group_intervention_id=group.pk)
    act(tenant, "senco", for_group, "submit")
    domain = banding.banding_domain_add(actor=officer, scope=scope_of(officer), name="Communication",
                                        weight=Decimal("1"), levels=["None", "Some", "Daily"])  # fmt: skip
    banding.band_add(actor=officer, scope=scope_of(officer), name="Band A", min_score=Decimal("0"),
                     annual_tariff=Decimal("1000"))  # fmt: skip
    cycle = completed_cycles(senco, tenant.pupil_1, 1)
    evidence = EvidenceItem.objects.create(local_authority=tenant.authority, cycle=cycle, kind="standardised",
                                           recorded_on=datetime.date(2026, 10, 5), summary="Below average",
                                           standardised_score=80, recorded_by=senco)  # fmt: skip
    banded = draft(tenant)
    banding.request_scores_save(actor=senco, scope=scope_of(senco), request_id=banded.pk,
                                levels={domain.pk: (2, evidence.pk, "Daily support")})  # fmt: skip
    act(tenant, "senco", banded, "submit")
    for who in ("senco", "area_lead"):
        page.context.clear_cookies()
        sign_in(page, tenant.users[who].email)
        page.goto(f"/funding/requests/{for_group.pk}/")
        expect(page.get_by_test_id("members")).to_be_visible()
        assert_no_axe_violations(page)
        page.goto(f"/funding/requests/{banded.pk}/")
        page.get_by_test_id("evidence-link").click()
        expect(page).to_have_url(re.compile(rf"/pupils/{tenant.pupil_1.pk}/cycles/{cycle.pk}/#assess$"))
        page.go_back()
        assert_no_axe_violations(page)
