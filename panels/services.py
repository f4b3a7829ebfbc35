"""Panels: meetings, their agendas, conflicts of interest, recommendations, attendance, decisions and
minutes. Every write locks the meeting (or the request), checks panels.workflow and the actor's place,
writes, audits, and sends its emails or builds its packs once the transaction commits."""

from __future__ import annotations

import datetime
import functools
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from accounts.models import PanelRole, Role, RoleAssignment
from accounts.scoping import Scope, access
from audit.services import audit_record
from funding import services as funding_services
from funding.models import FundingRequest, RequestEvent, RequestStatus
from funding.workflow import AWAITING_PANEL
from panels.models import (
    APPROVING,
    AgendaItem,
    Attendance,
    ConflictOfInterest,
    DecisionOutcome,
    MeetingStatus,
    Panel,
    PanelDecision,
    PanelMeeting,
    Recommendation,
    RecommendationChoice,
)
from panels.workflow import MEETING_ACTIONS, allowed
from send_portal.text import long_date

# Meetings whose agenda items still wait for a decision: a request on one of these is not "waiting".
LIVE_MEETING_STATUSES = (MeetingStatus.SCHEDULED, MeetingStatus.PAPERS_ISSUED, MeetingStatus.HELD)


# Who is who on a panel -----------------------------------------------------------------------------------


def member_ids(*, panel_id: int) -> set[int]:
    """The users who sit on the panel (active memberships only)."""
    return set(
        RoleAssignment.objects.filter(
            role=Role.PANEL_MEMBER, panel_id=panel_id, membership__is_active=True, membership__user__is_active=True
        ).values_list("membership__user_id", flat=True)
    )


def is_member(scope: Scope, panel_id: int) -> bool:
    return panel_id in scope.panel_ids and scope.has_role(Role.PANEL_MEMBER)


def is_chair(scope: Scope, panel_id: int) -> bool:
    return RoleAssignment.objects.filter(
        membership_id=scope.membership_id, role=Role.PANEL_MEMBER, panel_id=panel_id, panel_role=PanelRole.CHAIR
    ).exists()


def runs_meetings(scope: Scope, panel_id: int) -> bool:
    """LA officers clerk every panel of their council; a panel's chair runs its meetings too."""
    return scope.has_role(Role.LA_OFFICER) or is_chair(scope, panel_id)


def conflicted_item_ids(*, user_id: int, meeting_id: int) -> list[int]:
    """The meeting's cases this member has a conflict on. A conflict is with the case, so one declared when
    it came to an earlier meeting (deferred, or reviewed) holds at this one too."""
    requests = ConflictOfInterest.objects.filter(member_id=user_id).values("agenda_item__funding_request_id")
    return sorted(
        AgendaItem.objects.filter(meeting_id=meeting_id, funding_request_id__in=requests).values_list("pk", flat=True)
    )


def conflicted_member_ids(*, item: AgendaItem) -> set[int]:
    """Members with a conflict on this case, declared at this meeting or an earlier one."""
    return set(
        ConflictOfInterest.objects.filter(agenda_item__funding_request_id=item.funding_request_id).values_list(
            "member_id", flat=True
        )
    )


def is_conflicted(*, user_id: int, item: AgendaItem) -> bool:
    return ConflictOfInterest.objects.filter(
        member_id=user_id, agenda_item__funding_request=item.funding_request_id
    ).exists()


def current_decision(item: AgendaItem) -> PanelDecision | None:
    """The item's decision in force: the latest one, which no later one corrects."""
    return item.decisions.filter(corrected_by__isnull=True).order_by("-decided_at", "-pk").first()


def _day(meeting: PanelMeeting) -> str:
    return long_date(timezone.localdate(meeting.meets_at))


def _check(action: str, meeting: PanelMeeting) -> None:
    if not allowed(action, meeting.status):
        raise ValidationError(MEETING_ACTIONS[action].refusal)


def _lock_meeting(scope: Scope, meeting_id: int) -> PanelMeeting:
    return access(PanelMeeting, scope, meeting_id, lock=True)


