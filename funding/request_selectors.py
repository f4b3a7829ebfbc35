"""Reads for the funding request pages: the list, the request page (eligibility, casework, decision,
history, what the user may do) and the choices of the request form. Nothing here writes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import BooleanField, Exists, OuterRef, QuerySet, Value
from django.http import Http404
from django.utils import timezone

from accounts.models import Role
from accounts.scoping import Scope, editable, visible
from funding import services
from funding.models import FundingRequest, RequestEvent, RequestStatus, Route
from funding.workflow import Action, allowed_actions
from pupils.models import GroupIntervention, Pupil

# Requests still waiting on someone: their age is counted in working days from submission.
OPEN_STATUSES = frozenset(
    {RequestStatus.SUBMITTED, RequestStatus.MORE_INFORMATION, RequestStatus.REFERRED, RequestStatus.REVIEW_REQUESTED}
)

STATUS_TAG_COLOURS = {
    RequestStatus.DRAFT: "grey",
    RequestStatus.SUBMITTED: "blue",
    RequestStatus.MORE_INFORMATION: "yellow",
    RequestStatus.APPROVED: "green",
    RequestStatus.DECLINED: "red",
    RequestStatus.REFERRED: "purple",
    RequestStatus.REVIEW_REQUESTED: "orange",
    RequestStatus.WITHDRAWN: "grey",
}

GROUP_PREFIX = "group-"


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Monday-to-Friday days after `start` up to and including `end` (0 when end is not after start).
    Bank holidays are counted as working days: the service keeps no calendar of them."""
    if end <= start:
        return 0
    weeks, extra = divmod((end - start).days, 7)
    return weeks * 5 + sum(1 for day in range(1, extra + 1) if (start + datetime.timedelta(days=day)).weekday() < 5)


# The list -----------------------------------------------------------------------------------------------


def request_filters_from_query(params: Any) -> dict[str, str]:
    """The list's filters from a query string; anything unknown is ignored rather than erroring."""
    status = params.get("status", "")
    return {"status": status if status in RequestStatus.values else ""}


def pupil_visible_annotation(scope: Scope) -> Exists | Value:
    """Whether the row's pupil is one this scope may read (so their name can be shown): in the row's query.
    A request stays with the school that made it; its pupil may since have moved out of the reader's reach."""
    pupils = visible(Pupil, scope)
    if pupils.query.is_empty():
        return Value(False, output_field=BooleanField())
    return Exists(pupils.filter(pk=OuterRef("pupil_id")))


def request_list_for_scope(*, scope: Scope, status: str = "") -> QuerySet[FundingRequest]:
    """The requests this scope may read, newest first, with what each row shows joined in (one query)."""
    requests = visible(FundingRequest, scope).select_related("school", "pupil", "group_intervention")
    if status:
        requests = requests.filter(status=status)
    return requests.annotate(pupil_visible=pupil_visible_annotation(scope)).order_by("-created_at", "-pk")


@dataclass(frozen=True)
class RequestRow:
    funding_request: FundingRequest
    for_whom: str
    days_waiting: int | None

    @property
    def tag_colour(self) -> str:
        return STATUS_TAG_COLOURS[RequestStatus(self.funding_request.status)]


def for_whom(funding_request: FundingRequest, *, pupil_visible: bool) -> str:
    """Who the money is for, as this user may see it: a pupil's name only for those who may read the pupil."""
    if funding_request.group_intervention_id:
        group = funding_request.group_intervention
        return f"Group intervention: {group.name}" if group else "Group intervention"
    pupil = funding_request.pupil
    if pupil is not None and pupil_visible:
        return pupil.full_name
    return f"Pupil reference {funding_request.pupil_id}"


def days_waiting(funding_request: FundingRequest, today: datetime.date) -> int | None:
    if funding_request.status not in OPEN_STATUSES or funding_request.submitted_at is None:
        return None
    return working_days_between(timezone.localdate(funding_request.submitted_at), today)


def request_rows(requests: Any, *, today: datetime.date) -> list[RequestRow]:
    """The rows of one page of `request_list_for_scope` (no further queries)."""
    return [
        RequestRow(r, for_whom(r, pupil_visible=bool(getattr(r, "pupil_visible", False))), days_waiting(r, today))
        for r in requests
    ]


# The request page ---------------------------------------------------------------------------------------


