"""The SENCO's dashboard: what needs doing this fortnight, in a handful of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from accounts.scoping import Scope, editable
from pupils.models import Cycle, CycleStatus, Pupil
from pupils.provision import provision_maps

DUE_SOON_DAYS = 14
LIST_LIMIT = 20


@dataclass(frozen=True)
class SencoDashboard:
    due_soon: list[Cycle]
    overdue: list[Cycle]
    overdue_count: int
    due_soon_count: int
    parents_not_informed: list[Pupil]
    parents_not_informed_count: int
    flagged_for_top_up: list[Pupil]


def senco_dashboard(*, scope: Scope, today: datetime.date | None = None) -> SencoDashboard:
    today = today or timezone.localdate()
    register = editable(Pupil, scope).filter(on_register=True)
    open_cycles = Cycle.objects.filter(pupil__in=register, status=CycleStatus.OPEN).select_related("pupil")
    due_soon = open_cycles.filter(review_on__gte=today, review_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))
    overdue = open_cycles.filter(review_on__lt=today)
    not_informed = register.filter(parents_informed_on__isnull=True).order_by("last_name", "first_name", "pk")
    pupils = list(register.select_related("local_authority", "school"))
    flagged = [row.pupil for row in provision_maps(pupils) if row.eligibility.eligible]
    return SencoDashboard(
        due_soon=list(due_soon.order_by("review_on", "pk")[:LIST_LIMIT]),
        due_soon_count=due_soon.count(),
        overdue=list(overdue.order_by("review_on", "pk")[:LIST_LIMIT]),
        overdue_count=overdue.count(),
        parents_not_informed=list(not_informed[:LIST_LIMIT]),
        parents_not_informed_count=not_informed.count(),
        flagged_for_top_up=sorted(flagged, key=lambda p: (p.last_name, p.first_name, p.pk))[:LIST_LIMIT],
    )
