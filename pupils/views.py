from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import Role
from pupils import selectors
from pupils.models import NationalCurriculumYear, SenStatus
from send_portal.pagination import paginate
from send_portal.policy import tenant_member

PUPIL_READERS = (Role.SENCO, Role.AREA_SEND_LEAD, Role.LA_OFFICER, Role.SPECIALIST)


@tenant_member(*PUPIL_READERS)
def pupil_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.pupil_filters_from_query(request.GET)
    pupils = selectors.pupil_list_for_scope(scope=request.scope, **filters)  # type: ignore[attr-defined]
    page = paginate(request, pupils)
    context = {
        "page_obj": page,
        "filters": filters,
        "statuses": SenStatus.choices,
        "years": NationalCurriculumYear.choices,
        "needs": selectors.need_types_active(),
    }
    return render(request, "pupils/pupil_list.html", context)
