from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import PanelRole, Role, RoleAssignment
from accounts.scoping import Scope, visible
from funding.models import FundingRequest
from panels.models import (
    AgendaItem,
    Attendance,
    ConflictOfInterest,
    MeetingStatus,
    Panel,
    PanelDecision,
    PanelMeeting,
    Recommendation,
)
from send_portal.text import long_date


def panel_list_for_scope(*, scope: Scope) -> QuerySet[Panel]:
    return visible(Panel, scope).order_by("name", "pk")


def panel_members(*, panel: Panel) -> list[tuple[str, str]]:
    """(name, place on the panel) for each active member, chair first (one query)."""
    rows = (
        RoleAssignment.objects.filter(
            role=Role.PANEL_MEMBER, panel=panel, membership__is_active=True, membership__user__is_active=True
        )
        .values_list("membership__user__full_name", "panel_role")
        .order_by("membership__user__full_name")
    )
    order = {value: index for index, value in enumerate(PanelRole.values)}
    members = [(name, PanelRole(role).label if role else "Member") for name, role in rows]
    return sorted(
        members, key=lambda m: (order.get(next((v for v, lbl in PanelRole.choices if lbl == m[1]), ""), 99), m[0])
    )


def meetings_of(*, scope: Scope, panel: Panel, upcoming: bool) -> QuerySet[PanelMeeting]:
    meetings = visible(PanelMeeting, scope).filter(panel=panel)
    now = timezone.now()
    if upcoming:
        return meetings.filter(meets_at__gte=now).order_by("meets_at", "pk")
    return meetings.filter(meets_at__lt=now).order_by("-meets_at", "-pk")


# A meeting's page -----------------------------------------------------------------------------------------


