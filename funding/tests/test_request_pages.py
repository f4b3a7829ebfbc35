"""The school's side of funding requests, as a SENCO uses it: the list, the draft form, the request page
and the actions on it (submit, withdraw, answer), with who may open each page."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from accounts.models import Role
from audit.models import AuditEvent
from funding import services
from funding.models import FundingRequest, RequestEvent, RequestStatus, Route
from funding.request_selectors import working_days_between
from funding.years import financial_year_start
from pupils.tests.casework import add_outcome, completed_cycles, scope_of
from tests import factories as f
from tests.fixtures import client_for

D = Decimal
TODAY = datetime.date.today()
YEAR_START = financial_year_start(TODAY)


@pytest.fixture
def pot(tenant):
    return f.make_budget(
        tenant.authority, locality=tenant.locality_1, amount="10000.00", actor=tenant.users["la_officer"]
    )


def _date(prefix, day):
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def form_data(who, **overrides):
    """What a SENCO types into the draft form; `who` is a pupil or the select's raw value."""
    start = overrides.pop("period_start", YEAR_START)
    end = overrides.pop("period_end", YEAR_START + datetime.timedelta(days=180))
    data = {
        "pupil": str(getattr(who, "pk", who)),
        "amount_requested": "2400.00",
        **_date("period_start", start),
        **_date("period_end", end),
        "purpose": "Speech and language therapy, 2 hours a week",
        "outcomes_served": "Speaks in class",
    }
    data.update(overrides)
    return data


def create_draft(tenant, client=None, pupil=None, **overrides):
    client = client or client_for(tenant.users["senco"])
    response = client.post(reverse("funding:request-add"), form_data(pupil or tenant.pupil_1, **overrides))
    assert response.status_code == 302, response.content.decode()
    return FundingRequest.objects.latest("pk")


def act(user, funding_request, action, **data):
    return services.request_transition(
        actor=user, scope=scope_of(user), request_id=funding_request.pk, action=action, **data
    )


