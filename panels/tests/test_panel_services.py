"""The panel's rules: agendas, papers, conflicts, recommendations, quorum, decisions and their money,
changes and corrections, minutes, reviews."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.http import Http404
from django.utils import timezone

from accounts.models import Role
from funding.models import EntryKind, FundingRequest, LedgerEntry, RequestEvent, RequestStatus
from funding.selectors import balance_of
from panels import services
from panels.models import (
    AgendaItem,
    ConflictOfInterest,
    MeetingStatus,
    PanelDecision,
    PanelMeeting,
    PanelPack,
    Recommendation,
)
from panels.notifications import papers_issued_notify
from panels.tests.scenario import build, issued_meeting, item_of, referred_request, schedule, start_meeting
from pupils.tests.casework import scope_of
from tests import factories as f

D = Decimal


@pytest.fixture
def pw(tenant):
    return build(tenant)


def officer_scope(pw):
    return scope_of(pw.officer)


def decide(pw, item, outcome, user=None, **data):
    user = user or pw.officer
    return services.decision_record(actor=user, scope=scope_of(user), item_id=item.pk, outcome=outcome, **data)


# The agenda ---------------------------------------------------------------------------------------------


def test_waiting_requests_go_on_the_agenda_oldest_first_and_then_wait_no_longer(pw):
    first, second = pw.requests
    FundingRequest.objects.filter(pk=first.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=3))
    meeting = schedule(pw)
    assert list(services.waiting_requests(panel=pw.panel)) == [first, second]
    services.agenda_add_all_waiting(actor=pw.officer, scope=officer_scope(pw), meeting_id=meeting.pk)
    assert [(i.position, i.funding_request_id) for i in meeting.items.order_by("position")] == [(1, first.pk), (2, second.pk)]  # fmt: skip
    assert not services.waiting_requests(panel=pw.panel).exists()
    with pytest.raises(ValidationError, match="No requests are waiting"):
        services.agenda_add_all_waiting(actor=pw.officer, scope=officer_scope(pw), meeting_id=meeting.pk)


def test_cases_move_up_and_down_and_come_off_the_agenda(pw):
    third = referred_request(pw)
    meeting = schedule(pw)
    scope = officer_scope(pw)
    ids = [r.pk for r in [*pw.requests, third]]
    services.agenda_add(actor=pw.officer, scope=scope, meeting_id=meeting.pk, request_ids=ids)
    last = meeting.items.get(funding_request=third)
    services.agenda_move(actor=pw.officer, scope=scope, item_id=last.pk, direction="up")
    assert list(meeting.items.order_by("position").values_list("funding_request_id", flat=True)) == [
        ids[0],
        ids[2],
        ids[1],
    ]
    services.agenda_remove(actor=pw.officer, scope=scope, item_id=meeting.items.get(funding_request_id=ids[0]).pk)
    assert list(meeting.items.order_by("position").values_list("position", "funding_request_id")) == [
        (1, ids[2]),
        (2, ids[1]),
    ]
    # Taken off, it waits again.
    assert list(services.waiting_requests(panel=pw.panel).values_list("pk", flat=True)) == [ids[0]]


def test_only_requests_waiting_for_this_panel_can_be_added(pw, tenant):
    meeting = schedule(pw)
    locality_request = referred_request(pw)
    FundingRequest.objects.filter(pk=locality_request.pk).update(status=RequestStatus.APPROVED)
    with pytest.raises(ValidationError, match="Only requests waiting for this panel"):
        services.agenda_add(
            actor=pw.officer, scope=officer_scope(pw), meeting_id=meeting.pk, request_ids=[locality_request.pk]
        )
    assert not meeting.items.exists()


def test_only_la_officers_build_agendas_and_the_agenda_is_fixed_once_the_papers_are_issued(pw):
    meeting = schedule(pw)
    with pytest.raises(ValidationError, match="Only LA officers"):
        services.agenda_add(
            actor=pw.chair, scope=scope_of(pw.chair), meeting_id=meeting.pk, request_ids=[pw.requests[0].pk]
        )
    issued = issued_meeting(pw)
    another = referred_request(pw)
    with pytest.raises(ValidationError, match="before the papers are issued"):
        services.agenda_add(actor=pw.officer, scope=officer_scope(pw), meeting_id=issued.pk, request_ids=[another.pk])
    with pytest.raises(ValidationError, match="before the papers are issued"):
        services.agenda_remove(actor=pw.officer, scope=officer_scope(pw), item_id=issued.items.first().pk)


# Papers -------------------------------------------------------------------------------------------------


def test_papers_need_an_agenda_and_a_meeting_still_to_come(pw):
    meeting = schedule(pw)
    with pytest.raises(ValidationError, match="Add at least one case"):
        services.papers_issue(actor=pw.officer, scope=officer_scope(pw), meeting_id=meeting.pk)
    assert PanelMeeting.objects.get(pk=meeting.pk).status == MeetingStatus.SCHEDULED


def test_issuing_papers_fixes_the_agenda_records_known_conflicts_and_asks_for_the_packs(pw, tenant):
    # The headteacher representative is also the SENCO of the first case's school.
    rep = pw.members[3]
    f.grant(rep, tenant.authority, Role.SENCO, school=pw.requests[0].school)
    meeting = issued_meeting(pw)
    assert meeting.status == MeetingStatus.PAPERS_ISSUED and meeting.papers_issued_at is not None
    conflict = ConflictOfInterest.objects.get()
    assert conflict.member == rep and conflict.agenda_item.funding_request == pw.requests[0]
    assert "Works at" in conflict.reason
    # The full pack, and the version without the case the representative may not see.
    versions = sorted(PanelPack.objects.filter(meeting=meeting).values_list("excluded_items", flat=True), key=len)
    assert versions == [[], [conflict.agenda_item_id]]


def test_members_are_emailed_that_the_papers_are_ready_with_a_link_and_no_pupil_names(pw):
    meeting = issued_meeting(pw)
    mail.outbox.clear()
    assert papers_issued_notify(meeting_id=meeting.pk) == len(pw.members)
    message = mail.outbox[0]
    assert "the papers are ready" in message.subject and f"/panels/meetings/{meeting.pk}/" in message.body
    for request in pw.requests:
        assert request.pupil.last_name not in message.subject + message.body


# Conflicts of interest ----------------------------------------------------------------------------------


def test_a_conflicted_member_no_longer_sees_the_case_or_takes_part(pw):
    meeting = issued_meeting(pw)
    member = pw.members[1]
    item = item_of(pw, pw.requests[0])
    services.recommendation_record(
        actor=member, scope=scope_of(member), item_id=item.pk, choice="support", amount=None, comment=""
    )
    services.conflict_declare(actor=member, scope=scope_of(member), item_id=item.pk, reason="I know the family")
    # The recommendation made before is withdrawn; a new one cannot be made; the request itself is hidden.
    assert not Recommendation.objects.filter(member=member).exists()
    with pytest.raises(Http404):
        services.recommendation_record(
            actor=member, scope=scope_of(member), item_id=item.pk, choice="support", amount=None, comment=""
        )
    from accounts.scoping import visible

    assert list(visible(FundingRequest, scope_of(member))) == [pw.requests[1]]
    # Their copy of the papers is asked for without the case.
    assert PanelPack.objects.filter(meeting=meeting, excluded_items=[item.pk]).exists()
    with pytest.raises(ValidationError, match="already declared"):
        services.conflict_declare(actor=member, scope=scope_of(member), item_id=item.pk, reason="Again")


def test_a_conflicted_chair_cannot_record_the_decision_on_that_case(pw):
    issued_meeting(pw)
    item = item_of(pw, pw.requests[0])
    services.conflict_declare(actor=pw.chair, scope=scope_of(pw.chair), item_id=item.pk, reason="My school")
    start_meeting(pw)
    with pytest.raises(Http404):
        decide(pw, item, "approve", user=pw.chair)
    assert not PanelDecision.objects.exists()


def test_only_members_declare_conflicts_and_need_a_reason(pw):
    issued_meeting(pw)
    item = item_of(pw, pw.requests[0])
    with pytest.raises(ValidationError, match="Only members"):
        services.conflict_declare(actor=pw.officer, scope=officer_scope(pw), item_id=item.pk, reason="x")
    with pytest.raises(ValidationError) as refused:
        services.conflict_declare(actor=pw.members[1], scope=scope_of(pw.members[1]), item_id=item.pk, reason=" ")
    assert "Enter the reason for the conflict" in refused.value.message_dict["reason"][0]


# Recommendations ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("choice", "amount", "comment", "field", "message"),
    [
        ("different_amount", None, "", "amount", "Enter the amount you would support"),
        ("different_amount", D("-5"), "", "amount", "more than £0"),
        ("do_not_support", None, "", "comment", "Say why"),
        ("maybe", None, "", "choice", "Select your recommendation"),
    ],
)
def test_bad_recommendations_are_refused_on_their_field(pw, choice, amount, comment, field, message):
    issued_meeting(pw)
    member = pw.members[1]
    item = item_of(pw, pw.requests[0])
    with pytest.raises(ValidationError) as refused:
        services.recommendation_record(
            actor=member, scope=scope_of(member), item_id=item.pk, choice=choice, amount=amount, comment=comment
        )
    assert message in refused.value.message_dict[field][0]
    assert not Recommendation.objects.exists()


def test_a_member_changes_their_recommendation_until_the_meeting_starts(pw):
    issued_meeting(pw)
    member = pw.members[1]
    item = item_of(pw, pw.requests[0])
    record = services.recommendation_record
    record(actor=member, scope=scope_of(member), item_id=item.pk, choice="support", amount=None, comment="")
    record(
        actor=member,
        scope=scope_of(member),
        item_id=item.pk,
        choice="different_amount",
        amount=D("600.00"),
        comment="Half",
    )
    recommendation = Recommendation.objects.get()
    assert (recommendation.choice, recommendation.amount) == ("different_amount", D("600.00"))
    PanelMeeting.objects.filter(pk=pw.meeting.pk).update(meets_at=timezone.now() - datetime.timedelta(minutes=5))
    with pytest.raises(ValidationError, match="recorded before it"):
        record(actor=member, scope=scope_of(member), item_id=item.pk, choice="support", amount=None, comment="")


# Attendance and quorum ----------------------------------------------------------------------------------


def test_attendance_is_recorded_on_the_day_and_opens_the_meeting_for_decisions(pw):
    meeting = issued_meeting(pw)
    with pytest.raises(ValidationError, match="on the day of the meeting"):
        services.attendance_record(actor=pw.officer, scope=officer_scope(pw), meeting_id=meeting.pk, present_ids=[])
    with pytest.raises(ValidationError, match="Decisions are recorded at the meeting"):
        decide(pw, item_of(pw, pw.requests[0]), "approve")
    meeting = start_meeting(pw, present=pw.members[:3])
    assert meeting.status == MeetingStatus.HELD
    assert sorted(meeting.attendance.filter(present=False).values_list("member_id", flat=True)) == [pw.members[3].pk]


def test_a_case_is_not_decided_without_a_quorum_of_members_free_of_conflict(pw):
    issued_meeting(pw)
    item = item_of(pw, pw.requests[0])
    conflicted = pw.members[1]
    services.conflict_declare(actor=conflicted, scope=scope_of(conflicted), item_id=item.pk, reason="Neighbour")
    start_meeting(pw, present=pw.members[:3])  # 3 present, quorum 3, but one is conflicted on case 1
    with pytest.raises(ValidationError, match=r"not quorate for this case: 2 members .* needs 3"):
        decide(pw, item, "approve")
    # The other case has all three.
    decide(pw, item_of(pw, pw.requests[1]), "approve")
    assert PanelDecision.objects.count() == 1


# Decisions and money ------------------------------------------------------------------------------------


def test_an_approval_commits_the_money_from_the_central_pot(pw):
    start_meeting(pw)
    request = pw.requests[0]
    decision = decide(pw, item_of(pw, request), "approve", conditions="A termly progress report")
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED and request.approved_amount == request.amount_requested
    assert decision.amount == request.amount_requested and decision.period_start == request.period_start
    commitment = LedgerEntry.objects.get(funding_request=request, kind=EntryKind.COMMITMENT)
    assert commitment.budget == pw.pot and commitment.committed_delta == request.amount_requested
    assert balance_of(pw.pot).available == D("50000.00") - request.amount_requested
    assert RequestEvent.objects.filter(request=request, to_status=RequestStatus.APPROVED).exists()


def test_a_different_amount_is_approved_but_never_more_than_asked_for(pw):
    start_meeting(pw)
    item = item_of(pw, pw.requests[0])
    with pytest.raises(ValidationError) as refused:
        decide(pw, item, "approve_different", amount=D("5000.00"))
    assert "more than the £1,000.00 asked for" in refused.value.message_dict["amount"][0]
    assert not PanelDecision.objects.exists() and not LedgerEntry.objects.filter(kind=EntryKind.COMMITMENT).exists()
    decide(pw, item, "approve_different", amount=D("400.00"))
    assert balance_of(pw.pot).committed == D("400.00")


def test_an_approval_that_would_overspend_the_pot_is_refused_with_what_is_available(tenant):
    pw = build(tenant, pot="1500.00")
    start_meeting(pw)
    decide(pw, item_of(pw, pw.requests[0]), "approve")
    with pytest.raises(ValidationError) as refused:
        decide(pw, item_of(pw, pw.requests[1]), "approve")
    assert "£500.00 available" in refused.value.message_dict["amount"][0]
    assert PanelDecision.objects.count() == 1
    pw.requests[1].refresh_from_db()
    assert pw.requests[1].status == RequestStatus.REFERRED


def test_a_decline_needs_plain_reasons_and_commits_nothing(pw):
    start_meeting(pw)
    item = item_of(pw, pw.requests[0])
    with pytest.raises(ValidationError) as refused:
        decide(pw, item, "decline", reasons="  ")
    assert "Enter the reasons for declining" in refused.value.message_dict["reasons"][0]
    decide(pw, item, "decline", reasons="The school can meet this from its notional SEN budget")
    pw.requests[0].refresh_from_db()
    assert pw.requests[0].status == RequestStatus.DECLINED
    assert balance_of(pw.pot).committed == 0


def test_a_deferred_case_goes_on_the_named_later_meeting_and_keeps_waiting(pw):
    start_meeting(pw)
    later = schedule(pw, days=30)
    item = item_of(pw, pw.requests[0])
    with pytest.raises(ValidationError) as refused:
        decide(pw, item, "defer")
    assert "Select a later meeting" in refused.value.message_dict["deferred_to"][0]
    decide(pw, item, "defer", deferred_to_id=later.pk, reasons="We need the EP's report")
    assert later.items.get().funding_request == pw.requests[0]
    pw.requests[0].refresh_from_db()
    assert pw.requests[0].status == RequestStatus.REFERRED
    assert "Deferred by the panel to its meeting on" in pw.requests[0].events.latest("pk").message


def test_more_evidence_goes_back_to_the_school_and_the_answer_brings_it_back_to_wait(pw):
    start_meeting(pw)
    request = pw.requests[0]
    decide(pw, item_of(pw, request), "more_evidence", reasons="Attach the speech therapist's report")
    request.refresh_from_db()
    assert request.status == RequestStatus.MORE_INFORMATION
    from funding import services as funding_services

    senco = pw.sencos[request.school_id]
    funding_services.request_transition(
        actor=senco, scope=scope_of(senco), request_id=request.pk, action="answer", message="Attached"
    )
    assert list(services.waiting_requests(panel=pw.panel)) == [request]


# Changes, corrections and minutes -----------------------------------------------------------------------


def test_changing_a_decision_is_a_new_linked_decision_and_moves_the_money(pw):
    start_meeting(pw)
    item = item_of(pw, pw.requests[0])
    first = decide(pw, item, "approve")
    with pytest.raises(ValidationError) as refused:
        services.decision_correct(
            actor=pw.officer,
            scope=officer_scope(pw),
            decision_id=first.pk,
            correction_reason="",
            outcome="decline",
            reasons="x",
        )
    assert "Enter why the decision is being changed" in refused.value.message_dict["correction_reason"][0]
    second = services.decision_correct(
        actor=pw.officer, scope=officer_scope(pw), decision_id=first.pk, correction_reason="Recorded against the wrong case",
        outcome="approve_different", amount=D("250.00"),
    )  # fmt: skip
    assert second.corrects == first and not second.after_minutes
    assert services.current_decision(item) == second
    assert balance_of(pw.pot).committed == D("250.00")
    kinds = list(
        LedgerEntry.objects.filter(funding_request=item.funding_request).values_list("kind", flat=True).order_by("pk")
    )
    assert kinds == [EntryKind.COMMITMENT, EntryKind.RELEASE, EntryKind.COMMITMENT]
    with pytest.raises(ValidationError, match="already been changed"):
        services.decision_correct(
            actor=pw.officer,
            scope=officer_scope(pw),
            decision_id=first.pk,
            correction_reason="x",
            outcome="decline",
            reasons="x",
        )


def test_minutes_need_every_case_decided_then_decisions_only_take_corrections(pw):
    meeting = start_meeting(pw)
    first = decide(pw, item_of(pw, pw.requests[0]), "approve")
    with pytest.raises(ValidationError, match="case 2 has none"):
        services.minutes_approve(actor=pw.chair, scope=scope_of(pw.chair), meeting_id=meeting.pk)
    decide(pw, item_of(pw, pw.requests[1]), "decline", reasons="Within the notional budget")
    services.minutes_approve(actor=pw.chair, scope=scope_of(pw.chair), meeting_id=meeting.pk)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.MINUTES_APPROVED and meeting.minutes_approved_by == pw.chair
    with pytest.raises(ValidationError, match="before the minutes are approved"):
        decide(pw, item_of(pw, pw.requests[0]), "decline", reasons="x")
    correction = services.decision_correct(
        actor=pw.officer, scope=officer_scope(pw), decision_id=first.pk, correction_reason="Wrong amount typed",
        outcome="approve_different", amount=D("900.00"),
    )  # fmt: skip
    assert correction.after_minutes and correction.corrects == first
    assert balance_of(pw.pot).committed == D("900.00")


def test_the_database_refuses_to_edit_or_delete_a_decision(pw):
    start_meeting(pw)
    decision = decide(pw, item_of(pw, pw.requests[0]), "approve")
    with pytest.raises(DatabaseError), transaction.atomic():
        PanelDecision.objects.filter(pk=decision.pk).update(amount=D("1.00"))
    with pytest.raises(DatabaseError), transaction.atomic():
        PanelDecision.objects.filter(pk=decision.pk).delete()
    assert PanelDecision.objects.get(pk=decision.pk).amount == pw.requests[0].amount_requested


def test_only_the_chair_or_an_la_officer_records_decisions(pw):
    start_meeting(pw)
    member = pw.members[1]
    with pytest.raises(ValidationError, match="Only the chair or an LA officer"):
        decide(pw, item_of(pw, pw.requests[0]), "approve", user=member)
    decide(pw, item_of(pw, pw.requests[0]), "approve", user=pw.chair)


# Reviews ------------------------------------------------------------------------------------------------


def test_a_school_asks_for_a_review_and_the_case_returns_to_a_later_agenda(pw):
    meeting = start_meeting(pw)
    request = pw.requests[0]
    decide(pw, item_of(pw, request), "approve_different", amount=D("300.00"))
    from funding import services as funding_services

    senco = pw.sencos[request.school_id]
    with pytest.raises(ValidationError) as refused:
        funding_services.request_transition(
            actor=senco, scope=scope_of(senco), request_id=request.pk, action="ask_for_review", reason=""
        )
    assert "Enter why" in refused.value.message_dict["reason"][0]
    funding_services.request_transition(
        actor=senco, scope=scope_of(senco), request_id=request.pk, action="ask_for_review",
        reason="The therapist's report shows two sessions a week are needed",
    )  # fmt: skip
    request.refresh_from_db()
    assert request.status == RequestStatus.REVIEW_REQUESTED
    assert list(services.waiting_requests(panel=pw.panel)) == [request]
    later = schedule(pw, days=20)
    services.agenda_add(actor=pw.officer, scope=officer_scope(pw), meeting_id=later.pk, request_ids=[request.pk])
    item = later.items.get()
    assert item.is_review
    # The review's approval replaces the earlier award: £300 released, £1,000 committed.
    services.papers_issue(actor=pw.officer, scope=officer_scope(pw), meeting_id=later.pk)
    pw.meeting = later
    start_meeting(pw)
    decide(pw, item, "approve")
    assert balance_of(pw.pot).committed == request.amount_requested
    assert meeting.pk != later.pk


def test_a_locality_decision_cannot_be_sent_for_a_panel_review(tenant):
    pw = build(tenant, cases=0)
    from funding import services as funding_services
    from funding.tests.test_request_pages import create_draft

    request = create_draft(tenant)
    senco, lead = tenant.users["senco"], tenant.users["area_lead"]
    funding_services.request_transition(actor=senco, scope=scope_of(senco), request_id=request.pk, action="submit")
    funding_services.request_transition(
        actor=lead, scope=scope_of(lead), request_id=request.pk, action="decline", reasons="No"
    )
    with pytest.raises(ValidationError, match="Only a panel's decision can be reviewed"):
        funding_services.request_transition(
            actor=senco, scope=scope_of(senco), request_id=request.pk, action="ask_for_review", reason="Please"
        )
    assert pw.panel is not None


def test_a_cancelled_meeting_s_cases_wait_again(pw):
    meeting = issued_meeting(pw)
    services.meeting_cancel(actor=pw.officer, scope=officer_scope(pw), meeting_id=meeting.pk, reason="Not quorate")
    assert set(services.waiting_requests(panel=pw.panel)) == set(pw.requests)
    assert AgendaItem.objects.filter(meeting=meeting).count() == 2


def test_attendance_stays_as_it_was_once_decisions_are_recorded(pw):
    meeting = start_meeting(pw)
    decide(pw, item_of(pw, pw.requests[0]), "approve")
    with pytest.raises(ValidationError, match="attendance they were made with stays"):
        services.attendance_record(actor=pw.officer, scope=officer_scope(pw), meeting_id=meeting.pk, present_ids=[])
    assert meeting.attendance.filter(present=True).count() == len(pw.members)


def test_a_decision_cannot_be_changed_while_the_case_waits_on_a_later_agenda(pw):
    start_meeting(pw)
    request = pw.requests[0]
    first = decide(pw, item_of(pw, request), "more_evidence", reasons="Send the EP report")
    from funding import services as funding_services

    senco = pw.sencos[request.school_id]
    funding_services.request_transition(
        actor=senco, scope=scope_of(senco), request_id=request.pk, action="answer", message="Sent"
    )
    later = schedule(pw, days=21)
    services.agenda_add(actor=pw.officer, scope=officer_scope(pw), meeting_id=later.pk, request_ids=[request.pk])
    with pytest.raises(ValidationError, match="decide it there"):
        services.decision_correct(
            actor=pw.officer, scope=officer_scope(pw), decision_id=first.pk, correction_reason="Oops", outcome="approve"
        )
    assert later.items.count() == 1 and PanelDecision.objects.count() == 1


def test_changing_a_deferral_takes_the_case_off_the_later_agenda(pw):
    start_meeting(pw)
    later = schedule(pw, days=30)
    item = item_of(pw, pw.requests[0])
    deferral = decide(pw, item, "defer", deferred_to_id=later.pk)
    services.decision_correct(
        actor=pw.officer,
        scope=officer_scope(pw),
        decision_id=deferral.pk,
        correction_reason="Decided after all",
        outcome="approve",
    )
    assert not later.items.exists()
    assert balance_of(pw.pot).committed == pw.requests[0].amount_requested


def test_a_conflict_declared_at_one_meeting_holds_when_the_case_comes_back(pw):
    start_meeting(pw)
    later = schedule(pw, days=30)
    item = item_of(pw, pw.requests[0])
    member = pw.members[1]
    ConflictOfInterest.objects.create(
        local_authority=pw.tenant.authority, agenda_item=item, member=member, reason="Cousin"
    )
    decide(pw, item, "defer", deferred_to_id=later.pk)
    services.papers_issue(actor=pw.officer, scope=officer_scope(pw), meeting_id=later.pk)
    later_item = later.items.get()
    assert services.conflicted_item_ids(user_id=member.pk, meeting_id=later.pk) == [later_item.pk]
    assert PanelPack.objects.filter(meeting=later, excluded_items=[later_item.pk]).exists()
    pw.meeting = PanelMeeting.objects.get(pk=later.pk)
    start_meeting(pw, present=pw.members[:3])
    assert services.quorum_for(meeting=pw.meeting, item=later_item) == (2, 3)
