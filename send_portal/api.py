"""Shared API plumbing: every API class is scoped through request.scope and declares its roles."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request


class HasTenantScope(BasePermission):
    """The user is working in a tenant (request.scope set by ActiveMembershipMiddleware)."""

    message = "Choose a local authority to work in first."

    def has_permission(self, request: Request, view: Any) -> bool:
        return getattr(request._request, "scope", None) is not None


def scope_of(request: Request) -> Any:
    return request._request.scope  # type: ignore[attr-defined]