def request_for_page(*, scope: Scope, pk: Any) -> FundingRequest:
    """One request this scope may read, with what its page shows joined in: 404 for missing and forbidden."""
    try:
        return (
            visible(FundingRequest, scope)
            .select_related(
                "local_authority", "school", "school__locality", "pupil", "group_intervention", "panel", "decided_by"
            )
            .get(pk=pk)
        )
    except (FundingRequest.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def pupil_visible_to(scope: Scope, funding_request: FundingRequest) -> bool:
    if funding_request.pupil_id is None:
        return False
    return visible(Pupil, scope).filter(pk=funding_request.pupil_id).exists()


def request_history(funding_request: FundingRequest) -> list[RequestEvent]:
    return list(funding_request.events.select_related("actor").order_by("created_at", "pk"))


def last_message_to(events: list[RequestEvent], status: str) -> RequestEvent | None:
    """The latest event that moved the request into `status` (the question asked, the reason for a referral)."""
    matching = [event for event in events if event.to_status == status]
    return matching[-1] if matching else None


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: list[str]
    route_label: str
    is_preview: bool  # a draft's: what submission would find today, not stored


def eligibility_for_page(funding_request: FundingRequest) -> Eligibility | None:
    """The eligibility stored at submission, or for a draft a preview computed now (nothing is saved)."""
    if funding_request.status == RequestStatus.DRAFT:
        route, _panel = services.route_for(funding_request)
        result = services.eligibility_for(funding_request, route)
        return Eligibility(bool(result["eligible"]), list(result["reasons"]), Route(route).label, True)
    if not funding_request.eligibility:
        return None
    stored = funding_request.eligibility
    return Eligibility(
        bool(stored.get("eligible")), list(stored.get("reasons", [])), funding_request.get_route_display(), False
    )


def _date_or_none(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def casework_for_page(funding_request: FundingRequest) -> dict[str, Any] | None:
    """The casework attached at submission (or for a draft, what would be attached now), ready to show:
    dates as dates and amounts as Decimal."""
    if funding_request.status == RequestStatus.DRAFT:
        snapshot = services.snapshot_for(funding_request)
        is_preview = True
    else:
        snapshot = funding_request.snapshot
        is_preview = False
    if not snapshot:
        return None
    casework: dict[str, Any] = {**snapshot, "is_preview": is_preview}
    cycle = snapshot.get("current_cycle")
    if cycle:
        casework["current_cycle"] = {
            **cycle,
            "started_on": _date_or_none(cycle.get("started_on")),
            "review_on": _date_or_none(cycle.get("review_on")),
        }
    casework["provision"] = [{**line, "cost": Decimal(line["cost"])} for line in snapshot.get("provision", [])]
    group = snapshot.get("group")
    if group:  # requests submitted before the group's costs were attached have its name and size only
        casework["group"] = {
            **group,
            **{key: Decimal(group[key]) for key in ("annual_cost", "cost_per_pupil") if group.get(key) is not None},
        }
    for key in ("total", "threshold", "above_threshold"):
        if snapshot.get(key) is not None:
            casework[key] = Decimal(snapshot[key])
    return casework


@dataclass(frozen=True)
class PageActions:
    senco: list[Action]  # taken on this page (POST forms)
    area_lead: list[Action]  # taken on the decision page
    can_edit: bool


def actions_for(scope: Scope, funding_request: FundingRequest) -> PageActions:
    """What this user may do to this request now: the workflow's actions for their roles, narrowed to the
    requests their scope lets them act on (their own school's; their own locality's)."""
    actions = allowed_actions(funding_request.status, scope.roles)
    is_school = funding_request.school_id in scope.school_ids
    decides = (
        funding_request.route == Route.LOCALITY
        and funding_request.school.locality_id in scope.locality_ids
        and not is_school  # nobody decides their own school's request
    )
    with_panel = funding_request.route in (Route.TOP_UP_PANEL, Route.EXCEPTIONAL_PANEL)
    return PageActions(
        senco=[a for a in actions if a.role == Role.SENCO and is_school and (a.name != "ask_for_review" or with_panel)],
        area_lead=[a for a in actions if a.role == Role.AREA_SEND_LEAD and decides],
        can_edit=is_school and scope.has_role(Role.SENCO) and funding_request.status == RequestStatus.DRAFT,
    )


def panel_decisions_for_page(scope: Scope, funding_request: FundingRequest) -> list[Any]:
    """The panel's decisions on this request, oldest first, each with its meeting (one query). Finance
    officers read the money, not the letters about the child."""
    if funding_request.route not in (Route.TOP_UP_PANEL, Route.EXCEPTIONAL_PANEL) or not shows_casework(scope):
        return []
    return list(
        funding_request.panel_decisions.select_related(
            "agenda_item__meeting__panel", "deferred_to", "corrects"
        ).order_by("decided_at", "pk")
    )


def shows_casework(scope: Scope) -> bool:
    """A pupil's needs and outcomes are for the school and the people who decide: finance officers see
    the costs but not the casework (they read money, not children's records)."""
    return scope.has_role(Role.SENCO, Role.AREA_SEND_LEAD, Role.LA_OFFICER, Role.PANEL_MEMBER)


# The request form ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecipientChoice:
    value: str  # a pupil's id, or "group-<id>" for a group intervention
    label: str
    school_id: int
    pupil_id: int | None
    group_intervention_id: int | None


def request_recipients(*, scope: Scope) -> list[RecipientChoice]:
    """Who a SENCO may ask for funding for: their schools' pupils on the SEN register, then their
    schools' running group interventions."""
    pupils = (
        editable(Pupil, scope)
        .filter(on_register=True)
        .select_related("school")
        .order_by("last_name", "first_name", "pk")
    )
    groups = editable(GroupIntervention, scope).filter(is_running=True).select_related("school").order_by("name", "pk")
    several_schools = len(scope.school_ids) > 1
    choices = []
    for pupil in pupils:
        label = f"{pupil.last_name}, {pupil.first_name} ({pupil.get_nc_year_display()})"
        if several_schools:
            label += f", {pupil.school.name}"
        choices.append(RecipientChoice(str(pupil.pk), label, pupil.school_id, pupil.pk, None))
    for group in groups:
        label = f"Group intervention: {group.name}"
        if several_schools:
            label += f", {group.school.name}"
        choices.append(RecipientChoice(f"{GROUP_PREFIX}{group.pk}", label, group.school_id, None, group.pk))
    return choices


def recipient_value(funding_request: FundingRequest) -> str:
    if funding_request.group_intervention_id:
        return f"{GROUP_PREFIX}{funding_request.group_intervention_id}"
    return str(funding_request.pupil_id or "")


def draft_initial(funding_request: FundingRequest) -> dict[str, Any]:
    return {
        "pupil": recipient_value(funding_request),
        "amount_requested": funding_request.amount_requested,
        "period_start": funding_request.period_start,
        "period_end": funding_request.period_end,
        "purpose": funding_request.purpose,
        "outcomes_served": funding_request.outcomes_served,
        "is_exceptional": funding_request.is_exceptional,
    }