def _move(meeting: PanelMeeting, action: str) -> None:
    target = MEETING_ACTIONS[action].target
    assert target is not None
    meeting.status = target


def _audit(actor: Any, obj: Any, action: str, summary: str, changes: dict[str, Any] | None = None) -> None:
    audit_record(
        actor=actor,
        local_authority_id=obj.local_authority_id,
        action=action,
        obj=obj,
        summary=summary,
        changes=changes,
    )


# Meetings -------------------------------------------------------------------------------------------------


def meeting_schedule(
    *, actor: Any, scope: Scope, panel_id: int, meets_at: datetime.datetime, venue: str, online_link: str
) -> PanelMeeting:
    """An LA officer schedules a panel meeting: in the future, somewhere people can go or join."""
    if not scope.has_role(Role.LA_OFFICER):
        raise ValidationError("Only LA officers schedule panel meetings")
    panel = access(Panel, scope, panel_id)
    errors: dict[str, str] = {}
    if meets_at <= timezone.now():
        errors["meets_on"] = "The meeting must be in the future"
    venue, online_link = venue.strip(), online_link.strip()
    if not venue and not online_link:
        errors["venue"] = "Enter where the meeting is, or a link to join it online"
    if online_link and not online_link.startswith("https://"):
        errors["online_link"] = "The online meeting link must start with https://"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = PanelMeeting.objects.create(
            local_authority_id=panel.local_authority_id,
            panel=panel,
            meets_at=meets_at,
            venue=venue,
            online_link=online_link,
            created_by=actor,
        )
        _audit(
            actor,
            meeting,
            "meeting_scheduled",
            f"Meeting {meeting.pk} of panel {panel.pk} scheduled for {long_date(meets_at.date())}",
        )
    return meeting


def meeting_cancel(*, actor: Any, scope: Scope, meeting_id: int, reason: str) -> PanelMeeting:
    """Cancel a meeting that has not been held: its cases go back to wait for another agenda."""
    if not scope.has_role(Role.LA_OFFICER):
        raise ValidationError("Only LA officers cancel panel meetings")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the meeting is cancelled"})
    with transaction.atomic():
        meeting = _lock_meeting(scope, meeting_id)
        _check("cancel", meeting)
        _move(meeting, "cancel")
        meeting.save(update_fields=["status"])
        _audit(actor, meeting, "meeting_cancelled", f"Meeting {meeting.pk} cancelled: {reason.strip()}"[:255])
    return meeting


# The agenda -----------------------------------------------------------------------------------------------


def waiting_requests(*, panel: Panel) -> Any:
    """Requests with this panel that are on no live agenda: oldest submission first."""
    on_live_agenda = AgendaItem.objects.filter(
        local_authority_id=panel.local_authority_id, meeting__status__in=LIVE_MEETING_STATUSES, decisions__isnull=True
    ).values("funding_request_id")
    return (
        FundingRequest.objects.filter(
            local_authority_id=panel.local_authority_id, panel=panel, status__in=AWAITING_PANEL
        )
        .exclude(pk__in=on_live_agenda)
        .order_by("submitted_at", "pk")
    )


def _append(*, actor: Any, meeting: PanelMeeting, funding_request: FundingRequest, is_review: bool) -> AgendaItem:
    last = meeting.items.order_by("-position").values_list("position", flat=True).first() or 0
    item = AgendaItem.objects.create(
        local_authority_id=meeting.local_authority_id,
        meeting=meeting,
        funding_request=funding_request,
        position=last + 1,
        is_review=is_review,
        added_by=actor,
    )
    _audit(
        actor,
        item,
        "agenda_item_added",
        f"Funding request {funding_request.pk} added to meeting {meeting.pk} as case {item.position}",
    )
    return item


