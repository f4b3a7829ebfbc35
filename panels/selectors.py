from __future__ import annotations

from django.db.models import QuerySet

from accounts.scoping import Scope, visible
from panels.models import Panel


def panel_list_for_scope(*, scope: Scope) -> QuerySet[Panel]:
    return visible(Panel, scope).order_by("name", "pk")
