from __future__ import annotations

import uuid

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from accounts.models import Role
from pupils.dashboard import senco_dashboard
from send_portal import selectors
from send_portal.policy import public, tenant_member


@tenant_member()
def home(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    summary = selectors.home_summary_for_scope(scope=scope)
    roles = list(request.membership.roles.all())  # type: ignore[attr-defined]
    dashboard = senco_dashboard(scope=scope) if scope.has_role(Role.SENCO) else None
    context = {
        "summary": summary,
        "role_assignments": roles,
        "scope": scope,
        "dashboard": dashboard,
        "dashboard_for_lead": scope.has_role(Role.AREA_SEND_LEAD),
    }
    return render(request, "home.html", context)


@public
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.html")


@public
def cookies(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/cookies.html")


@public
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html")


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_redis() -> str:
    if not settings.REDIS_URL:
        return "not configured (in-process tasks)"
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


def _check_celery() -> str:
    from send_portal.celery import app

    if app.conf.task_always_eager:
        return "not configured (in-process tasks)"
    replies = app.control.ping(timeout=1.0)
    if not replies:
        raise RuntimeError("no worker answered")
    return f"ok ({len(replies)} worker{'s' if len(replies) != 1 else ''})"


@public
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness for load balancers: names the broken part, never leaks details."""
    checks = {}
    healthy = True
    for name, check in (("database", _check_database), ("redis", _check_redis), ("celery", _check_celery)):
        try:
            checks[name] = check()
        except Exception as error:  # noqa: BLE001 - any failure means this part is down
            healthy = False
            checks[name] = f"down ({type(error).__name__})"
            if name == "redis":
                checks["celery"] = "down (no broker)"
                break
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks, "request": uuid.uuid4().hex[:8]},
        status=200 if healthy else 503,
    )


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)