def agenda_add(*, actor: Any, scope: Scope, meeting_id: int, request_ids: list[int]) -> list[AgendaItem]:
    """Put waiting requests on a meeting's agenda, oldest submission first, after the cases already there."""
    if not scope.has_role(Role.LA_OFFICER):
        raise ValidationError("Only LA officers build panel agendas")
    if not request_ids:
        raise ValidationError({"requests": "Select at least one request to add to the agenda"})
    with transaction.atomic():
        meeting = _lock_meeting(scope, meeting_id)
        _check("edit_agenda", meeting)
        waiting = list(waiting_requests(panel=meeting.panel).filter(pk__in=request_ids).select_for_update(of=("self",)))
        if len(waiting) != len(set(request_ids)):
            raise ValidationError(
                {"requests": "Only requests waiting for this panel can be added: refresh the page and try again"}
            )
        return [
            _append(
                actor=actor, meeting=meeting, funding_request=r, is_review=r.status == RequestStatus.REVIEW_REQUESTED
            )
            for r in waiting
        ]


def agenda_add_all_waiting(*, actor: Any, scope: Scope, meeting_id: int) -> list[AgendaItem]:
    meeting = access(PanelMeeting, scope, meeting_id)
    ids = list(waiting_requests(panel=meeting.panel).values_list("pk", flat=True))
    if not ids:
        raise ValidationError({"requests": "No requests are waiting for this panel"})
    return agenda_add(actor=actor, scope=scope, meeting_id=meeting_id, request_ids=ids)


def agenda_move(*, actor: Any, scope: Scope, item_id: int, direction: str) -> AgendaItem:
    """Swap a case with the one above or below it."""
    if not scope.has_role(Role.LA_OFFICER):
        raise ValidationError("Only LA officers change panel agendas")
    if direction not in ("up", "down"):
        raise ValidationError("Move a case up or down")
    with transaction.atomic():
        item = access(AgendaItem, scope, item_id)
        meeting = _lock_meeting(scope, item.meeting_id)
        _check("edit_agenda", meeting)
        items = list(meeting.items.order_by("position", "pk"))
        index = next(i for i, other in enumerate(items) if other.pk == item.pk)
        other_index = index - 1 if direction == "up" else index + 1
        if not 0 <= other_index < len(items):
            return item
        items[index], items[other_index] = items[other_index], items[index]
        for position, agenda_item in enumerate(items, start=1):
            if agenda_item.position != position:
                agenda_item.position = position
                agenda_item.save(update_fields=["position"])
        _audit(
            actor,
            meeting,
            "agenda_reordered",
            f"Case for funding request {item.funding_request_id} moved {direction} on meeting {meeting.pk}",
        )
        return items[other_index]


def agenda_remove(*, actor: Any, scope: Scope, item_id: int) -> None:
    """Take a case off an agenda before the papers are issued; it waits for another meeting."""
    if not scope.has_role(Role.LA_OFFICER):
        raise ValidationError("Only LA officers change panel agendas")
    with transaction.atomic():
        item = access(AgendaItem, scope, item_id)
        meeting = _lock_meeting(scope, item.meeting_id)
        _check("edit_agenda", meeting)
        request_id = item.funding_request_id
        # Nothing hangs off an item before the papers go out (no conflicts, recommendations or decisions).
        item.delete()
        for position, agenda_item in enumerate(meeting.items.order_by("position", "pk"), start=1):
            if agenda_item.position != position:
                agenda_item.position = position
                agenda_item.save(update_fields=["position"])
        _audit(actor, meeting, "agenda_item_removed", f"Funding request {request_id} taken off meeting {meeting.pk}")


# Papers ---------------------------------------------------------------------------------------------------


def papers_issue(*, actor: Any, scope: Scope, meeting_id: int) -> PanelMeeting:
    """Issue the papers: the agenda is fixed, conflicts known from people's roles (a member who works at the
    requesting school) are recorded, and the packs are built by Celery once this commits."""
    if not scope.has_role(Role.LA_OFFICER):
        raise ValidationError("Only LA officers issue panel papers")
    from panels import pack_services

    with transaction.atomic():
        meeting = _lock_meeting(scope, meeting_id)
        _check("issue_papers", meeting)
        items = list(meeting.items.select_related("funding_request__school"))
        if not items:
            raise ValidationError("Add at least one case to the agenda before issuing the papers")
        if meeting.meets_at <= timezone.now():
            raise ValidationError("The meeting has already started: papers are issued before it")
        _declare_known_conflicts(actor=actor, meeting=meeting, items=items)
        _move(meeting, "issue_papers")
        meeting.papers_issued_at = timezone.now()
        meeting.save(update_fields=["status", "papers_issued_at"])
        _audit(actor, meeting, "papers_issued", f"Papers issued for meeting {meeting.pk}: {len(items)} cases")
        pack_services.packs_request(actor=actor, meeting=meeting)
        from panels.notifications import papers_issued_notify

        transaction.on_commit(functools.partial(papers_issued_notify, meeting_id=meeting.pk))
    return meeting


