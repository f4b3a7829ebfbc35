from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from accounts.models import Membership, RoleAssignment


def active_memberships_for_user(*, user: Any) -> list[Membership]:
    """The user's active memberships with their tenant and roles (two queries, whatever the count)."""
    return list(
        Membership.objects.filter(user=user, is_active=True)
        .select_related("local_authority")
        .prefetch_related(
            Prefetch("roles", queryset=RoleAssignment.objects.select_related("school", "locality", "panel"))
        )
        .order_by("local_authority__name")
    )
