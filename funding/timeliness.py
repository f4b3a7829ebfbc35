"""How long requests wait: on each request, the time at each stage; for the LA, the median and 90th
percentile days from submission to decision per panel and per locality, and the cases over the council's
target. Reads only (the events of each request are its history, never rewritten)."""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Min
from django.utils import timezone

from accounts.scoping import Scope, visible
from funding.models import FundingRequest, RequestEvent, RequestStatus, Route
from localities.models import LocalAuthority

DECIDED = (RequestStatus.APPROVED, RequestStatus.DECLINED)
WAITING = (
    RequestStatus.SUBMITTED,
    RequestStatus.MORE_INFORMATION,
    RequestStatus.REFERRED,
    RequestStatus.REVIEW_REQUESTED,
)
DAY = 86400


# One request's stages -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    label: str
    days: float
    is_current: bool

    @property
    def shown(self) -> str:
        if self.days < 1:
            return "less than a day"
        whole = round(self.days)
        return f"{whole} day{'s' if whole != 1 else ''}"


def _stage_label(status: str, *, route: str, referred: bool) -> str | None:
    if status == RequestStatus.DRAFT:
        return "Being written by the school"
    if status == RequestStatus.MORE_INFORMATION:
        return "Waiting for the school to answer a question"
    if status == RequestStatus.REFERRED:
        return "Referred by the Area SEND Lead, waiting for the central panel"
    if status == RequestStatus.REVIEW_REQUESTED:
        return "Waiting for the panel to review its decision"
    if status == RequestStatus.SUBMITTED:
        with_panel = route in (Route.TOP_UP_PANEL, Route.EXCEPTIONAL_PANEL)
        # Before a referral a submitted request sits with the locality; after it, with the panel.
        return (
            "Waiting for the panel"
            if with_panel and (referred or route == Route.TOP_UP_PANEL)
            else "Waiting for the Area SEND Lead"
        )
    return None  # decided or withdrawn: the clock has stopped


def request_stages(
    funding_request: FundingRequest, events: list[RequestEvent], *, now: datetime.datetime | None = None
) -> list[Stage]:
    """Time spent in each stage, in the order first reached; the stage it is in now marked. From the events
    already loaded for the page (no query)."""
    now = now or timezone.now()
    totals: dict[str, float] = {}
    since, referred, current = funding_request.created_at, False, None
    status: str = RequestStatus.DRAFT
    route = funding_request.route
    for event in events:
        label = _stage_label(event.from_status or status, route=route, referred=referred)
        if label is not None:
            totals[label] = totals.get(label, 0.0) + max(0.0, (event.created_at - since).total_seconds()) / DAY
        referred = referred or event.to_status == RequestStatus.REFERRED
        since, status = event.created_at, event.to_status
    label = _stage_label(status, route=route, referred=referred)
    if label is not None:
        totals[label] = totals.get(label, 0.0) + max(0.0, (now - since).total_seconds()) / DAY
        current = label
    return [Stage(label, days, label == current) for label, days in totals.items()]


# The LA's figures -----------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    if not values:
        raise ValueError("No values")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass(frozen=True)
class Group:
    name: str
    decided: int
    median: float | None
    p90: float | None
    over_target: int  # decided later than the target

    @property
    def p90_width(self) -> int:
        return 0 if self.p90 is None else int(self.p90)


@dataclass(frozen=True)
class Overdue:
    funding_request: FundingRequest
    days: int
    where: str