def _declare_known_conflicts(*, actor: Any, meeting: PanelMeeting, items: list[AgendaItem]) -> None:
    """A member who is a SENCO of a requesting school has a conflict on that case: record it for them."""
    members = member_ids(panel_id=meeting.panel_id)
    school_staff = RoleAssignment.objects.filter(
        role=Role.SENCO,
        membership__user_id__in=members,
        membership__local_authority_id=meeting.local_authority_id,
        school_id__in={item.funding_request.school_id for item in items},
    ).values_list("membership__user_id", "school_id")
    works_at: dict[int, set[int]] = {}
    for user_id, school_id in school_staff:
        works_at.setdefault(school_id, set()).add(user_id)
    for item in items:
        for user_id in sorted(works_at.get(item.funding_request.school_id, ())):
            conflict, created = ConflictOfInterest.objects.get_or_create(
                local_authority_id=meeting.local_authority_id,
                agenda_item=item,
                member_id=user_id,
                defaults={
                    "reason": f"Works at {item.funding_request.school.name} (recorded when the papers were issued)"
                },
            )
            if created:
                _audit(
                    actor,
                    conflict,
                    "conflict_recorded",
                    f"Conflict of interest of user {user_id} on case {item.position} of meeting {meeting.pk}",
                )


# Conflicts and recommendations ----------------------------------------------------------------------------


def conflict_declare(*, actor: Any, scope: Scope, item_id: int, reason: str) -> ConflictOfInterest:
    """A member declares a conflict on a case: from now on they see neither its papers nor its decision
    form, any recommendation they made on it is withdrawn, and their copy of the pack is rebuilt without it."""
    if not reason.strip():
        raise ValidationError(
            {"reason": "Enter the reason for the conflict of interest, for example your connection to the school"}
        )
    from panels import pack_services

    with transaction.atomic():
        item = access(AgendaItem, scope, item_id)
        meeting = _lock_meeting(scope, item.meeting_id)
        if not is_member(scope, meeting.panel_id):
            raise ValidationError("Only members of the panel declare conflicts of interest")
        _check("declare_conflict", meeting)
        if current_decision(item) is not None:
            raise ValidationError("The panel has decided this case: tell the chair about the conflict instead")
        if ConflictOfInterest.objects.filter(agenda_item=item, member=actor).exists():
            raise ValidationError("You have already declared a conflict of interest on this case")
        conflict = ConflictOfInterest.objects.create(
            local_authority_id=item.local_authority_id, agenda_item=item, member=actor, reason=reason.strip()
        )
        withdrawn, _ = Recommendation.objects.filter(agenda_item=item, member=actor).delete()
        _audit(
            actor,
            conflict,
            "conflict_declared",
            f"Conflict of interest declared on case {item.position} of meeting {meeting.pk}"
            + (": recommendation withdrawn" if withdrawn else ""),
        )
        pack_services.pack_for_member_ensure(actor=actor, meeting=meeting, user_id=actor.pk)
    return conflict