def meeting_for_page(*, scope: Scope, pk: Any) -> PanelMeeting:
    try:
        return visible(PanelMeeting, scope).select_related("panel", "local_authority", "minutes_approved_by").get(pk=pk)
    except (PanelMeeting.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@dataclass(frozen=True)
class AgendaRow:
    item: AgendaItem
    withheld: bool  # the reader declared a conflict of interest on this case
    for_whom: str
    decision: PanelDecision | None
    conflicts: list[ConflictOfInterest]
    my_recommendation: Recommendation | None
    recommendations: int
    present: int  # members present without a conflict on this case

    @property
    def funding_request(self) -> FundingRequest:
        return self.item.funding_request


def _current(decisions: list[PanelDecision]) -> PanelDecision | None:
    corrected = {d.corrects_id for d in decisions if d.corrects_id}
    live = [d for d in decisions if d.pk not in corrected]
    return max(live, key=lambda d: (d.decided_at, d.pk)) if live else None


def agenda_rows(*, scope: Scope, meeting: PanelMeeting) -> list[AgendaRow]:
    """The agenda as this reader sees it: five queries whatever its length."""
    items = list(
        visible(AgendaItem, scope)
        .filter(meeting=meeting)
        .select_related("funding_request__school", "funding_request__pupil", "funding_request__group_intervention")
        .order_by("position", "pk")
    )
    ids = [item.pk for item in items]
    request_ids = [item.funding_request_id for item in items]
    # A conflict is with the case: one declared when it came to an earlier meeting counts here too.
    conflicts: dict[int, list[ConflictOfInterest]] = defaultdict(list)  # by request
    mine: set[int] = set()
    for conflict in ConflictOfInterest.objects.filter(
        local_authority_id=scope.local_authority_id, agenda_item__funding_request_id__in=request_ids
    ).select_related("member", "agenda_item"):
        if conflict.member_id == scope.user_id:
            mine.add(conflict.agenda_item.funding_request_id)
        conflicts[conflict.agenda_item.funding_request_id].append(conflict)
    decisions: dict[int, list[PanelDecision]] = defaultdict(list)
    for decision in PanelDecision.objects.filter(agenda_item_id__in=ids).select_related("deferred_to"):
        decisions[decision.agenda_item_id].append(decision)
    recommendations: dict[int, int] = defaultdict(int)
    my_recommendations: dict[int, Recommendation] = {}
    for recommendation in Recommendation.objects.filter(agenda_item_id__in=ids):
        recommendations[recommendation.agenda_item_id] += 1
        if recommendation.member_id == scope.user_id:
            my_recommendations[recommendation.agenda_item_id] = recommendation
    present = set(meeting.attendance.filter(present=True).values_list("member_id", flat=True))
    names_visible = scope.sees_all_pupils
    rows = []
    for item in items:
        withheld = item.funding_request_id in mine
        request = item.funding_request
        if withheld:
            who = "Withheld: a conflict of interest is recorded for you"
        elif request.group_intervention_id:
            who = f"Group intervention: {request.group_intervention.name}"  # type: ignore[union-attr]
        elif names_visible and request.pupil is not None:
            who = request.pupil.full_name
        else:
            who = f"Pupil reference {request.pupil_id}"
        rows.append(
            AgendaRow(
                item=item,
                withheld=withheld,
                for_whom=who,
                decision=_current(decisions[item.pk]),
                conflicts=conflicts[item.funding_request_id],
                my_recommendation=my_recommendations.get(item.pk),
                recommendations=recommendations[item.pk],
                present=len(present - {c.member_id for c in conflicts[item.funding_request_id]}),
            )
        )
    return rows


def waiting_for_panel(*, scope: Scope, panel: Panel) -> list[FundingRequest]:
    """Requests with this panel on no live agenda, oldest submission first (LA officers build agendas)."""
    from panels.services import waiting_requests

    return list(
        waiting_requests(panel=panel)
        .filter(pk__in=visible(FundingRequest, scope).values("pk"))
        .select_related("school", "pupil", "group_intervention")[:200]
    )


def waiting_count(*, panel: Panel) -> int:
    from panels.services import waiting_requests

    return int(waiting_requests(panel=panel).count())


def later_meetings(*, meeting: PanelMeeting) -> list[tuple[int, str]]:
    """Meetings a case can be deferred to: this panel's, later, agenda still open."""
    rows = PanelMeeting.objects.filter(
        panel_id=meeting.panel_id, status=MeetingStatus.SCHEDULED, meets_at__gt=meeting.meets_at
    ).order_by("meets_at")[:20]
    return [
        (m.pk, f"{long_date(timezone.localdate(m.meets_at))} at {timezone.localtime(m.meets_at):%H:%M}") for m in rows
    ]


def attendance_choices(*, meeting: PanelMeeting) -> tuple[list[tuple[int, str]], list[int]]:
    """(members as choices with their place on the panel, those recorded present so far)."""
    rows = (
        RoleAssignment.objects.filter(role=Role.PANEL_MEMBER, panel_id=meeting.panel_id, membership__is_active=True)
        .values_list("membership__user_id", "membership__user__full_name", "panel_role")
        .order_by("membership__user__full_name")
    )
    choices = [(user_id, f"{name} ({PanelRole(role).label if role else 'Member'})") for user_id, name, role in rows]
    present = list(meeting.attendance.filter(present=True).values_list("member_id", flat=True))
    return choices, present


def attendance_of(*, meeting: PanelMeeting) -> list[Attendance]:
    return list(meeting.attendance.select_related("member").order_by("-present", "member__full_name"))


# A case's page --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CasePage:
    item: AgendaItem
    meeting: PanelMeeting
    withheld: bool
    conflicts: list[ConflictOfInterest]
    recommendations: list[Recommendation]
    decisions: list[PanelDecision]
    current: PanelDecision | None
    present: int
    quorum: int


def case_for_page(*, scope: Scope, pk: Any) -> CasePage:
    try:
        item = (
            visible(AgendaItem, scope)
            .select_related("meeting__panel", "meeting__local_authority", "funding_request__school",
                            "funding_request__pupil", "funding_request__group_intervention")
            .get(pk=pk)
        )  # fmt: skip
    except (AgendaItem.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    from panels.services import is_conflicted

    withheld = is_conflicted(user_id=scope.user_id, item=item)
    conflicts = list(item.conflicts.select_related("member").order_by("declared_at"))
    sees_all = scope.has_role(Role.LA_OFFICER) or _is_chair(scope, item.meeting.panel_id)
    recommendations = list(item.recommendations.select_related("member").order_by("member__full_name"))
    if not sees_all:
        recommendations = [r for r in recommendations if r.member_id == scope.user_id]
        conflicts = [c for c in conflicts if c.member_id == scope.user_id]
    decisions = list(
        item.decisions.select_related("decided_by", "deferred_to", "band", "corrects").order_by("decided_at", "pk")
    )
    from panels.services import conflicted_member_ids

    present = set(item.meeting.attendance.filter(present=True).values_list("member_id", flat=True))
    conflicted = conflicted_member_ids(item=item)
    return CasePage(
        item=item,
        meeting=item.meeting,
        withheld=withheld,
        conflicts=conflicts,
        recommendations=recommendations,
        decisions=decisions,
        current=_current(decisions),
        present=len(present - conflicted),
        quorum=item.meeting.local_authority.panel_quorum,
    )


def _is_chair(scope: Scope, panel_id: int) -> bool:
    from panels.services import is_chair

    return is_chair(scope, panel_id)


def decision_for_letter(*, scope: Scope, pk: Any) -> PanelDecision:
    """A decision whose letter this reader may download: they may read the request (the school, its Area SEND
    Lead, LA officers, the panel's members without a conflict) and it is not a finance officer's casework."""
    readable = visible(FundingRequest, scope).values("pk")
    try:
        return PanelDecision.objects.filter(
            local_authority_id=scope.local_authority_id, funding_request__in=readable
        ).get(pk=pk)
    except (PanelDecision.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
