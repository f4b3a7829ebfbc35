from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import Role
from accounts.scoping import access_panel
from panels.selectors import panel_list_for_scope
from send_portal.pagination import paginate
from send_portal.policy import tenant_member


@tenant_member(Role.PANEL_MEMBER, Role.LA_OFFICER, Role.FINANCE_OFFICER)
def panel_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, panel_list_for_scope(scope=request.scope))  # type: ignore[attr-defined]
    return render(request, "panels/panel_list.html", {"page_obj": page})


@tenant_member(Role.PANEL_MEMBER, Role.LA_OFFICER, Role.FINANCE_OFFICER)
def panel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    panel = access_panel(request.scope, pk)  # type: ignore[attr-defined]
    return render(request, "panels/panel_detail.html", {"panel": panel})
