"""Attach the signed-in user's active membership and its Scope to the request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from accounts.scoping import scope_for_membership
from accounts.selectors import active_memberships_for_user

SESSION_KEY = "active_local_authority_id"


class ActiveMembershipMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        request.scope = None  # type: ignore[attr-defined]
        request.memberships = []  # type: ignore[attr-defined]
        if request.user.is_authenticated:
            memberships = active_memberships_for_user(user=request.user)
            request.memberships = memberships  # type: ignore[attr-defined]
            chosen = request.session.get(SESSION_KEY)
            membership = next((m for m in memberships if m.local_authority_id == chosen), None)
            if membership is None and len(memberships) == 1:
                membership = memberships[0]
            if membership is not None:
                request.membership = membership  # type: ignore[attr-defined]
                request.scope = scope_for_membership(membership)  # type: ignore[attr-defined]
        return self.get_response(request)
