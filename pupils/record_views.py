from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.scoping import access_pupil
from pupils import services
from pupils.views import PUPIL_READERS
from send_portal.policy import tenant_member


@tenant_member(*PUPIL_READERS)
def pupil_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = access_pupil(request.scope, pk)  # type: ignore[attr-defined]
    services.pupil_record_viewed(actor=request.user, pupil=pupil)
    return render(request, "pupils/pupil_detail.html", {"pupil": pupil})
