"""Every URL declares who may use it; the build fails when one does not."""

from django.urls import URLPattern, URLResolver, get_resolver

from send_portal.policy import policy_of


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def test_every_url_declares_an_access_policy():
    missing = [route for route, callback in _walk(get_resolver().url_patterns) if policy_of(callback) is None]
    assert missing == [], f"URLs without a declared access policy: {missing}"


def test_the_walk_sees_the_project_urls():
    routes = {route for route, _ in _walk(get_resolver().url_patterns)}
    assert "pupils/<int:pk>/" in routes and "healthz" in routes


def test_a_view_without_a_policy_is_refused_at_runtime(rf, django_user_model, db):
    import pytest
    from django.http import Http404, HttpResponse

    from send_portal.policy import AccessPolicyMiddleware

    def undeclared(request):
        return HttpResponse("should never be served")

    request = rf.get("/undeclared/")
    request.user = django_user_model(email="x@example.org")
    middleware = AccessPolicyMiddleware(lambda r: HttpResponse())
    with pytest.raises(Http404):
        middleware.process_view(request, undeclared, (), {})