def text(response):
    """The page's visible words, tags removed, whitespace collapsed (for asserting on what a user reads)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def detail(client, funding_request):
    response = client.get(reverse("funding:request-detail", args=[funding_request.pk]))
    assert response.status_code == 200
    return response


# The draft form -----------------------------------------------------------------------------------------


def test_the_form_offers_only_the_senco_s_own_register_and_preselects_the_pupil_asked_for(tenant):
    off_register = f.make_pupil(tenant.school_1, on_register=False, removed_on=TODAY, removal_reason="Moved away")
    client = client_for(tenant.users["senco"])
    page = client.get(reverse("funding:request-add"), {"pupil": tenant.pupil_1.pk}).content.decode()
    assert f'<option value="{tenant.pupil_1.pk}" selected>' in page
    assert tenant.pupil_2.last_name not in page and tenant.pupil_3.last_name not in page
    assert off_register.last_name not in page
    # Another school's pupil in the query string is neither offered nor preselected.
    page = client.get(reverse("funding:request-add"), {"pupil": tenant.pupil_2.pk}).content.decode()
    assert f'<option value="{tenant.pupil_2.pk}"' not in page and '<option value="" selected>' in page
    assert tenant.pupil_2.last_name not in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"amount_requested": "0"}, "amount_requested", "The amount must be more than £0"),
        ({"amount_requested": "-1"}, "amount_requested", "The amount must be more than £0"),
        ({"amount_requested": "lots"}, "amount_requested", "Enter the amount, like 2400.00"),
        ({"amount_requested": "10.555"}, "amount_requested", "The amount can only have pounds and pence"),
        ({"amount_requested": "2000000"}, "amount_requested", "The amount must be £1,000,000 or less"),
        ({"amount_requested": ""}, "amount_requested", "Enter the amount you are asking for"),
        ({"period_end": YEAR_START - datetime.timedelta(days=1)}, "period_end", "The end date must be the same as or after the start date"),
        ({"period_start": YEAR_START - datetime.timedelta(days=400), "period_end": YEAR_START - datetime.timedelta(days=100)},
         "period_start", "this financial year or the next"),
        ({"period_start": YEAR_START + datetime.timedelta(days=800), "period_end": YEAR_START + datetime.timedelta(days=900)},
         "period_start", "this financial year or the next"),
        ({"period_end": YEAR_START + datetime.timedelta(days=400)}, "period_end", "The period can be a year at most"),
        ({"period_start_0": "31", "period_start_1": "2"}, "period_start", "The start date must be a real date"),
        ({"purpose": "   "}, "purpose", "Enter what the money will buy"),
        ({"outcomes_served": ""}, "outcomes_served", "Enter the outcomes the money will help the pupil achieve"),
        ({"pupil": ""}, "pupil", "Select the pupil the funding is for"),
    ],
)  # fmt: skip
def test_bad_input_shows_a_specific_error_on_its_field_and_saves_nothing(tenant, overrides, field, message):
    client = client_for(tenant.users["senco"])
    data = form_data(tenant.pupil_1, **overrides)
    response = client.post(reverse("funding:request-add"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "There is a problem" in page
    anchor = f"id_{field}_0" if field.startswith("period") else f"id_{field}"
    assert f'<a href="#{anchor}">' in page  # the summary links to the field
    assert message in page.split(f'id="id_{field}-error"')[1].split("</p>")[0]
    assert not FundingRequest.objects.exists()
    assert not AuditEvent.objects.filter(action="request_draft_saved").exists()


def test_a_single_day_is_a_period_and_can_be_submitted_and_approved(tenant, pot):
    """A one-off visit or assessment: it starts and ends on the same day."""
    funding_request = create_draft(tenant, period_start=YEAR_START, period_end=YEAR_START, amount_requested="350")
    assert (funding_request.period_start, funding_request.period_end) == (YEAR_START, YEAR_START)
    act(tenant.users["senco"], funding_request, "submit")
    act(tenant.users["area_lead"], funding_request, "approve", amount=D("350"), start=YEAR_START, end=YEAR_START)
    funding_request.refresh_from_db()
    assert funding_request.status == RequestStatus.APPROVED
    assert "1 April" in text(detail(client_for(tenant.users["senco"]), funding_request)).split("Period")[1][:40]


def test_another_school_s_pupil_posted_by_hand_is_refused(tenant):
    client = client_for(tenant.users["senco"])
    response = client.post(reverse("funding:request-add"), form_data(tenant.pupil_2))
    assert response.status_code == 200
    assert "Select a pupil on your school&#x27;s SEN register" in response.content.decode()
    assert not FundingRequest.objects.exists()


def test_a_draft_is_saved_shown_and_changed(tenant, pot):
    client = client_for(tenant.users["senco"])
    response = client.post(
        reverse("funding:request-add"), form_data(tenant.pupil_1, amount_requested="£2,400.50", is_exceptional="")
    )
    funding_request = FundingRequest.objects.get()
    assert response.url == reverse("funding:request-detail", args=[funding_request.pk])
    assert funding_request.status == RequestStatus.DRAFT and funding_request.amount_requested == D("2400.50")
    assert funding_request.school == tenant.school_1 and funding_request.created_by == tenant.users["senco"]
    page = text(client.get(response.url))
    assert "Draft saved" in page and "Draft" in page and "£2,400.50" in page
    assert tenant.pupil_1.full_name in page
    assert "Not submitted yet: it would go to Locality funding (Area SEND Lead)" in page
    assert "Eligible" in page and "They are checked again when the request is submitted" in page
    assert "This is what will be attached when the request is submitted" in page

    edit_url = reverse("funding:request-edit", args=[funding_request.pk])
    form = client.get(edit_url).content.decode()
    assert 'value="2400.50"' in form and "Speech and language therapy, 2 hours a week</textarea>" in form
    assert f'<option value="{tenant.pupil_1.pk}" selected>' in form
    response = client.post(edit_url, form_data(tenant.pupil_1, amount_requested="3000", purpose="A laptop"))
    assert response.status_code == 302
    funding_request.refresh_from_db()
    assert funding_request.amount_requested == D("3000.00") and funding_request.purpose == "A laptop"
    assert FundingRequest.objects.count() == 1


def test_changing_a_draft_with_bad_input_keeps_the_draft_as_it_was(tenant, pot):
    funding_request = create_draft(tenant)
    client = client_for(tenant.users["senco"])
    response = client.post(
        reverse("funding:request-edit", args=[funding_request.pk]), form_data(tenant.pupil_1, amount_requested="0")
    )
    assert response.status_code == 200 and "The amount must be more than £0" in response.content.decode()
    funding_request.refresh_from_db()
    assert funding_request.amount_requested == D("2400.00")


def test_a_submitted_request_cannot_be_changed(tenant, pot):
    funding_request = create_draft(tenant)
    act(tenant.users["senco"], funding_request, "submit")
    client = client_for(tenant.users["senco"])
    edit_url = reverse("funding:request-edit", args=[funding_request.pk])
    assert client.get(edit_url).url == reverse("funding:request-detail", args=[funding_request.pk])
    response = client.post(edit_url, form_data(tenant.pupil_1, amount_requested="1.00"))
    assert response.status_code == 200
    assert "Only a draft can be changed; this request has been submitted" in response.content.decode()
    funding_request.refresh_from_db()
    assert funding_request.amount_requested == D("2400.00")
    assert "Change<span" not in detail(client, funding_request).content.decode()


def test_a_group_intervention_can_be_asked_for(tenant, pot):
    from pupils.models import GroupIntervention

    group = GroupIntervention.objects.create(
        local_authority=tenant.authority, school=tenant.school_1, name="Lego therapy", delivered_by="ta",
        fixed_cost=D("500.00"),
    )  # fmt: skip
    group.pupils.add(tenant.pupil_1)
    client = client_for(tenant.users["senco"])
    assert f'<option value="group-{group.pk}">Group intervention: Lego therapy</option>' in (
        client.get(reverse("funding:request-add")).content.decode()
    )
    funding_request = create_draft(tenant, client, pupil=f"group-{group.pk}")
    assert funding_request.group_intervention == group and funding_request.pupil is None
    page = text(detail(client, funding_request))
    assert "Group intervention: Lego therapy" in page and "Pupils taking part 1" in page


# Submit, withdraw, answer -------------------------------------------------------------------------------


def test_create_then_submit_routes_it_and_attaches_the_casework(tenant, pot, django_capture_on_commit_callbacks):
    senco = tenant.users["senco"]
    cycle = completed_cycles(senco, tenant.pupil_1, 2, provision_cost="7000.00")
    add_outcome(cycle, "Join in a group conversation")
    client = client_for(senco)
    funding_request = create_draft(tenant, client, purpose="<script>alert(1)</script>")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("funding:request-submit", args=[funding_request.pk]))
    assert response.status_code == 302
    funding_request.refresh_from_db()
    assert funding_request.status == RequestStatus.SUBMITTED and funding_request.route == Route.LOCALITY
    response = client.get(response.url)
    page, words = response.content.decode(), text(response)
    assert "Request submitted" in words and "Submitted" in words
    assert "Locality funding (Area SEND Lead)" in words
    assert f"Eligible Nothing in {tenant.authority.name}'s scheme rules stops this request." in words
    assert "Join in a group conversation" in words  # the current cycle's outcomes
    assert "Cycles completed 2" in words
    assert "£7,000.00" in words and "£6,000.00" in words and "£1,000.00" in words  # total, threshold, above
    assert "As the record stood when the request was submitted" in words
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert "Draft to submitted" in words and tenant.users["senco"].full_name in words
    assert "Submit request" not in words  # done; it can still be withdrawn
    assert "Withdraw this request" in words


def test_submitting_shows_the_scheme_s_eligibility_reasons(tenant, pot):
    tenant.authority.early_adopter_schools_only = True
    tenant.authority.save()
    client = client_for(tenant.users["senco"])
    funding_request = create_draft(tenant, client)
    client.post(reverse("funding:request-submit", args=[funding_request.pk]))
    words = text(detail(client, funding_request))
    assert f"{tenant.school_1.name} is an early-adopter mainstream school in the scheme." in words


def test_a_croydon_refusal_is_shown_and_the_request_stays_a_draft(tenant, pot):
    from pupils.models import NeedType

    tenant.authority.ehcp_issued_before_excluded = datetime.date(2020, 11, 1)
    tenant.authority.save()
    pupil = f.make_pupil(tenant.school_1, sen_status="E", ehcp_issued_on=datetime.date(2019, 3, 1),
                         primary_need=NeedType.objects.get(code="ASD"))  # fmt: skip
    client = client_for(tenant.users["senco"])
    funding_request = create_draft(tenant, client, pupil=pupil)
    # The draft already says why, before anyone presses Submit.
    assert "before 1 November 2020" in text(detail(client, funding_request))
    response = client.post(reverse("funding:request-submit", args=[funding_request.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: " in page
    summary = text(response).split("There is a problem")[1].split("Funding request")[0]
    assert "This request cannot be submitted:" in summary
    assert "The pupil's EHC plan was issued on 1 March 2019, before 1 November 2020" in summary.replace("&#x27;", "'")
    funding_request.refresh_from_db()
    assert funding_request.status == RequestStatus.DRAFT and funding_request.submitted_at is None
    assert funding_request.eligibility == {} and funding_request.snapshot == {}
    assert not RequestEvent.objects.exists()


def test_withdraw_with_a_reason(tenant, pot):
    client = client_for(tenant.users["senco"])
    funding_request = create_draft(tenant, client)
    client.post(reverse("funding:request-submit", args=[funding_request.pk]))
    response = client.post(
        reverse("funding:request-withdraw", args=[funding_request.pk]), {"reason": "The family moved away"}
    )
    assert response.status_code == 302
    funding_request.refresh_from_db()
    assert funding_request.status == RequestStatus.WITHDRAWN
    words = text(client.get(response.url))
    assert "Request withdrawn" in words and "Withdrawn by the school on" in words
    assert "The family moved away" in words and "Submitted to withdrawn" in words
    assert "There is nothing for you to do on this request." in words
    # Withdrawing again is refused on the page with the reason, and nothing is written.
    response = client.post(reverse("funding:request-withdraw", args=[funding_request.pk]), {"reason": ""})
    assert response.status_code == 200
    assert "A request that is withdrawn cannot be withdrawn" in response.content.decode()
    assert funding_request.events.count() == 2


def test_answer_after_the_area_send_lead_asks(tenant, pot, django_capture_on_commit_callbacks):
    client = client_for(tenant.users["senco"])
    funding_request = create_draft(tenant, client)
    answer_url = reverse("funding:request-answer", args=[funding_request.pk])
    # Before anyone asked, there is nothing to answer.
    client.post(reverse("funding:request-submit", args=[funding_request.pk]))
    response = client.post(answer_url, {"message": "Here it is"})
    assert response.status_code == 200
    assert "A request that is submitted cannot be answered" in response.content.decode()

    act(tenant.users["area_lead"], funding_request, "ask_for_information", message="Send the SALT report please")
    words = text(detail(client, funding_request))
    assert "Waiting for more information" in words
    assert f"{tenant.users['area_lead'].full_name} asked for more information" in words
    assert "Send the SALT report please" in words and "Send the information" in words

    response = client.post(answer_url, {"message": "   "})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: " in page and '<a href="#id_message">Enter the information asked for</a>' in page
    funding_request.refresh_from_db()
    assert funding_request.status == RequestStatus.MORE_INFORMATION and funding_request.events.count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(answer_url, {"message": "The report is attached to the cycle"})
    assert response.status_code == 302
    funding_request.refresh_from_db()
    assert funding_request.status == RequestStatus.SUBMITTED
    words = text(client.get(response.url))
    assert "Your answer has been sent" in words and "The report is attached to the cycle" in words
    assert "Waiting for more information to submitted" in words


def test_the_area_send_lead_sees_their_decisions_but_not_the_school_s_buttons(tenant, pot):
    funding_request = create_draft(tenant)
    act(tenant.users["senco"], funding_request, "submit")
    response = detail(client_for(tenant.users["area_lead"]), funding_request)
    words = text(response)
    try:  # the decision page is built separately: the links appear once its URL exists
        decide_url = reverse("funding:request-decide", args=[funding_request.pk])
    except NoReverseMatch:
        assert (
            "You decide this request: ask for more information, approve, decline, refer to the central panel." in words
        )
    else:
        page = response.content.decode()
        for action in ("ask_for_information", "approve", "decline", "refer"):
            assert f'href="{decide_url}?action={action}"' in page
        assert "Ask for more information Approve Decline Refer to the central panel" in words
    assert "Submit request" not in words and "Withdraw this request" not in words
    assert tenant.pupil_1.full_name in words  # the lead may read the pupils of their locality
    # The LA officer reads it but has nothing to do.
    words = text(detail(client_for(tenant.users["la_officer"]), funding_request))
    assert "There is nothing for you to do on this request." in words


def test_an_approved_request_shows_the_decision(tenant, pot):
    funding_request = create_draft(tenant)
    act(tenant.users["senco"], funding_request, "submit")
    act(tenant.users["area_lead"], funding_request, "approve", amount=D("2000.00"),
        start=funding_request.period_start, end=funding_request.period_end, conditions="A termly report")  # fmt: skip
    words = text(detail(client_for(tenant.users["senco"]), funding_request))
    assert "£2,000.00 (in part)" in words and "A termly report" in words
    assert f"by {tenant.users['area_lead'].full_name}" in words


def test_a_declined_request_shows_the_reasons(tenant, pot):
    funding_request = create_draft(tenant)
    act(tenant.users["senco"], funding_request, "submit")
    act(tenant.users["area_lead"], funding_request, "decline", reasons="The provision map does not support it")
    words = text(detail(client_for(tenant.users["senco"]), funding_request))
    assert "Declined because The provision map does not support it" in words


def test_finance_officers_see_the_money_but_not_the_pupil(tenant, pot):
    senco = tenant.users["senco"]
    add_outcome(completed_cycles(senco, tenant.pupil_1, 1, provision_cost="7000.00"), "Private outcome words")
    funding_request = create_draft(tenant)
    act(senco, funding_request, "submit")
    client = client_for(tenant.users["finance_officer"])
    words = text(detail(client, funding_request))
    assert f"Pupil reference {tenant.pupil_1.pk}" in words and tenant.pupil_1.last_name not in words
    assert "Private outcome words" not in words and "£7,000.00" in words
    listing = text(client.get(reverse("funding:request-list")))
    assert f"Pupil reference {tenant.pupil_1.pk}" in listing and tenant.pupil_1.last_name not in listing


def test_every_view_of_a_request_page_is_audited(tenant, pot):
    funding_request = create_draft(tenant)
    act(tenant.users["senco"], funding_request, "submit")
    detail(client_for(tenant.users["la_officer"]), funding_request)
    event = AuditEvent.objects.get(action="request_viewed")
    assert event.actor == tenant.users["la_officer"] and event.object_id == str(funding_request.pk)
    assert tenant.pupil_1.last_name not in event.summary


# The list -----------------------------------------------------------------------------------------------


def test_the_list_shows_what_the_user_may_see_newest_first_with_a_count_and_a_status_filter(tenant, pot):
    senco = tenant.users["senco"]
    older = create_draft(tenant)
    newer = create_draft(tenant, amount_requested="999.00")
    act(senco, newer, "submit")
    other_senco = f.make_user(tenant.authority, Role.SENCO, school=tenant.school_3)
    elsewhere = create_draft(tenant, client_for(other_senco), pupil=tenant.pupil_3)

    words = text(client_for(senco).get(reverse("funding:request-list")))
    assert "2 requests" in words and tenant.school_3.name not in words
    assert words.index("£999.00") < words.index("£2,400.00")  # newest first
    assert f"{tenant.pupil_1.full_name} : funding request {newer.pk}" in words
    assert "Locality funding (Area SEND Lead)" in words and "Not submitted yet" in words

    words = text(client_for(senco).get(reverse("funding:request-list"), {"status": "submitted"}))
    assert "1 request" in words and "£999.00" in words and "£2,400.00" not in words
    words = text(client_for(senco).get(reverse("funding:request-list"), {"status": "nonsense"}))
    assert "2 requests" in words

    # The Area SEND Lead of locality 1 sees the submitted one only: drafts are the school's own.
    words = text(client_for(tenant.users["area_lead"]).get(reverse("funding:request-list")))
    assert "1 request" in words and "£999.00" in words
    # So do LA and finance officers: the two drafts, this school's and the other's, are not theirs to read.
    for role in ("la_officer", "finance_officer"):
        words = text(client_for(tenant.users[role]).get(reverse("funding:request-list")))
        assert "1 request" in words and f"funding request {newer.pk}" in words
        assert f"funding request {older.pk}" not in words and f"funding request {elsewhere.pk}" not in words
        assert tenant.school_3.name not in words


def test_days_waiting_counts_working_days_for_open_requests(tenant, pot):
    funding_request = create_draft(tenant)
    funding_request = act(tenant.users["senco"], funding_request, "submit")
    # Submitted three weeks ago (15 working days).
    submitted = funding_request.submitted_at - datetime.timedelta(days=21)
    FundingRequest.objects.filter(pk=funding_request.pk).update(submitted_at=submitted)
    words = text(client_for(tenant.users["senco"]).get(reverse("funding:request-list")))
    assert "15 Over 10" in words


def test_working_days_between():
    monday = datetime.date(2025, 6, 2)
    assert working_days_between(monday, monday) == 0
    assert working_days_between(monday, monday + datetime.timedelta(days=1)) == 1
    assert working_days_between(monday, monday + datetime.timedelta(days=6)) == 4  # Friday, then the weekend
    assert working_days_between(monday, monday + datetime.timedelta(days=7)) == 5
    assert working_days_between(monday - datetime.timedelta(days=2), monday) == 1  # Saturday to Monday
    assert working_days_between(monday, monday - datetime.timedelta(days=3)) == 0


def _list_queries(client, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("funding:request-list"), params or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["senco", "area_lead", "la_officer", "finance_officer"])
def test_the_list_runs_the_same_queries_at_1_and_20_rows(tenant, pot, role):
    """4 before the view (session, user, memberships, roles) + the count + one page of rows."""
    senco = tenant.users["senco"]
    act(senco, create_draft(tenant), "submit")
    client = client_for(tenant.users[role])
    few = _list_queries(client)
    for _ in range(19):
        act(senco, create_draft(tenant), "submit")
    many = _list_queries(client)
    assert few == many == 6, (few, many)
    assert _list_queries(client, {"status": "submitted"}) == 6


def test_the_list_pages_at_25(tenant, pot):
    for _ in range(26):
        create_draft(tenant)
    client = client_for(tenant.users["senco"])
    words = text(client.get(reverse("funding:request-list")))
    assert "26 requests" in words and "Page 1 of 2" in words
    assert "Page 2 of 2" in text(client.get(reverse("funding:request-list"), {"page": 2}))


# Who may open each page ---------------------------------------------------------------------------------

OK, FOUND, FORBIDDEN, NOT_FOUND = 200, 302, 403, 404
ROLES = ["senco", "senco_other_school", "area_lead", "area_lead_other_locality", "la_officer", "finance_officer",
         "panel_member", "specialist"]  # fmt: skip

# page -> (method, url builder, {role: status}); every role is listed for every page.
MATRIX = {
    "list": ("get", lambda r: reverse("funding:request-list"), {
        "senco": OK, "senco_other_school": OK, "area_lead": OK, "area_lead_other_locality": OK, "la_officer": OK,
        "finance_officer": OK, "panel_member": OK, "specialist": FORBIDDEN}),
    "add": ("get", lambda r: reverse("funding:request-add"), {
        "senco": OK, "senco_other_school": OK, "area_lead": FORBIDDEN, "area_lead_other_locality": FORBIDDEN,
        "la_officer": FORBIDDEN, "finance_officer": FORBIDDEN, "panel_member": FORBIDDEN, "specialist": FORBIDDEN}),
    # A draft is the school's own until it is submitted: nobody else finds it, whatever their role.
    "draft": ("get", lambda r: reverse("funding:request-detail", args=[r["draft"].pk]), {
        "senco": OK, "senco_other_school": NOT_FOUND, "area_lead": NOT_FOUND, "area_lead_other_locality": NOT_FOUND,
        "la_officer": NOT_FOUND, "finance_officer": NOT_FOUND, "panel_member": NOT_FOUND, "specialist": FORBIDDEN}),
    "submitted": ("get", lambda r: reverse("funding:request-detail", args=[r["submitted"].pk]), {
        "senco": OK, "senco_other_school": NOT_FOUND, "area_lead": OK, "area_lead_other_locality": NOT_FOUND,
        "la_officer": OK, "finance_officer": OK, "panel_member": NOT_FOUND, "specialist": FORBIDDEN}),
    "on the panel's agenda": ("get", lambda r: reverse("funding:request-detail", args=[r["top_up"].pk]), {
        "senco": OK, "senco_other_school": NOT_FOUND, "area_lead": OK, "area_lead_other_locality": NOT_FOUND,
        "la_officer": OK, "finance_officer": OK, "panel_member": OK, "specialist": FORBIDDEN}),
    # Routed to the panel but on no agenda whose papers are out: the panel's members do not see it yet.
    "with the panel, on no agenda": ("get", lambda r: reverse("funding:request-detail", args=[r["waiting"].pk]), {
        "senco": OK, "senco_other_school": NOT_FOUND, "area_lead": OK, "area_lead_other_locality": NOT_FOUND,
        "la_officer": OK, "finance_officer": OK, "panel_member": NOT_FOUND, "specialist": FORBIDDEN}),
    "edit draft": ("get", lambda r: reverse("funding:request-edit", args=[r["draft"].pk]), {
        "senco": OK, "senco_other_school": NOT_FOUND, "area_lead": FORBIDDEN, "area_lead_other_locality": FORBIDDEN,
        "la_officer": FORBIDDEN, "finance_officer": FORBIDDEN, "panel_member": FORBIDDEN, "specialist": FORBIDDEN}),
    "submit": ("post", lambda r: reverse("funding:request-submit", args=[r["draft"].pk]), {
        "senco": FOUND, "senco_other_school": NOT_FOUND, "area_lead": FORBIDDEN, "area_lead_other_locality": FORBIDDEN,
        "la_officer": FORBIDDEN, "finance_officer": FORBIDDEN, "panel_member": FORBIDDEN, "specialist": FORBIDDEN}),
    "withdraw": ("post", lambda r: reverse("funding:request-withdraw", args=[r["submitted"].pk]), {
        "senco": FOUND, "senco_other_school": NOT_FOUND, "area_lead": FORBIDDEN, "area_lead_other_locality": FORBIDDEN,
        "la_officer": FORBIDDEN, "finance_officer": FORBIDDEN, "panel_member": FORBIDDEN, "specialist": FORBIDDEN}),
    "answer": ("post", lambda r: reverse("funding:request-answer", args=[r["asked"].pk]), {
        "senco": FOUND, "senco_other_school": NOT_FOUND, "area_lead": FORBIDDEN, "area_lead_other_locality": FORBIDDEN,
        "la_officer": FORBIDDEN, "finance_officer": FORBIDDEN, "panel_member": FORBIDDEN, "specialist": FORBIDDEN}),
}  # fmt: skip

CASES = [(page, role, status) for page, (_, _, expected) in MATRIX.items() for role, status in expected.items()]


def _users(tenant):
    return {
        **tenant.users,
        "senco_other_school": f.make_user(tenant.authority, Role.SENCO, school=tenant.school_2),
        "area_lead_other_locality": f.make_user(tenant.authority, Role.AREA_SEND_LEAD, locality=tenant.locality_2),
    }


def _requests(tenant):
    senco = tenant.users["senco"]
    requests = {"draft": create_draft(tenant), "submitted": create_draft(tenant), "asked": create_draft(tenant)}
    act(senco, requests["submitted"], "submit")
    act(senco, requests["asked"], "submit")
    act(tenant.users["area_lead"], requests["asked"], "ask_for_information", message="Which therapist?")
    top_up = create_draft(tenant)
    act(senco, top_up, "submit")
    FundingRequest.objects.filter(pk=top_up.pk).update(route=Route.TOP_UP_PANEL, panel=tenant.panel)
    requests["top_up"] = top_up
    f.place_on_agenda(f.make_meeting(tenant.panel), top_up)
    waiting = create_draft(tenant)
    act(senco, waiting, "submit")
    FundingRequest.objects.filter(pk=waiting.pk).update(route=Route.TOP_UP_PANEL, panel=tenant.panel)
    f.place_on_agenda(f.make_meeting(tenant.panel, status="scheduled"), waiting)
    requests["waiting"] = waiting
    return requests


def test_the_matrix_lists_every_role_for_every_page():
    assert all(set(expected) == set(ROLES) for _, _, expected in MATRIX.values())


@pytest.mark.parametrize(("page", "role", "expected"), CASES, ids=[f"{p}-{r}" for p, r, _ in CASES])
def test_permission_matrix(tenant, pot, page, role, expected):
    requests = _requests(tenant)
    method, url, _ = MATRIX[page]
    client = client_for(_users(tenant)[role])
    data = {"message": "The therapist is Ms Khan"} if page == "answer" else {}
    events = RequestEvent.objects.count()
    response = getattr(client, method)(url(requests), data)
    assert response.status_code == expected
    assert RequestEvent.objects.count() == events + (1 if expected == FOUND else 0)


@pytest.mark.parametrize("role", ["senco", "area_lead", "la_officer", "finance_officer", "panel_member", "specialist"])
def test_another_tenant_s_requests_are_not_found(world, role):
    f.make_budget(world.a.authority, locality=world.a.locality_1, amount="10000.00")
    requests = _requests(world.a)
    client = client_for(world.b.users[role])
    readers_pages = {"draft", "submitted", "on the panel's agenda", "with the panel, on no agenda"}
    for page, (method, url, _) in MATRIX.items():
        if page in ("list", "add"):
            continue
        response = getattr(client, method)(url(requests), {"message": "x"})
        # A role without the page at all is refused before any lookup; with it, the request is simply not there.
        has_page = role != "specialist" if page in readers_pages else role == "senco"
        assert response.status_code == (NOT_FOUND if has_page else FORBIDDEN), page
    words = text(client.get(reverse("funding:request-list")))
    assert role == "specialist" or "0 requests" in words
    assert set(FundingRequest.objects.values_list("status", flat=True)) == {"draft", "submitted", "more_info"}


def test_signed_out_visitors_are_sent_to_sign_in(tenant, pot, client):
    requests = _requests(tenant)
    for method, url, _ in MATRIX.values():
        response = getattr(client, method)(url(requests))
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:sign-in"))


def test_action_urls_only_take_posts(tenant, pot):
    requests = _requests(tenant)
    client = client_for(tenant.users["senco"])
    for name in ("funding:request-submit", "funding:request-withdraw", "funding:request-answer"):
        assert client.get(reverse(name, args=[requests["draft"].pk])).status_code == 405


def test_finance_officers_do_not_see_outcomes_or_messages_about_the_child(tenant, pot):
    funding_request = create_draft(tenant)
    act(tenant.users["senco"], funding_request, "submit")
    FundingRequest.objects.filter(pk=funding_request.pk).update(outcomes_served="Private outcome about the child")
    from funding import services
    from pupils.tests.casework import scope_of

    lead = tenant.users["area_lead"]
    services.request_transition(
        actor=lead,
        scope=scope_of(lead),
        request_id=funding_request.pk,
        action="ask_for_information",
        message="Private question about the child",
    )
    finance = text(detail(client_for(tenant.users["finance_officer"]), funding_request))
    assert "Private outcome about the child" not in finance and "Private question about the child" not in finance
    officer = text(detail(client_for(tenant.users["la_officer"]), funding_request))
    assert "Private outcome about the child" in officer and "Private question about the child" in officer
