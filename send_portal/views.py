from __future__ import annotations

import uuid
from collections.abc import Callable

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
    # The names differ by environment (production uses __Host- prefixed ones): list the ones actually set.
    context = {"session_cookie_name": settings.SESSION_COOKIE_NAME, "csrf_cookie_name": settings.CSRF_COOKIE_NAME}
    return render(request, "pages/cookies.html", context)


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


# Beat answers pings too when its remote control is on (the Compose health check uses it); it is not a worker.
BEAT_NODE_PREFIX = "celerybeat@"


def _check_celery() -> str:
    from send_portal.celery import app

    if app.conf.task_always_eager:
        return "not configured (in-process tasks)"
    replies = app.control.ping(timeout=1.0) or []
    workers = [node for reply in replies for node in reply if not node.startswith(BEAT_NODE_PREFIX)]
    if not workers:
        raise RuntimeError("no worker answered")
    return f"ok ({len(workers)} worker{'s' if len(workers) != 1 else ''})"


def _health_report(parts: list[tuple[str, Callable[[], str]]]) -> JsonResponse:
    """Run each check in order; 200 when all pass, 503 naming the broken part. Never leaks details."""
    checks = {}
    healthy = True
    names = [name for name, _ in parts]
    for name, check in parts:
        try:
            checks[name] = check()
        except Exception as error:  # noqa: BLE001 - any failure means this part is down
            healthy = False
            checks[name] = f"down ({type(error).__name__})"
            if name == "redis" and "celery" in names:
                checks["celery"] = "down (no broker)"
                break
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks, "request": uuid.uuid4().hex[:8]},
        status=200 if healthy else 503,
    )


@public
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The whole service: database, Redis and at least one Celery worker."""
    return _health_report([("database", _check_database), ("redis", _check_redis), ("celery", _check_celery)])


@public
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Can this web process serve pages: database and Redis only. For container and load-balancer health checks,
    so a stopped worker does not take the web containers out of service too (/healthz reports the worker)."""
    return _health_report([("database", _check_database), ("redis", _check_redis)])


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)
