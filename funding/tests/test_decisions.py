"""The Area SEND Lead's queue and decision pages, as the Area SEND Lead and the school see them."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from funding import dashboard_selectors, services
from funding.models import FundingRequest, LedgerEntry, RequestEvent, RequestStatus, Route
from funding.selectors import balance_of
from funding.years import financial_year_start
from panels.models import PanelKind
from pupils.tests.casework import scope_of
from tests import factories as f
from tests.fixtures import client_for

D = Decimal
TODAY = timezone.localdate()
YEAR = financial_year_start(TODAY)


@pytest.fixture
def pot(tenant):
    return f.make_budget(
        tenant.authority, locality=tenant.locality_1, amount="10000.00", actor=tenant.users["la_officer"]
    )


def make_request(tenant, *, school=None, pupil=None, status=RequestStatus.SUBMITTED, route=Route.LOCALITY,
                 amount="2400.00", submitted_days_ago=1, decided_days_ago=None, **extra):  # fmt: skip
    """A request as it stands after submission (made directly: the workflow itself is tested in
    test_requests.py)."""
    school = school or tenant.school_1
    pupil = pupil or (tenant.pupil_1 if school == tenant.school_1 else f.make_pupil(school))
    now = timezone.now()
    extra.setdefault("period_start", YEAR)
    extra.setdefault("period_end", YEAR + datetime.timedelta(days=180))
    return FundingRequest.objects.create(
        local_authority=tenant.authority, school=school, pupil=pupil, route=route, status=status,
        amount_requested=D(amount),
        purpose="Speech and language therapy", outcomes_served="Speaks in class",
        submitted_at=now - datetime.timedelta(days=submitted_days_ago) if status != RequestStatus.DRAFT else None,
        decided_at=now - datetime.timedelta(days=decided_days_ago) if decided_days_ago is not None else None,
        created_by=tenant.users["senco"], **extra,
    )  # fmt: skip


def submitted_through_the_workflow(tenant, amount="2400.00"):
    senco = tenant.users["senco"]
    draft = services.request_save_draft(
        actor=senco, scope=scope_of(senco), school_id=tenant.school_1.pk, pupil_id=tenant.pupil_1.pk,
        amount_requested=D(amount), period_start=YEAR, period_end=YEAR + datetime.timedelta(days=180),
        purpose="Speech and language therapy", outcomes_served="Speaks in class",
    )  # fmt: skip
    return services.request_transition(actor=senco, scope=scope_of(senco), request_id=draft.pk, action="submit")


def text(response):
    """The page's words, without tags, on one line."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def decide_url(funding_request, action=None):
    url = reverse("funding:request-decide", args=[funding_request.pk])
    return f"{url}?action={action}" if action else url


def date_fields(name, day):
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def approve_data(funding_request, amount=None, start=None, end=None, conditions=""):
    return {
        "amount": str(amount or funding_request.amount_requested),
        **date_fields("period_start", start or funding_request.period_start),
        **date_fields("period_end", end or funding_request.period_end),
        "conditions": conditions,
    }


# The queue -----------------------------------------------------------------------------------------------


def _queue(client, group):
    return client.get(reverse("funding:queue"), {"group": group})


def _numbers(response):
    return set(re.findall(r'href="/funding/requests/(\d+)/"', response.content.decode()))


def test_the_queue_shows_the_right_requests_in_the_right_groups(world):
    tenant = world.a
    new = make_request(tenant, submitted_days_ago=2)
    waiting = make_request(tenant, status=RequestStatus.MORE_INFORMATION, submitted_days_ago=1)
    old_new = make_request(tenant, school=tenant.school_2, submitted_days_ago=20)
    old_waiting = make_request(tenant, status=RequestStatus.MORE_INFORMATION, submitted_days_ago=25)
    approved = make_request(tenant, status=RequestStatus.APPROVED, decided_days_ago=1, submitted_days_ago=5)
    referred = make_request(tenant, status=RequestStatus.REFERRED, route=Route.EXCEPTIONAL_PANEL)
    long_ago = make_request(tenant, status=RequestStatus.DECLINED, decided_days_ago=60, submitted_days_ago=70)
    # Referred 40 days ago (touched since, so its last change is recent): not a recent decision.
    referred_long_ago = make_request(tenant, status=RequestStatus.REFERRED, route=Route.EXCEPTIONAL_PANEL,
                                     decided_days_ago=40, submitted_days_ago=45)  # fmt: skip
    other_locality = make_request(tenant, school=tenant.school_3, submitted_days_ago=30)
    to_a_panel = make_request(tenant, route=Route.TOP_UP_PANEL, submitted_days_ago=30)
    draft = make_request(tenant, status=RequestStatus.DRAFT)
    other_tenant = make_request(world.b, submitted_days_ago=30)
    client = client_for(tenant.users["area_lead"])

    shown = {group: _numbers(_queue(client, group)) for group in dashboard_selectors.GROUPS}
    assert shown == {
        "new": {str(new.pk), str(old_new.pk)},
        "waiting": {str(waiting.pk), str(old_waiting.pk)},
        "ageing": {str(old_new.pk), str(old_waiting.pk)},
        "decided": {str(approved.pk), str(referred.pk)},
    }
    never = {str(r.pk) for r in (long_ago, referred_long_ago, other_locality, to_a_panel, draft, other_tenant)}
    assert not never & set().union(*shown.values())
    page = text(_queue(client, "new"))
    assert "New (2)" in page and "Waiting for information (2)" in page
    assert "Over 10 working days (2)" in page and "Recently decided (2)" in page