def recommendation_record(
    *, actor: Any, scope: Scope, item_id: int, choice: str, amount: Decimal | None, comment: str
) -> Recommendation:
    """A member's recommendation on a case, before the meeting; recording again replaces their earlier one
    (the audit keeps both)."""
    errors: dict[str, str] = {}
    if choice not in RecommendationChoice.values:
        errors["choice"] = "Select your recommendation"
    if choice == RecommendationChoice.SUPPORT_DIFFERENT_AMOUNT:
        if amount is None:
            errors["amount"] = "Enter the amount you would support"
        elif amount <= 0 or amount != amount.quantize(Decimal("0.01")):
            errors["amount"] = "The amount must be more than £0, in pounds and pence"
    elif amount is not None:
        amount = None  # only a different amount has an amount
    if (
        choice in (RecommendationChoice.DO_NOT_SUPPORT, RecommendationChoice.NEEDS_MORE_INFORMATION)
        and not comment.strip()
    ):
        errors["comment"] = "Say why, so the chair and the school can see the reason"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        item = access(AgendaItem, scope, item_id)
        meeting = _lock_meeting(scope, item.meeting_id)
        if not is_member(scope, meeting.panel_id):
            raise ValidationError("Only members of the panel record recommendations")
        _check("recommend", meeting)
        if meeting.meets_at <= timezone.now():
            raise ValidationError("The meeting has started: recommendations are recorded before it")
        if is_conflicted(user_id=actor.pk, item=item):
            raise Http404  # a conflicted member does not see the case at all
        before = Recommendation.objects.filter(agenda_item=item, member=actor).first()
        recommendation, _ = Recommendation.objects.update_or_create(
            agenda_item=item,
            member=actor,
            defaults={
                "local_authority_id": item.local_authority_id,
                "choice": choice,
                "amount": amount,
                "comment": comment.strip(),
            },
        )
        changes = {
            "choice": [before.choice if before else None, choice],
            "amount": [str(before.amount) if before and before.amount else None, str(amount) if amount else None],
        }
        _audit(
            actor,
            recommendation,
            "recommendation_recorded",
            f"Recommendation on case {item.position} of meeting {meeting.pk}",
            changes,
        )
    return recommendation


# Attendance -----------------------------------------------------------------------------------------------


def attendance_record(*, actor: Any, scope: Scope, meeting_id: int, present_ids: list[int]) -> PanelMeeting:
    """Who is at the meeting (the other members sent apologies). Recorded on the day, by the chair or an LA
    officer; it opens the meeting for decisions. Recording it again replaces it until the minutes are approved."""
    with transaction.atomic():
        meeting = _lock_meeting(scope, meeting_id)
        if not runs_meetings(scope, meeting.panel_id):
            raise ValidationError("Only the chair or an LA officer records attendance")
        _check("record_attendance", meeting)
        if timezone.localdate(meeting.meets_at) > timezone.localdate():
            raise ValidationError(
                f"Attendance is recorded on the day of the meeting, {long_date(timezone.localdate(meeting.meets_at))}"
            )
        members = RoleAssignment.objects.filter(
            role=Role.PANEL_MEMBER, panel_id=meeting.panel_id, membership__is_active=True
        ).values_list("membership__user_id", "panel_role")
        places = dict(members)
        unknown = set(present_ids) - set(places)
        if unknown:
            raise ValidationError({"present": "Select members of this panel only"})
        if PanelDecision.objects.filter(agenda_item__meeting=meeting).exists():
            raise ValidationError("The panel has recorded decisions, so the attendance they were made with stays")
        before = sorted(meeting.attendance.filter(present=True).values_list("member_id", flat=True))
        for user_id, place in places.items():
            Attendance.objects.update_or_create(
                meeting=meeting,
                member_id=user_id,
                defaults={
                    "local_authority_id": meeting.local_authority_id,
                    "panel_role": place or "",
                    "present": user_id in present_ids,
                    "recorded_by": actor,
                },
            )
        _move(meeting, "record_attendance")
        meeting.attendance_recorded_at = timezone.now()
        meeting.save(update_fields=["status", "attendance_recorded_at"])
        _audit(
            actor,
            meeting,
            "attendance_recorded",
            f"Attendance recorded for meeting {meeting.pk}: {len(present_ids)} of {len(places)} members present",
            {"present": [before, sorted(present_ids)]},
        )
    return meeting


def quorum_for(*, meeting: PanelMeeting, item: AgendaItem) -> tuple[int, int]:
    """(members present without a conflict on this case, members the council's quorum needs)."""
    present = set(meeting.attendance.filter(present=True).values_list("member_id", flat=True))
    return len(present - conflicted_member_ids(item=item)), meeting.local_authority.panel_quorum


