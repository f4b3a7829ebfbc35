from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from accounts.scoping import access_panel
from panels import selectors, services
from panels.forms import MeetingForm
from send_portal.forms import show_service_errors
from send_portal.pagination import paginate
from send_portal.policy import tenant_member

PANEL_READERS = (Role.PANEL_MEMBER, Role.LA_OFFICER, Role.FINANCE_OFFICER)


@tenant_member(*PANEL_READERS)
def panel_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.panel_list_for_scope(scope=request.scope))  # type: ignore[attr-defined]
    return render(request, "panels/panel_list.html", {"page_obj": page})


@tenant_member(*PANEL_READERS)
def panel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    panel = access_panel(scope, pk)
    context = {
        "panel": panel,
        "members": selectors.panel_members(panel=panel),
        "upcoming": paginate(request, selectors.meetings_of(scope=scope, panel=panel, upcoming=True), per_page=10),
        "past": list(selectors.meetings_of(scope=scope, panel=panel, upcoming=False)[:10]),
        "can_schedule": scope.has_role(Role.LA_OFFICER),
    }
    return render(request, "panels/panel_detail.html", context)


@tenant_member(Role.LA_OFFICER)
@require_http_methods(["GET", "POST"])
def meeting_add(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    panel = access_panel(scope, pk)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_schedule(actor=request.user, scope=scope, panel_id=panel.pk, **form.service_kwargs())
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, "Meeting scheduled")
            return redirect("panels:detail", panel.pk)
    context = {
        "form": form,
        "page_title": "Schedule a meeting",
        "caption": panel.name,
        "button_label": "Schedule meeting",
        "back_url": reverse("panels:detail", args=[panel.pk]),
    }
    return render(request, "govuk/form_page.html", context)