def test_each_row_says_who_what_how_much_and_how_long_it_has_waited(tenant):
    funding_request = make_request(tenant, amount="2345.60", submitted_days_ago=14)
    response = _queue(client_for(tenant.users["area_lead"]), "new")
    row = text(response)
    submitted = timezone.localtime(funding_request.submitted_at).date()
    days = dashboard_selectors.working_days_between(submitted, TODAY)
    assert days >= 10  # 14 calendar days hold at least 10 weekdays
    assert reverse("funding:request-detail", args=[funding_request.pk]) in response.content.decode()
    assert tenant.school_1.name in row and tenant.pupil_1.first_name in row and tenant.pupil_1.last_name in row
    assert "£2,345.60" in row
    assert f"{submitted.day} {submitted:%b %Y}" in row
    assert f" {days} " in row
    assert ('govuk-tag--red">Over 10' in response.content.decode()) == (days > 10)


def test_a_pupil_the_lead_may_no_longer_read_is_shown_by_reference_in_the_queue_and_on_the_decide_page(tenant):
    """The request stays with the school that made it; the pupil has since moved to a school of another
    locality, out of this Area SEND Lead's reach: the queue and the decide page show a reference, not a name."""
    moved = make_request(tenant, pupil=tenant.pupil_3)  # made by school_1, for a pupil now at school_3
    readable = make_request(tenant, school=tenant.school_2, pupil=tenant.pupil_2)
    client = client_for(tenant.users["area_lead"])
    row = text(_queue(client, "new"))
    assert f"Pupil reference {tenant.pupil_3.pk}" in row
    assert tenant.pupil_3.first_name not in row and tenant.pupil_3.last_name not in row
    assert f"{tenant.pupil_2.first_name} {tenant.pupil_2.last_name}" in row and str(readable.pk) in row
    page = text(client.get(decide_url(moved)))
    assert f"Pupil reference {tenant.pupil_3.pk}" in page and tenant.pupil_3.last_name not in page
    page = text(client.get(decide_url(readable)))
    assert f"{tenant.pupil_2.first_name} {tenant.pupil_2.last_name}" in page


def test_working_days_count_weekdays_only():
    monday = datetime.date(2026, 11, 16)
    assert dashboard_selectors.working_days_between(monday, monday + datetime.timedelta(days=7)) == 5
    assert (
        dashboard_selectors.working_days_between(
            monday + datetime.timedelta(days=4), monday + datetime.timedelta(days=7)
        )
        == 1
    )  # Fri to Mon
    assert (
        dashboard_selectors.working_days_between(
            monday + datetime.timedelta(days=5), monday + datetime.timedelta(days=7)
        )
        == 1
    )  # Sat to Mon
    assert dashboard_selectors.working_days_between(monday, monday) == 0
    assert dashboard_selectors.working_days_between(monday, monday + datetime.timedelta(days=14)) == 10


def test_ageing_starts_after_ten_working_days(tenant):
    wednesday = datetime.date(2026, 11, 25)
    ten_working_days_before = datetime.date(2026, 11, 11)  # a Wednesday: 10 weekdays to the 25th
    assert dashboard_selectors.working_days_between(ten_working_days_before, wednesday) == 10
    on_the_line = make_request(tenant)
    over = make_request(tenant)
    noon = datetime.time(12)
    for funding_request, day in ((on_the_line, ten_working_days_before), (over, datetime.date(2026, 11, 10))):
        FundingRequest.objects.filter(pk=funding_request.pk).update(
            submitted_at=timezone.make_aware(datetime.datetime.combine(day, noon))
        )
    scope = scope_of(tenant.users["area_lead"])
    ageing = dashboard_selectors.queue_requests(scope=scope, group="ageing", today=wednesday)
    assert list(ageing) == [over]
    assert dashboard_selectors.queue_counts(scope=scope, today=wednesday).ageing == 1


