"""Every URL declares who may use it; anything without a declared policy is refused.

Decorate each view (function or class) with one of `public`, `signed_in`, `tenant_member(...)`.
`AccessPolicyMiddleware` enforces the declaration before the view runs, and
tests/test_url_policies.py fails the build when a URL has none.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.generic import RedirectView

logger = logging.getLogger(__name__)
V = TypeVar("V")


@dataclass(frozen=True)
class AccessPolicy:
    kind: str  # "public", "signed_in", "tenant_member", "platform_admin"
    roles: frozenset[str] = frozenset()

    def describe(self) -> str:
        if self.kind == "tenant_member" and self.roles:
            return f"tenant member with role in {sorted(self.roles)}"
        return self.kind


def _declare(policy: AccessPolicy) -> Callable[[V], V]:
    def decorator(view: V) -> V:
        view.access_policy = policy  # type: ignore[attr-defined]
        return view

    return decorator


public = _declare(AccessPolicy("public"))
signed_in = _declare(AccessPolicy("signed_in"))


def tenant_member(*roles: str) -> Callable[[V], V]:
    """Signed in, working in a tenant, and holding one of `roles` there (any role when none given)."""
    return _declare(AccessPolicy("tenant_member", frozenset(roles)))


PLATFORM_ADMIN = AccessPolicy("platform_admin")
REDIRECT_ONLY = AccessPolicy("public")
# Third-party views whose own checks we rely on, declared here rather than by decorator.
MODULE_POLICIES = {
    "django.contrib.admin": PLATFORM_ADMIN,
    # The admin's "view on site" shortcut only redirects to the object's own page, which has its own policy.
    "django.contrib.contenttypes.views": AccessPolicy("signed_in"),
}


def policy_of(view_func: Callable[..., Any]) -> AccessPolicy | None:
    for candidate in (view_func, getattr(view_func, "view_class", None), getattr(view_func, "cls", None)):
        policy = getattr(candidate, "access_policy", None)
        if policy is not None:
            return policy
    if getattr(view_func, "view_class", None) is RedirectView:
        return REDIRECT_ONLY  # a redirect serves nothing; its target declares its own policy
    module = getattr(view_func, "__module__", "") or ""
    for prefix, module_policy in MODULE_POLICIES.items():
        if module.startswith(prefix):
            return module_policy
    return None


class AccessPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        policy = policy_of(view_func)
        if policy is None:
            logger.error("URL %s has no access policy; refusing", request.path)
            raise Http404
        if policy.kind in ("public", "platform_admin"):
            return None
        if not request.user.is_authenticated:
            if request.path.startswith("/api/"):
                return None  # DRF answers 403 with a JSON body
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if policy.kind == "signed_in":
            return None
        scope = getattr(request, "scope", None)
        if scope is None:
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Choose a local authority to work in first."}, status=403)
            return redirect("accounts:choose-authority")
        if policy.roles and not scope.has_role(*policy.roles):
            raise PermissionDenied
        return None
