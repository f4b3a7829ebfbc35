from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import PanelRole, Role, RoleAssignment
from accounts.scoping import Scope, visible
from panels.models import Panel, PanelMeeting


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
