"""Panel pages as their users use them: the LA officer builds the agenda and issues the papers, members
declare conflicts and recommend, the chair records attendance and decisions, the school sees the decision
and asks for a review. And who may see what."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from funding.models import FundingRequest, RequestStatus
from panels import services
from panels.models import ConflictOfInterest, PanelDecision, PanelMeeting, Recommendation
from panels.tests.scenario import build, issued_meeting, item_of, referred_request, schedule, start_meeting
from pupils.tests.casework import scope_of
from tests import factories as f
from tests.fixtures import build_tenant, client_for

D = Decimal


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def pw(tenant):
    return build(tenant)


def _date(prefix, day):
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


# The LA officer's journey ---------------------------------------------------------------------------------


def test_la_officer_builds_the_agenda_and_issues_the_papers(pw):
    meeting = schedule(pw)
    client = client_for(pw.officer)
    page = text(client.get(reverse("panels:agenda", args=[meeting.pk])))
    assert "Waiting for this panel" in page and f"Funding request {pw.requests[0].pk}" in page
    response = client.post(reverse("panels:agenda", args=[meeting.pk]), {"requests": [pw.requests[1].pk]}, follow=True)
    assert "1 case added to the agenda" in text(response)
    client.post(reverse("panels:agenda-add-all", args=[meeting.pk]))
    items = list(meeting.items.order_by("position"))
    assert [i.funding_request_id for i in items] == [pw.requests[1].pk, pw.requests[0].pk]
    client.post(reverse("panels:agenda-move", args=[items[1].pk, "up"]))
    assert list(meeting.items.order_by("position").values_list("funding_request_id", flat=True)) == [
        r.pk for r in pw.requests
    ]
    confirm = text(client.get(reverse("panels:papers-issue", args=[meeting.pk])))
    assert "The agenda of 2 cases is then fixed" in confirm
    page = text(client.post(reverse("panels:papers-issue", args=[meeting.pk]), follow=True))
    assert "Papers issued" in page and "Waiting to start" in page  # the pack is being built
    assert PanelMeeting.objects.get(pk=meeting.pk).status == "papers_issued"
    # The agenda page now says it is fixed and offers no buttons.
    agenda = text(client.get(reverse("panels:agenda", args=[meeting.pk])))
    assert "can no longer be changed" in agenda and "Move up" not in agenda


def test_choosing_nothing_to_add_gets_an_error_summary(pw):
    meeting = schedule(pw)
    response = client_for(pw.officer).post(reverse("panels:agenda", args=[meeting.pk]), {})
    page = response.content.decode()
    assert "<title>Error: " in page and "Select at least one request to add to the agenda" in page
    assert not meeting.items.exists()


def test_the_meeting_page_checks_the_pack_s_progress_while_it_builds(pw):
    meeting = issued_meeting(pw)
    response = client_for(pw.officer).get(reverse("panels:meeting-detail", args=[meeting.pk]))
    page = response.content.decode()
    assert "<progress" in page and 'data-refresh-seconds="3"' in page  # a script checks it in place
    assert "Check whether the papers are ready" in page  # and a link does without JavaScript
    assert '<meta http-equiv="refresh"' not in page  # no timed reload of the page (WCAG 2.2.1)
    assert response["Cache-Control"] == "no-store"


# Members ------------------------------------------------------------------------------------------------


def test_members_see_the_agenda_only_once_the_papers_are_issued(pw):
    meeting = schedule(pw)
    services.agenda_add_all_waiting(actor=pw.officer, scope=scope_of(pw.officer), meeting_id=meeting.pk)
    member = client_for(pw.members[1])
    page = text(member.get(reverse("panels:meeting-detail", args=[meeting.pk])))
    assert "No cases are on the agenda yet" in page and "papers have not been issued" in page
    assert member.get(reverse("funding:request-detail", args=[pw.requests[0].pk])).status_code == 404
    services.papers_issue(actor=pw.officer, scope=scope_of(pw.officer), meeting_id=meeting.pk)
    page = text(member.get(reverse("panels:meeting-detail", args=[meeting.pk])))
    assert "Case 1" in page and pw.requests[0].school.name in page
    # Members read pupils by reference, not by name.
    assert pw.requests[0].pupil.last_name not in page and f"Pupil reference {pw.requests[0].pupil_id}" in page
    assert member.get(reverse("funding:request-detail", args=[pw.requests[0].pk])).status_code == 200


def test_a_member_declares_a_conflict_and_the_case_is_withheld_from_them(pw):
    meeting = issued_meeting(pw)
    item = item_of(pw, pw.requests[0])
    member = client_for(pw.members[1])
    empty = member.post(reverse("panels:conflict", args=[item.pk]), {"reason": ""})
    assert "Enter the reason for the conflict of interest" in empty.content.decode()
    response = member.post(reverse("panels:conflict", args=[item.pk]), {"reason": "My niece attends"}, follow=True)
    page = text(response)
    assert "Conflict of interest declared on case 1" in page
    assert "Withheld: a conflict of interest is recorded for you" in page
    assert pw.requests[0].school.name not in page.split("Case 1")[1].split("Case 2")[0]
    case_page = text(member.get(reverse("panels:case", args=[item.pk])))
    assert "A conflict of interest is recorded for you on this case" in case_page and "Funding request" not in case_page
    for name in ("panels:recommend", "panels:conflict"):
        assert member.get(reverse(name, args=[item.pk])).status_code == 404
    assert member.get(reverse("funding:request-detail", args=[pw.requests[0].pk])).status_code == 404
    assert ConflictOfInterest.objects.get().member == pw.members[1]
    assert meeting.packs.filter(excluded_items=[item.pk]).exists()


def test_the_chair_sees_recommendations_side_by_side_and_a_member_only_their_own(pw):
    issued_meeting(pw)
    item = item_of(pw, pw.requests[0])
    for member, data in [
        (pw.members[1], {"choice": "support", "comment": "Clear evidence"}),
        (pw.members[2], {"choice": "different_amount", "amount": "600", "comment": "Half the sessions"}),
    ]:
        response = client_for(member).post(reverse("panels:recommend", args=[item.pk]), data)
        assert response.status_code == 302, response.content.decode()
    chair_page = text(client_for(pw.chair).get(reverse("panels:case", args=[item.pk])))
    assert "Clear evidence" in chair_page and "Half the sessions" in chair_page and "£600.00" in chair_page
    member_page = text(client_for(pw.members[1]).get(reverse("panels:case", args=[item.pk])))
    assert "Clear evidence" in member_page and "Half the sessions" not in member_page
    bad = client_for(pw.members[3]).post(reverse("panels:recommend", args=[item.pk]), {"choice": "different_amount"})
    assert "<title>Error: " in bad.content.decode() and "Enter the amount you would support" in bad.content.decode()
    assert Recommendation.objects.count() == 2


def test_the_chair_records_attendance_and_decides_a_case_from_the_pages(pw):
    meeting = issued_meeting(pw)
    PanelMeeting.objects.filter(pk=meeting.pk).update(meets_at=timezone.now() - datetime.timedelta(hours=1))
    chair = client_for(pw.chair)
    response = chair.post(
        reverse("panels:attendance", args=[meeting.pk]), {"present": [u.pk for u in pw.members[:3]]}, follow=True
    )
    page = text(response)
    assert "Attendance recorded" in page and f"{pw.members[3].full_name}: apologies" in page
    item = item_of(pw, pw.requests[0])
    assert "Quorate" in text(chair.get(reverse("panels:case", args=[item.pk])))
    choose = text(chair.get(reverse("panels:decide", args=[item.pk])))
    assert "What has the panel decided?" in choose
    form = chair.get(reverse("panels:decide", args=[item.pk]) + "?outcome=decline")
    assert "Reasons for declining, in plain English" in text(form)
    refused = chair.post(reverse("panels:decide", args=[item.pk]) + "?outcome=decline", {"reasons": ""})
    assert "<title>Error: " in refused.content.decode() and not PanelDecision.objects.exists()
    url = reverse("panels:decide", args=[item.pk]) + "?outcome=approve_different"
    data = {
        "amount": "750",
        **_date("period_start", pw.requests[0].period_start),
        **_date("period_end", pw.requests[0].period_end),
    }
    response = chair.post(url, data, follow=True)
    assert "Decision on case 1 recorded: approve a different amount" in text(response)
    decision = PanelDecision.objects.get()
    assert decision.amount == D("750.00") and decision.decided_by == pw.chair
    # Changing it needs a reason and leaves both on the case page.
    change = reverse("panels:decision-change", args=[item.pk]) + "?outcome=decline"
    refused = chair.post(change, {"reasons": "Evidence does not show need"})
    assert "Enter why the decision is being changed" in refused.content.decode()
    chair.post(change, {"reasons": "Evidence does not show need", "correction_reason": "Vote recounted"})
    page = text(chair.get(reverse("panels:case", args=[item.pk])))
    assert "Replaced" in page and "In force" in page and "Vote recounted" in page


# The school ---------------------------------------------------------------------------------------------


def test_the_school_sees_the_panel_s_decision_and_asks_for_a_review(pw):
    start_meeting(pw)
    request = pw.requests[0]
    decision = services.decision_record(
        actor=pw.officer, scope=scope_of(pw.officer), item_id=item_of(pw, request).pk, outcome="decline",
        reasons="The provision can be met within the notional SEN budget",
    )  # fmt: skip
    senco = client_for(pw.sencos[request.school_id])
    page = text(senco.get(reverse("funding:request-detail", args=[request.pk])))
    assert "The panel's decisions" in page and "within the notional SEN budget" in page
    assert (
        reverse("panels:letter", args=[decision.pk])
        in senco.get(reverse("funding:request-detail", args=[request.pk])).content.decode()
    )
    assert "Ask for a review of the panel's decision" in page
    refused = senco.post(reverse("funding:request-review", args=[request.pk]), {"reason": ""})
    assert "Enter why you are asking for the decision to be reviewed" in refused.content.decode()
    response = senco.post(
        reverse("funding:request-review", args=[request.pk]), {"reason": "New EP report"}, follow=True
    )
    assert "You have asked for a review" in text(response)
    assert FundingRequest.objects.get(pk=request.pk).status == RequestStatus.REVIEW_REQUESTED
    # The pupil's timeline says what the panel decided.
    timeline = text(senco.get(reverse("pupils:detail", args=[request.pupil_id])))
    assert f"{pw.panel.name} decision on funding request {request.pk}: decline" in timeline


# Who may see what ---------------------------------------------------------------------------------------


@pytest.fixture
def places(pw, tenant):
    """A meeting in each state a page needs, and the people who try them."""
    meeting = start_meeting(pw)
    item = item_of(pw, pw.requests[0])
    decision = services.decision_record(
        actor=pw.officer, scope=scope_of(pw.officer), item_id=item.pk, outcome="approve"
    )
    scheduled = schedule(pw, days=14)
    other_panel = f.make_panel(tenant.authority)
    outsider = f.make_user(tenant.authority, Role.PANEL_MEMBER, panel=other_panel)
    stranger_tenant = build_tenant()
    return {"meeting": meeting, "item": item, "decision": decision, "scheduled": scheduled,
            "people": {
                "la_officer": pw.officer, "chair": pw.chair, "member": pw.members[1],
                "other_panel_member": outsider, "finance_officer": tenant.users["finance_officer"],
                "senco": pw.sencos[pw.requests[0].school_id], "senco_other_school": f.make_user(tenant.authority, Role.SENCO, school=tenant.school_3),
                "area_lead": tenant.users["area_lead"],
                "other_tenant_officer": stranger_tenant.users["la_officer"],
                "other_tenant_member": stranger_tenant.users["panel_member"],
            }}  # fmt: skip


OK, FOUND, FORBIDDEN, NOT_FOUND = 200, 302, 403, 404
PEOPLE = ["la_officer", "chair", "member", "other_panel_member", "finance_officer", "senco", "senco_other_school",
          "area_lead", "other_tenant_officer", "other_tenant_member"]  # fmt: skip

# Roles that have no panel pages at all are refused before any lookup.
NOT_PANEL_ROLES = {"senco": FORBIDDEN, "senco_other_school": FORBIDDEN, "area_lead": FORBIDDEN}
# page: (method, url(places), {person: status}); everyone not named gets the default in the last slot.
MATRIX = {
    "meeting page": ("get", lambda p: reverse("panels:meeting-detail", args=[p["meeting"].pk]),
                     {"la_officer": OK, "chair": OK, "member": OK, "finance_officer": OK, **NOT_PANEL_ROLES}, NOT_FOUND),
    "agenda": ("get", lambda p: reverse("panels:agenda", args=[p["scheduled"].pk]),
               {"la_officer": OK, "other_tenant_officer": NOT_FOUND}, FORBIDDEN),
    "add all": ("post", lambda p: reverse("panels:agenda-add-all", args=[p["scheduled"].pk]),
                {"la_officer": FOUND, "other_tenant_officer": NOT_FOUND}, FORBIDDEN),
    "issue papers": ("get", lambda p: reverse("panels:papers-issue", args=[p["scheduled"].pk]),
                     {"la_officer": OK, "other_tenant_officer": NOT_FOUND}, FORBIDDEN),
    "cancel": ("get", lambda p: reverse("panels:meeting-cancel", args=[p["scheduled"].pk]),
               {"la_officer": OK, "other_tenant_officer": NOT_FOUND}, FORBIDDEN),
    "move": ("post", lambda p: reverse("panels:agenda-move", args=[p["item"].pk, "up"]),
             {"la_officer": FOUND, "other_tenant_officer": NOT_FOUND}, FORBIDDEN),
    "take off": ("post", lambda p: reverse("panels:agenda-remove", args=[p["item"].pk]),
                 {"la_officer": FOUND, "other_tenant_officer": NOT_FOUND}, FORBIDDEN),
    "rebuild packs": ("post", lambda p: reverse("panels:packs-rebuild", args=[p["meeting"].pk]),
                      {"la_officer": FOUND, "other_tenant_officer": NOT_FOUND}, FORBIDDEN),
    "pack": ("get", lambda p: reverse("panels:pack-download", args=[p["meeting"].pk]),
             # Not built in these tests (Celery runs after commit): found by nobody, refused to other roles.
             {"la_officer": NOT_FOUND, "chair": NOT_FOUND, "member": NOT_FOUND, "other_panel_member": NOT_FOUND,
              "other_tenant_officer": NOT_FOUND, "other_tenant_member": NOT_FOUND}, FORBIDDEN),
    "attendance": ("get", lambda p: reverse("panels:attendance", args=[p["meeting"].pk]),
                   {"la_officer": OK, "chair": OK, "member": FORBIDDEN, "other_panel_member": NOT_FOUND,
                    "other_tenant_officer": NOT_FOUND, "other_tenant_member": NOT_FOUND}, FORBIDDEN),
    "approve minutes": ("get", lambda p: reverse("panels:minutes-approve", args=[p["meeting"].pk]),
                        {"la_officer": OK, "chair": OK, "member": FORBIDDEN, "other_panel_member": NOT_FOUND,
                         "other_tenant_officer": NOT_FOUND, "other_tenant_member": NOT_FOUND}, FORBIDDEN),
    "case page": ("get", lambda p: reverse("panels:case", args=[p["item"].pk]),
                  {"la_officer": OK, "chair": OK, "member": OK, "finance_officer": OK, **NOT_PANEL_ROLES}, NOT_FOUND),
    "conflict": ("get", lambda p: reverse("panels:conflict", args=[p["item"].pk]),
                 {"chair": OK, "member": OK, "other_panel_member": NOT_FOUND, "other_tenant_member": NOT_FOUND},
                 FORBIDDEN),
    "recommend": ("get", lambda p: reverse("panels:recommend", args=[p["item"].pk]),
                  {"chair": OK, "member": OK, "other_panel_member": NOT_FOUND, "other_tenant_member": NOT_FOUND},
                  FORBIDDEN),
    "decide": ("get", lambda p: reverse("panels:decision-change", args=[p["item"].pk]),
               {"la_officer": OK, "chair": OK, "member": FORBIDDEN, "other_panel_member": NOT_FOUND,
                "other_tenant_officer": NOT_FOUND, "other_tenant_member": NOT_FOUND}, FORBIDDEN),
}  # fmt: skip
CASES = [(page, person) for page in MATRIX for person in PEOPLE]


@pytest.mark.parametrize(("page", "person"), CASES, ids=[f"{page}-{person}" for page, person in CASES])
def test_permission_matrix(places, page, person):
    method, url, expected, default = MATRIX[page]
    response = getattr(client_for(places["people"][person]), method)(url(places))
    assert response.status_code == expected.get(person, default)


def test_nothing_changes_when_someone_without_the_right_tries(places, pw):
    before = list(places["meeting"].items.order_by("position").values_list("pk", flat=True))
    for person in ("chair", "member", "senco", "other_tenant_officer"):
        client_for(places["people"][person]).post(reverse("panels:agenda-remove", args=[places["item"].pk]))
        client_for(places["people"][person]).post(reverse("panels:agenda-add-all", args=[places["scheduled"].pk]))
    assert list(places["meeting"].items.order_by("position").values_list("pk", flat=True)) == before
    assert not places["scheduled"].items.exists()


def test_a_member_of_another_panel_sees_nothing_of_this_one(places, pw):
    outsider = client_for(places["people"]["other_panel_member"])
    assert outsider.get(reverse("panels:detail", args=[pw.panel.pk])).status_code == 404
    assert "0 requests" in text(outsider.get(reverse("funding:request-list")))
    assert outsider.get(reverse("funding:request-detail", args=[pw.requests[0].pk])).status_code == 404
    assert outsider.get(reverse("panels:letter", args=[places["decision"].pk])).status_code == 404


def test_letters_are_for_the_school_and_those_who_decide(places, pw):
    url = reverse("panels:letter", args=[places["decision"].pk])
    assert client_for(places["people"]["senco_other_school"]).get(url).status_code == 404
    assert client_for(places["people"]["finance_officer"]).get(url).status_code == 403
    assert client_for(places["people"]["other_tenant_officer"]).get(url).status_code == 404


# Query counts -------------------------------------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_meeting_page_and_the_agenda_cost_the_same_with_one_case_or_twenty(tenant):
    pw = build(tenant, cases=1)
    meeting = issued_meeting(pw)
    client = client_for(pw.officer)
    member = client_for(pw.members[1])
    one = [_queries(client, reverse("panels:meeting-detail", args=[meeting.pk])),
           _queries(member, reverse("panels:meeting-detail", args=[meeting.pk]))]  # fmt: skip
    later = schedule(pw, days=9)
    services.agenda_add(actor=pw.officer, scope=scope_of(pw.officer), meeting_id=later.pk,
                        request_ids=[referred_request(pw).pk])  # fmt: skip
    agenda_one = _queries(client, reverse("panels:agenda", args=[later.pk]))
    extra = [referred_request(pw) for _ in range(19)]
    # Twenty cases on a second issued meeting, twenty waiting for the later one.
    big = schedule(pw, days=8)
    services.agenda_add(
        actor=pw.officer, scope=scope_of(pw.officer), meeting_id=big.pk, request_ids=[r.pk for r in extra]
    )
    services.papers_issue(actor=pw.officer, scope=scope_of(pw.officer), meeting_id=big.pk)
    twenty = [_queries(client, reverse("panels:meeting-detail", args=[big.pk])),
              _queries(member, reverse("panels:meeting-detail", args=[big.pk]))]  # fmt: skip
    assert twenty == one
    more_waiting = [referred_request(pw) for _ in range(19)]
    services.agenda_add(
        actor=pw.officer, scope=scope_of(pw.officer), meeting_id=later.pk, request_ids=[r.pk for r in more_waiting]
    )
    assert _queries(client, reverse("panels:agenda", args=[later.pk])) == agenda_one


# Papers, minutes and letters as files ---------------------------------------------------------------------


def test_issued_papers_are_built_and_each_reader_downloads_their_own_version(pw, django_capture_on_commit_callbacks):
    from audit.models import AuditEvent
    from panels.models import PanelPack

    meeting = schedule(pw)
    services.agenda_add_all_waiting(actor=pw.officer, scope=scope_of(pw.officer), meeting_id=meeting.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.papers_issue(actor=pw.officer, scope=scope_of(pw.officer), meeting_id=meeting.pk)
    item = meeting.items.get(position=1)
    member = pw.members[1]
    with django_capture_on_commit_callbacks(execute=True):
        services.conflict_declare(actor=member, scope=scope_of(member), item_id=item.pk, reason="Family friend")
    assert set(PanelPack.objects.filter(meeting=meeting).values_list("status", flat=True)) == {"done"}
    officer = client_for(pw.officer)
    assert "Download the panel pack" in text(officer.get(reverse("panels:meeting-detail", args=[meeting.pk])))
    full = officer.get(reverse("panels:pack-download", args=[meeting.pk]))
    assert full["Content-Type"] == "application/pdf" and full["Cache-Control"] == "no-store"
    # Reading a streamed response to the end closes its file (the test client closes it after the last chunk).
    assert b"".join(full.streaming_content).startswith(b"%PDF")
    page = text(client_for(member).get(reverse("panels:meeting-detail", args=[meeting.pk])))
    assert "Your copy leaves out the 1 case on which you declared a conflict of interest" in page
    mine = client_for(member).get(reverse("panels:pack-download", args=[meeting.pk]))
    assert "your-copy" in mine["Content-Disposition"]
    assert b"".join(mine.streaming_content).startswith(b"%PDF")
    downloads = AuditEvent.objects.filter(action="pack_downloaded").values_list("actor_id", flat=True)
    assert sorted(downloads) == sorted([pw.officer.pk, member.pk])


def test_minutes_and_letters_download_as_pdfs_and_are_audited(pw):
    from audit.models import AuditEvent

    meeting = start_meeting(pw)
    decision = services.decision_record(
        actor=pw.officer, scope=scope_of(pw.officer), item_id=item_of(pw, pw.requests[0]).pk, outcome="decline",
        reasons="The school's notional budget covers this",
    )  # fmt: skip
    minutes = client_for(pw.chair).get(reverse("panels:minutes-download", args=[meeting.pk]))
    assert minutes["Content-Type"] == "application/pdf" and "draft" in minutes["Content-Disposition"]
    assert minutes.content.startswith(b"%PDF")
    letter = client_for(pw.sencos[pw.requests[0].school_id]).get(reverse("panels:letter", args=[decision.pk]))
    assert letter["Content-Type"] == "application/pdf" and letter.content.startswith(b"%PDF")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"minutes_downloaded", "letter_downloaded"} <= actions
    # A scheduled meeting has no minutes yet.
    assert client_for(pw.officer).get(reverse("panels:minutes-download", args=[schedule(pw).pk])).status_code == 404


def test_a_conflicted_chair_gets_no_decision_form_for_that_case(pw):
    issued_meeting(pw)
    item = item_of(pw, pw.requests[0])
    services.conflict_declare(actor=pw.chair, scope=scope_of(pw.chair), item_id=item.pk, reason="Governor there")
    start_meeting(pw)
    chair = client_for(pw.chair)
    for name in ("panels:decide", "panels:decision-change"):
        assert chair.get(reverse(name, args=[item.pk])).status_code == 404
        assert chair.post(reverse(name, args=[item.pk]) + "?outcome=approve", {}).status_code == 404
    assert "A conflict of interest is recorded for you on this case" in text(
        chair.get(reverse("panels:case", args=[item.pk]))
    )
    assert not PanelDecision.objects.exists()


def test_continuing_without_choosing_a_decision_says_so(pw):
    start_meeting(pw)
    item = item_of(pw, pw.requests[0])
    response = client_for(pw.chair).get(reverse("panels:decide", args=[item.pk]) + "?choose=1")
    page = response.content.decode()
    assert "<title>Error: " in page and "Select the panel&#x27;s decision" in page
