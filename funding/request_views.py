from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import Role
from accounts.scoping import access
from funding.models import FundingRequest
from send_portal.policy import tenant_member

REQUEST_READERS = (Role.SENCO, Role.AREA_SEND_LEAD, Role.LA_OFFICER, Role.FINANCE_OFFICER, Role.PANEL_MEMBER)


@tenant_member(*REQUEST_READERS)
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    funding_request = access(FundingRequest, request.scope, pk)  # type: ignore[attr-defined]
    return render(request, "funding/request_detail.html", {"funding_request": funding_request})
