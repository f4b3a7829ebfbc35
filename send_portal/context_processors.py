from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from accounts.models import Role

# Service navigation by role: (label, url name, roles that see it). Order is the order shown.
NAVIGATION: list[tuple[str, str, frozenset[str]]] = [
    ("Home", "home", frozenset(Role.values)),
    ("Pupils", "pupils:list", frozenset({Role.SENCO, Role.AREA_SEND_LEAD, Role.LA_OFFICER, Role.SPECIALIST})),
    (
        "Schools",
        "localities:school-list",
        frozenset({Role.SENCO, Role.AREA_SEND_LEAD, Role.LA_OFFICER, Role.FINANCE_OFFICER}),
    ),
    (
        "Localities",
        "localities:locality-list",
        frozenset({Role.AREA_SEND_LEAD, Role.LA_OFFICER, Role.FINANCE_OFFICER}),
    ),
    ("Panels", "panels:list", frozenset({Role.PANEL_MEMBER, Role.LA_OFFICER})),
    (
        "Funding requests",
        "funding:request-list",
        frozenset({Role.SENCO, Role.AREA_SEND_LEAD, Role.LA_OFFICER, Role.FINANCE_OFFICER}),
    ),
    ("Queue", "funding:queue", frozenset({Role.AREA_SEND_LEAD})),
    ("Dashboard", "funding:dashboard", frozenset({Role.AREA_SEND_LEAD})),
    ("Funding overview", "funding:la-overview", frozenset({Role.LA_OFFICER, Role.FINANCE_OFFICER})),
    (
        "Budgets",
        "funding:budget-list",
        frozenset({Role.AREA_SEND_LEAD, Role.LA_OFFICER, Role.FINANCE_OFFICER, Role.PANEL_MEMBER}),
    ),
    ("Reports", "funding:report-list", frozenset({Role.AREA_SEND_LEAD, Role.LA_OFFICER, Role.FINANCE_OFFICER})),
    ("Scheme settings", "localities:scheme-settings", frozenset({Role.LA_OFFICER})),
]


def service(request: HttpRequest) -> dict[str, Any]:
    scope = getattr(request, "scope", None)
    items = []
    if scope is not None:
        for label, url_name, roles in NAVIGATION:
            if scope.roles & roles:
                try:
                    url = reverse(url_name)
                except NoReverseMatch:  # a page not installed in this build
                    continue
                current = request.path == url if url == "/" else request.path.startswith(url)
                items.append({"label": label, "url": url, "current": current})
    return {
        "service_name": settings.SERVICE_NAME,
        "navigation_items": items,
        "active_membership": getattr(request, "membership", None),
        "has_several_memberships": len(getattr(request, "memberships", [])) > 1,
    }