# Decisions ------------------------------------------------------------------------------------------------


def _decision_checks(*, actor: Any, scope: Scope, item: AgendaItem, meeting: PanelMeeting) -> None:
    if not runs_meetings(scope, meeting.panel_id):
        raise ValidationError("Only the chair or an LA officer records the panel's decisions")
    if is_conflicted(user_id=actor.pk, item=item):
        raise Http404  # a conflicted member neither sees the case nor decides it
    present, needed = quorum_for(meeting=meeting, item=item)
    if present < needed:
        raise ValidationError(
            f"The panel is not quorate for this case: {present} members without a conflict of interest are "
            f"present and {meeting.local_authority.name} needs {needed}"
        )


def _deferral_target(*, meeting: PanelMeeting, deferred_to_id: int | None) -> PanelMeeting:
    target = (
        PanelMeeting.objects.select_for_update()
        .filter(
            pk=deferred_to_id, panel_id=meeting.panel_id, status=MeetingStatus.SCHEDULED, meets_at__gt=meeting.meets_at
        )
        .first()
        if deferred_to_id
        else None
    )
    if target is None:
        raise ValidationError({"deferred_to": "Select a later meeting of this panel whose papers are not issued yet"})
    return target


def _decision_fields(
    *,
    item: AgendaItem,
    outcome: str,
    amount: Decimal | None,
    period_start: datetime.date | None,
    period_end: datetime.date | None,
    reasons: str,
) -> tuple[Decimal | None, datetime.date | None, datetime.date | None]:
    """The refusals only the panel's form has; the money rules are the funding workflow's."""
    funding_request = item.funding_request
    errors: dict[str, str] = {}
    if outcome not in DecisionOutcome.values:
        raise ValidationError({"outcome": "Select the panel's decision"})
    if outcome == DecisionOutcome.APPROVE:
        amount = funding_request.amount_requested
        period_start = period_start or funding_request.period_start
        period_end = period_end or funding_request.period_end
    elif outcome == DecisionOutcome.APPROVE_DIFFERENT_AMOUNT:
        if amount is None:
            errors["amount"] = "Enter the amount the panel approves"
        elif amount == funding_request.amount_requested:
            errors["amount"] = "That is the amount asked for: choose Approve instead"
        period_start = period_start or funding_request.period_start
        period_end = period_end or funding_request.period_end
    else:
        amount = period_start = period_end = None
    if outcome in (DecisionOutcome.DECLINE, DecisionOutcome.MORE_EVIDENCE) and not reasons.strip():
        errors["reasons"] = (
            "Enter the reasons for declining, in plain English: the school reads them in the decision letter"
            if outcome == DecisionOutcome.DECLINE
            else "Enter what evidence the panel needs from the school"
        )
    if errors:
        raise ValidationError(errors)
    return amount, period_start, period_end


