"""The SENCO's dashboard: what needs doing this fortnight, in a handful of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from accounts.scoping import Scope, editable
from localities.models import LocalAuthority
from pupils import selectors
from pupils.models import Cycle, CycleStatus, Pupil
from pupils.provision import pupils_flagged_for_top_up

DUE_SOON_DAYS = selectors.REVIEW_DUE_DAYS
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
    flagged_for_top_up_count: int
    # The whole list behind each section, on the register (each section shows its first LIST_LIMIT).
    overdue_url: str
    due_soon_url: str
    parents_not_informed_url: str
    flagged_for_top_up_url: str


def _register_url(scope: Scope, **filters: str) -> str:
    """The register filtered as a dashboard section is. The dashboard counts the SENCO's own schools; the
    register shows everything the user may read, so someone who also reads other schools (an Area SEND
    Lead too, say) gets their school named in the link when they have one."""
    params = dict(filters)
    reads_more = bool(scope.locality_ids) or scope.sees_all_pupils
    if reads_more and len(scope.school_ids) == 1:
        params["school"] = str(next(iter(scope.school_ids)))
    return f"{reverse('pupils:list')}?{urlencode(params)}"


def senco_dashboard(*, scope: Scope, today: datetime.date | None = None) -> SencoDashboard:
    today = today or timezone.localdate()
    register = editable(Pupil, scope).filter(on_register=True)
    open_cycles = Cycle.objects.filter(pupil__in=register, status=CycleStatus.OPEN).select_related("pupil")
    due_soon = open_cycles.filter(review_on__gte=today, review_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))
    overdue = open_cycles.filter(review_on__lt=today)
    not_informed = register.filter(parents_informed_on__isnull=True).order_by("last_name", "first_name", "pk")
    authority = LocalAuthority.objects.get(pk=scope.local_authority_id)
    flagged = pupils_flagged_for_top_up(pupils=register, authority=authority)
    return SencoDashboard(
        due_soon=list(due_soon.order_by("review_on", "pk")[:LIST_LIMIT]),
        due_soon_count=due_soon.count(),
        overdue=list(overdue.order_by("review_on", "pk")[:LIST_LIMIT]),
        overdue_count=overdue.count(),
        parents_not_informed=list(not_informed[:LIST_LIMIT]),
        parents_not_informed_count=not_informed.count(),
        flagged_for_top_up=flagged[:LIST_LIMIT],
        flagged_for_top_up_count=len(flagged),
        overdue_url=_register_url(scope, review=selectors.REVIEW_OVERDUE, sort="review"),
        due_soon_url=_register_url(scope, review=selectors.REVIEW_DUE, sort="review"),
        parents_not_informed_url=_register_url(scope, parents=selectors.PARENTS_NOT_INFORMED),
        flagged_for_top_up_url=_register_url(scope, top_up=selectors.TOP_UP_ELIGIBLE),
    )