def test_queue_query_count_is_pinned_and_independent_of_rows(tenant):
    """4 before the view + the group counts + the page count + one page of rows = 7."""
    client = client_for(tenant.users["area_lead"])
    make_request(tenant)

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = _queue(client, "new")
        assert response.status_code == 200
        return len(queries)

    few = count()
    for _ in range(20):
        make_request(tenant, school=tenant.school_2, pupil=tenant.pupil_2)
    many = count()
    assert few == many == 7, (few, many)


# Deciding ------------------------------------------------------------------------------------------------


def test_the_decide_page_offers_the_decisions_the_request_allows(tenant, pot):
    client = client_for(tenant.users["area_lead"])
    submitted = make_request(tenant)
    page = text(client.get(decide_url(submitted)))
    for label in ("Ask for more information", "Approve", "Decline", "Refer to the central panel"):
        assert label in page
    waiting = make_request(tenant, status=RequestStatus.MORE_INFORMATION)
    choices = client.get(decide_url(waiting)).content.decode()
    assert 'value="decline"' in choices and 'value="approve"' not in choices
    assert "Select what you want to do" in text(client.get(decide_url(waiting), {"choose": "1"}))
    assert client.get(decide_url(submitted, "transfer_everything")).status_code == 404


def test_the_approval_page_shows_each_pot_s_budget_committed_paid_and_available(tenant, pot):
    from funding import ledger

    officer = tenant.users["la_officer"]
    earlier = ledger.commit(actor=officer, budget_id=pot.pk, amount=D("3000.00"), school_id=tenant.school_2.pk)
    ledger.pay(actor=officer, commitment_id=earlier.pk, amount=D("1250.00"))
    funding_request = submitted_through_the_workflow(tenant)
    page = client_for(tenant.users["area_lead"]).get(decide_url(funding_request, "approve")).content.decode()
    table = page.split('data-testid="pots"')[1].split("</table>")[0]
    headers = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', table)
    assert headers == ["Budget", "Budget", "Committed", "Paid", "Available"]
    cells = re.findall(r'govuk-table__cell--numeric">([^<]+)</td>', table)
    assert cells == ["£10,000.00", "£3,000.00", "£1,250.00", "£7,000.00"]


def test_approve_in_full_writes_the_commitment_and_the_dashboard_shows_the_new_balance(
    tenant, pot, django_capture_on_commit_callbacks
):
    funding_request = submitted_through_the_workflow(tenant)
    client = client_for(tenant.users["area_lead"])
    form = client.get(decide_url(funding_request, "approve"))
    assert 'value="2400.00"' in form.content.decode()  # the amount asked for
    assert "£10,000.00" in text(form)  # what the pot has available
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decide_url(funding_request, "approve"), approve_data(funding_request))
    assert response.status_code == 302 and response.url == reverse("funding:queue")
    funding_request.refresh_from_db()
    assert funding_request.status == RequestStatus.APPROVED and funding_request.approved_amount == D("2400.00")
    assert LedgerEntry.objects.get(funding_request=funding_request).committed_delta == D("2400.00")
    assert [m.to for m in mail.outbox] == [[tenant.users["senco"].email]]
    dashboard = text(client.get(reverse("funding:dashboard")))
    assert "Committed £2,400.00" in dashboard and "Available £7,600.00" in dashboard
    assert str(funding_request.pk) in _numbers(_queue(client, "decided"))


def test_approve_in_part_commits_less_for_a_shorter_period(tenant, pot):
    funding_request = submitted_through_the_workflow(tenant)
    client = client_for(tenant.users["area_lead"])
    end = funding_request.period_start + datetime.timedelta(days=90)
    response = client.post(
        decide_url(funding_request, "approve"),
        approve_data(funding_request, amount="1500", end=end, conditions="A termly report"),
    )
    assert response.status_code == 302
    funding_request.refresh_from_db()
    assert (funding_request.approved_amount, funding_request.approved_end) == (D("1500.00"), end)
    assert funding_request.conditions == "A termly report"
    entry = LedgerEntry.objects.get(funding_request=funding_request)
    assert (entry.committed_delta, entry.period_end) == (D("1500.00"), end)
    assert balance_of(pot).available == D("8500.00")
    assert "Available £8,500.00" in text(client.get(reverse("funding:dashboard")))
    assert "Approved in part" in RequestEvent.objects.filter(request=funding_request).last().message