def _write_decision(
    *,
    actor: Any,
    item: AgendaItem,
    meeting: PanelMeeting,
    outcome: str,
    amount: Decimal | None,
    period_start: datetime.date | None,
    period_end: datetime.date | None,
    conditions: str,
    reasons: str,
    deferred_to_id: int | None,
    band_id: int | None,
    band_reason: str,
    corrects: PanelDecision | None,
    correction_reason: str,
) -> PanelDecision:
    # Lock the request row only (not the school or council rows the join brings in).
    funding_request = (
        FundingRequest.objects.select_for_update(of=("self",))
        .select_related("local_authority", "school")
        .get(pk=item.funding_request_id)
    )
    item.funding_request = funding_request
    amount, period_start, period_end = _decision_fields(
        item=item, outcome=outcome, amount=amount, period_start=period_start, period_end=period_end, reasons=reasons
    )
    prefix = "panel_correct_" if corrects is not None else "panel_"
    deferred_to = None
    if outcome in APPROVING:
        funding_services.request_panel_transition(
            actor=actor,
            funding_request=funding_request,
            action=prefix + "approve",
            amount=amount,
            start=period_start,
            end=period_end,
            conditions=conditions,
            band_id=band_id,
            band_reason=band_reason,
        )
    elif outcome == DecisionOutcome.DECLINE:
        funding_services.request_panel_transition(
            actor=actor, funding_request=funding_request, action=prefix + "decline", reasons=reasons
        )
    elif outcome == DecisionOutcome.MORE_EVIDENCE:
        funding_services.request_panel_transition(
            actor=actor, funding_request=funding_request, action=prefix + "more_evidence", message=reasons
        )
    else:  # deferred: the request waits for the named meeting, in the same state
        deferred_to = _deferral_target(meeting=meeting, deferred_to_id=deferred_to_id)
        if funding_request.status not in AWAITING_PANEL:
            raise ValidationError(
                f"A request that is {funding_request.get_status_display().lower()} cannot be deferred"
            )
        if not deferred_to.items.filter(funding_request=funding_request).exists():
            _append(actor=actor, meeting=deferred_to, funding_request=funding_request, is_review=item.is_review)
        RequestEvent.objects.create(
            local_authority_id=funding_request.local_authority_id,
            request=funding_request,
            from_status=funding_request.status,
            to_status=funding_request.status,
            actor=actor,
            message=f"Deferred by the panel to its meeting on {_day(deferred_to)}. {reasons.strip()}".strip(),
        )
    decision = PanelDecision.objects.create(
        local_authority_id=item.local_authority_id,
        agenda_item=item,
        funding_request=funding_request,
        outcome=outcome,
        amount=amount,
        period_start=period_start,
        period_end=period_end,
        conditions=conditions.strip(),
        reasons=reasons.strip(),
        deferred_to=deferred_to,
        band=funding_request.decided_band if outcome in APPROVING else None,
        band_reason=funding_request.band_override_reason if outcome in APPROVING else "",
        corrects=corrects,
        correction_reason=correction_reason.strip(),
        after_minutes=meeting.minutes_approved,
        decided_by=actor,
    )
    what = "corrected" if corrects else "recorded"
    _audit(
        actor,
        decision,
        f"decision_{what}",
        f"Panel decision {what} on case {item.position} of meeting {meeting.pk}: {decision.get_outcome_display()}",
    )
    if funding_request.pupil_id:
        audit_record(
            actor=actor,
            local_authority_id=funding_request.local_authority_id,
            action=f"panel_decision_{what}",
            obj=funding_request.pupil,
            summary=f"{meeting.panel.name} decision on funding request {funding_request.pk}: "
            f"{decision.get_outcome_display().lower()}" + (" (a change to its earlier decision)" if corrects else ""),
        )
    if outcome == DecisionOutcome.DEFER:
        from panels.notifications import deferral_notify

        transaction.on_commit(functools.partial(deferral_notify, decision_id=decision.pk))
    return decision


def decision_record(
    *,
    actor: Any,
    scope: Scope,
    item_id: int,
    outcome: str,
    amount: Decimal | None = None,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    conditions: str = "",
    reasons: str = "",
    deferred_to_id: int | None = None,
    band_id: int | None = None,
    band_reason: str = "",
) -> PanelDecision:
    """The panel's decision on a case, at or after the meeting, when it is quorate. An approval commits
    the money from the panel's pot through the ledger, under the same no-overspend guarantee."""
    with transaction.atomic():
        item = access(AgendaItem, scope, item_id)
        meeting = _lock_meeting(scope, item.meeting_id)
        _check("decide", meeting)
        _decision_checks(actor=actor, scope=scope, item=item, meeting=meeting)
        if current_decision(item) is not None:
            raise ValidationError("The panel has already decided this case: change the decision instead")
        return _write_decision(
            actor=actor,
            item=item,
            meeting=meeting,
            outcome=outcome,
            amount=amount,
            period_start=period_start,
            period_end=period_end,
            conditions=conditions,
            reasons=reasons,
            deferred_to_id=deferred_to_id,
            band_id=band_id,
            band_reason=band_reason,
            corrects=None,
            correction_reason="",
        )