@dataclass(frozen=True)
class Timeliness:
    target_days: int
    since: datetime.date
    until: datetime.date
    decided: int
    median: float | None
    p90: float | None
    over_target: int
    by_panel: list[Group]
    by_locality: list[Group]
    overdue: list[Overdue]
    overdue_count: int

    def chart(self, groups: list[Group]) -> dict[str, object] | None:
        """Bars of the 90th percentile per group against the target line (SVG coordinates)."""
        shown = [g for g in groups if g.p90 is not None][:15]
        if not shown:
            return None
        top = max([self.target_days, *(g.p90 or 0 for g in shown)]) or 1
        width = 420

        def x(days: float) -> int:
            return round(days / top * width)

        bars = [
            {"label": g.name[:30], "y": 8 + i * 26, "width": max(1, x(g.p90 or 0)), "p90": round(g.p90 or 0),
             "late": (g.p90 or 0) > self.target_days}
            for i, g in enumerate(shown)
        ]  # fmt: skip
        return {"bars": bars, "height": 24 + len(bars) * 26, "target_x": 200 + x(self.target_days)}


def _decision_rows(scope: Scope, since: datetime.date, until: datetime.date) -> Any:
    """First decision (approved or declined) of each request this scope may read, decided in the period."""
    requests = visible(FundingRequest, scope).filter(submitted_at__isnull=False)
    return (
        RequestEvent.objects.filter(
            local_authority_id=scope.local_authority_id, to_status__in=DECIDED, request__in=requests.values("pk")
        )
        .values("request_id")
        .annotate(first_decision=Min("created_at"))
        .filter(first_decision__date__gte=since, first_decision__date__lte=until)
    )


def _group(name: str, days: list[float], target: int) -> Group:
    return Group(
        name=name,
        decided=len(days),
        median=percentile(days, 0.5) if days else None,
        p90=percentile(days, 0.9) if days else None,
        over_target=sum(1 for d in days if d > target),
    )


def la_timeliness(*, scope: Scope, since: datetime.date, until: datetime.date, overdue_limit: int = 20) -> Timeliness:
    """Days from submission to first decision, for requests decided in [since, until]: five queries."""
    authority = scope_authority(scope)
    target = authority.decision_target_days
    decided_at = {row["request_id"]: row["first_decision"] for row in _decision_rows(scope, since, until)}
    rows = (
        FundingRequest.objects.filter(pk__in=list(decided_at))
        .values_list("pk", "submitted_at", "panel__name", "school__locality__name", "route")
        .order_by("pk")
    )
    all_days: list[float] = []
    by_panel: dict[str, list[float]] = defaultdict(list)
    by_locality: dict[str, list[float]] = defaultdict(list)
    for pk, submitted_at, panel_name, locality_name, route in rows:
        days = max(0.0, (decided_at[pk] - submitted_at).total_seconds() / DAY)
        all_days.append(days)
        if route in (Route.TOP_UP_PANEL, Route.EXCEPTIONAL_PANEL) and panel_name:
            by_panel[panel_name].append(days)
        else:
            by_panel["Decided in the locality (Area SEND Lead)"].append(days)
        by_locality[locality_name or "Schools in no locality"].append(days)
    waiting = (
        visible(FundingRequest, scope)
        .filter(status__in=WAITING, submitted_at__lt=timezone.now() - datetime.timedelta(days=target))
        .select_related("school", "panel")
        .order_by("submitted_at", "pk")
    )
    now = timezone.now()
    overdue = [
        Overdue(
            r,
            int((now - (r.submitted_at or now)).total_seconds() // DAY),
            r.panel.name if r.panel else r.get_route_display(),
        )
        for r in waiting[:overdue_limit]
    ]
    return Timeliness(
        target_days=target,
        since=since,
        until=until,
        decided=len(all_days),
        median=percentile(all_days, 0.5) if all_days else None,
        p90=percentile(all_days, 0.9) if all_days else None,
        over_target=sum(1 for d in all_days if d > target),
        by_panel=_sorted(by_panel, target),
        by_locality=_sorted(by_locality, target),
        overdue=overdue,
        overdue_count=waiting.count(),
    )


def _sorted(groups: dict[str, list[float]], target: int) -> list[Group]:
    return sorted((_group(name, days, target) for name, days in groups.items()), key=lambda g: g.name)


def scope_authority(scope: Scope) -> LocalAuthority:
    return LocalAuthority.objects.get(pk=scope.local_authority_id)