def test_an_approval_beyond_the_pot_is_refused_with_the_available_amount_and_nothing_is_written(tenant, pot):
    funding_request = submitted_through_the_workflow(tenant, amount="12000.00")
    events = RequestEvent.objects.count()
    response = client_for(tenant.users["area_lead"]).post(
        decide_url(funding_request, "approve"), approve_data(funding_request)
    )
    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page and "£10,000.00 available" in page and "Nothing has been committed" in page
    assert 'href="#id_amount"' in response.content.decode()  # the error summary points at the amount
    funding_request.refresh_from_db()
    assert funding_request.status == RequestStatus.SUBMITTED and funding_request.approved_amount is None
    assert not LedgerEntry.objects.filter(funding_request=funding_request).exists()
    assert RequestEvent.objects.count() == events
    assert balance_of(pot).committed == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [({"amount": "0"}, "The amount must be more than £0"),
     ({"amount": "-5"}, "The amount must be more than £0"),
     ({"amount": "3000"}, "You cannot approve more than the £2,400.00 asked for"),
     ({"amount": "12.345"}, "no more than 2 digits after the point"),
     ({"amount": ""}, "Enter the amount to approve"),
     ({"period_end": "earlier"}, "The end date must be the same as or after the start date")],
)  # fmt: skip
def test_approval_with_bad_input_is_refused_with_a_clear_error(tenant, pot, change, message):
    funding_request = make_request(tenant)
    data = approve_data(funding_request)
    if change.get("period_end") == "earlier":
        data.update(date_fields("period_end", funding_request.period_start - datetime.timedelta(days=1)))
    else:
        data.update(change)
    response = client_for(tenant.users["area_lead"]).post(decide_url(funding_request, "approve"), data)
    assert response.status_code == 200 and message in text(response)
    assert not LedgerEntry.objects.filter(funding_request=funding_request).exists()


def test_decline_needs_reasons_and_tells_the_school(tenant, pot, django_capture_on_commit_callbacks):
    funding_request = make_request(tenant)
    client = client_for(tenant.users["area_lead"])
    response = client.post(decide_url(funding_request, "decline"), {"reasons": "  "})
    assert response.status_code == 200 and "Enter the reasons for declining" in text(response)
    funding_request.refresh_from_db()
    assert funding_request.status == RequestStatus.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            decide_url(funding_request, "decline"), {"reasons": "Needs met from the notional budget"}
        )
    assert response.status_code == 302
    funding_request.refresh_from_db()
    assert funding_request.status == RequestStatus.DECLINED
    assert funding_request.decision_reasons == "Needs met from the notional budget"
    assert mail.outbox[-1].to == [tenant.users["senco"].email] and "declined" in mail.outbox[-1].subject


def test_asking_for_information_moves_the_request_to_waiting_and_emails_the_senco(
    tenant, django_capture_on_commit_callbacks
):
    funding_request = make_request(tenant)
    client = client_for(tenant.users["area_lead"])
    assert "Enter what information you need" in text(
        client.post(decide_url(funding_request, "ask_for_information"), {"message": ""})
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            decide_url(funding_request, "ask_for_information"), {"message": "Send the speech therapist's report"}
        )
    assert response.status_code == 302
    funding_request.refresh_from_db()
    assert funding_request.status == RequestStatus.MORE_INFORMATION
    assert [m.to for m in mail.outbox] == [[tenant.users["senco"].email]]
    email = mail.outbox[0]
    assert "more information" in email.subject and tenant.pupil_1.last_name not in email.subject
    assert "Send the speech therapist's report" in email.body
    assert str(funding_request.pk) in _numbers(_queue(client, "waiting"))