def decision_correct(
    *,
    actor: Any,
    scope: Scope,
    decision_id: int,
    correction_reason: str,
    outcome: str,
    amount: Decimal | None = None,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    conditions: str = "",
    reasons: str = "",
    deferred_to_id: int | None = None,
    band_id: int | None = None,
    band_reason: str = "",
) -> PanelDecision:
    """Change a decision (before the minutes are approved) or correct it (after): never an edit, always a
    new decision linked to the one it replaces, with the reason. Money moves with it."""
    if not correction_reason.strip():
        raise ValidationError({"correction_reason": "Enter why the decision is being changed"})
    with transaction.atomic():
        earlier = access(PanelDecision, scope, decision_id)
        item = earlier.agenda_item
        meeting = _lock_meeting(scope, item.meeting_id)
        _check("correct_decision", meeting)
        if meeting.status == MeetingStatus.HELD:
            _decision_checks(actor=actor, scope=scope, item=item, meeting=meeting)
        else:  # after the minutes: the same people, without a quorum (the panel has risen)
            if not runs_meetings(scope, meeting.panel_id):
                raise ValidationError("Only the chair or an LA officer corrects the panel's decisions")
            if is_conflicted(user_id=actor.pk, item=item):
                raise Http404
        earlier = PanelDecision.objects.select_for_update().get(pk=earlier.pk)
        if PanelDecision.objects.filter(corrects=earlier).exists():
            raise ValidationError("This decision has already been changed: change the newer decision instead")
        later = PanelDecision.objects.filter(
            funding_request_id=earlier.funding_request_id, decided_at__gt=earlier.decided_at
        ).exclude(pk=earlier.pk)
        if later.exists():
            raise ValidationError("A later panel decision on this request replaces this one: change that one instead")
        # The case may already be on a later agenda: put there by this decision's deferral (taken off again
        # while that agenda is open), or waiting there for its own decision (which then comes first).
        for later_item in AgendaItem.objects.filter(
            funding_request_id=earlier.funding_request_id,
            meeting__status__in=LIVE_MEETING_STATUSES,
            decisions__isnull=True,
        ).exclude(pk=item.pk):
            deferred_here = earlier.outcome == DecisionOutcome.DEFER and later_item.meeting_id == earlier.deferred_to_id
            if not deferred_here or later_item.meeting.status != MeetingStatus.SCHEDULED:
                raise ValidationError(
                    f"The case is on the agenda of the meeting on {_day(later_item.meeting)}: decide it there"
                )
            later_item.delete()
        return _write_decision(
            actor=actor,
            item=item,
            meeting=meeting,
            outcome=outcome,
            amount=amount,
            period_start=period_start,
            period_end=period_end,
            conditions=conditions,
            reasons=reasons,
            deferred_to_id=deferred_to_id,
            band_id=band_id,
            band_reason=band_reason,
            corrects=earlier,
            correction_reason=correction_reason,
        )


# Minutes --------------------------------------------------------------------------------------------------


def minutes_approve(*, actor: Any, scope: Scope, meeting_id: int) -> PanelMeeting:
    """The chair or an LA officer approves the minutes once every case is decided (or withdrawn by its
    school). After this nobody changes a decision: a correction is a new, linked decision."""
    with transaction.atomic():
        meeting = _lock_meeting(scope, meeting_id)
        if not runs_meetings(scope, meeting.panel_id):
            raise ValidationError("Only the chair or an LA officer approves the minutes")
        _check("approve_minutes", meeting)
        undecided = [
            item.position
            for item in meeting.items.select_related("funding_request")
            if current_decision(item) is None and item.funding_request.status != "withdrawn"
        ]
        if undecided:
            cases = ", ".join(str(p) for p in undecided)
            raise ValidationError(
                f"Record a decision on every case first: case {cases} has none"
                if len(undecided) == 1
                else f"Record a decision on every case first: cases {cases} have none"
            )
        _move(meeting, "approve_minutes")
        meeting.minutes_approved_at, meeting.minutes_approved_by = timezone.now(), actor
        meeting.save(update_fields=["status", "minutes_approved_at", "minutes_approved_by"])
        _audit(actor, meeting, "minutes_approved", f"Minutes of meeting {meeting.pk} approved")
    return meeting