def test_refer_to_the_central_panel_needs_a_reason(tenant):
    panel = f.make_panel(tenant.authority, kind=PanelKind.EXCEPTIONAL_NEEDS)
    funding_request = make_request(tenant)
    client = client_for(tenant.users["area_lead"])
    assert "Enter why the request needs the central panel" in text(
        client.post(decide_url(funding_request, "refer"), {"reason": ""})
    )
    response = client.post(decide_url(funding_request, "refer"), {"reason": "Complex medical needs"})
    assert response.status_code == 302
    funding_request.refresh_from_db()
    assert (funding_request.status, funding_request.route, funding_request.panel) == (
        RequestStatus.REFERRED, Route.EXCEPTIONAL_PANEL, panel)  # fmt: skip
    assert str(funding_request.pk) in _numbers(_queue(client, "decided"))
    closed = client.get(decide_url(funding_request, "approve"))
    assert closed.status_code == 200 and "It has gone to the Complex and exceptional needs panel" in text(closed)


def test_refer_without_a_central_panel_says_so(tenant):
    funding_request = make_request(tenant)
    response = client_for(tenant.users["area_lead"]).post(decide_url(funding_request, "refer"), {"reason": "Complex"})
    assert response.status_code == 200 and "no complex and exceptional needs panel" in text(response)


def test_a_decided_request_cannot_be_decided_again(tenant, pot):
    funding_request = make_request(tenant, status=RequestStatus.APPROVED, decided_days_ago=1)
    client = client_for(tenant.users["area_lead"])
    page = client.get(decide_url(funding_request, "approve"))
    assert page.status_code == 200 and "A request that is approved cannot be approved" in text(page)
    response = client.post(decide_url(funding_request, "approve"), approve_data(funding_request))
    assert response.status_code == 200
    assert not LedgerEntry.objects.filter(funding_request=funding_request).exists()


def test_a_different_band_needs_a_reason(tenant, pot):
    from funding.banding_models import Band

    low = Band.objects.create(local_authority=tenant.authority, name="Band A", min_score=0, annual_tariff=D("1000"))
    high = Band.objects.create(local_authority=tenant.authority, name="Band B", min_score=10, annual_tariff=D("3000"))
    funding_request = make_request(tenant, indicative_band=low)
    client = client_for(tenant.users["area_lead"])
    form = client.get(decide_url(funding_request, "approve")).content.decode()
    assert f'<option value="{low.pk}" selected>' in form
    data = {**approve_data(funding_request), "band": str(high.pk), "band_reason": ""}
    response = client.post(decide_url(funding_request, "approve"), data)
    assert "Enter why you set a different band" in text(response)
    assert not LedgerEntry.objects.filter(funding_request=funding_request).exists()
    data["band_reason"] = "Needs are higher than the scores show"
    assert client.post(decide_url(funding_request, "approve"), data).status_code == 302
    funding_request.refresh_from_db()
    assert funding_request.decided_band == high


def test_an_approval_across_two_financial_years_draws_on_each_years_pot(tenant, pot):
    next_year = datetime.date(YEAR.year + 1, 4, 1)
    next_pot = f.make_budget(tenant.authority, locality=tenant.locality_1, year_start=next_year, amount="5000.00")
    start, end = next_year - datetime.timedelta(days=61), next_year + datetime.timedelta(days=60)  # 61 + 61 days
    funding_request = make_request(tenant, amount="1220.00", period_start=start, period_end=end)
    client = client_for(tenant.users["area_lead"])
    form = text(client.get(decide_url(funding_request, "approve")))
    assert f"{pot} £10,000.00 £0.00 £0.00 £10,000.00" in form  # budget, committed, paid, available
    assert f"{next_pot} £5,000.00 £0.00 £0.00 £5,000.00" in form
    assert client.post(decide_url(funding_request, "approve"), approve_data(funding_request)).status_code == 302
    assert (balance_of(pot).committed, balance_of(next_pot).committed) == (D("610.00"), D("610.00"))
    this_year_page = text(client.get(reverse("funding:dashboard")))
    next_year_page = text(client.get(reverse("funding:dashboard"), {"year": next_year.year}))
    assert "Committed £610.00 Paid £0.00 Available £9,390.00" in this_year_page
    assert "Committed £610.00 Paid £0.00 Available £4,390.00" in next_year_page


def test_an_approval_needing_a_pot_that_does_not_exist_says_so_and_writes_nothing(tenant, pot):
    next_year = datetime.date(YEAR.year + 1, 4, 1)
    funding_request = make_request(
        tenant, period_start=next_year - datetime.timedelta(days=30), period_end=next_year + datetime.timedelta(days=30)
    )
    response = client_for(tenant.users["area_lead"]).post(
        decide_url(funding_request, "approve"), approve_data(funding_request)
    )
    assert "No locality budget is set for the financial year starting 1 April" in text(response)
    assert not LedgerEntry.objects.filter(funding_request=funding_request).exists()
