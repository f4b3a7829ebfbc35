"""The SEN register: the list and its CSV export (for everyone who reads the register), and the pages
where a SENCO adds, changes, moves, removes and returns their own schools' pupils."""

from __future__ import annotations

import csv
import datetime
import itertools
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role
from accounts.scoping import access_pupil
from pupils import selectors, services
from pupils.forms import PupilForm, PupilMoveForm, PupilRemoveForm, PupilReturnForm
from pupils.models import NationalCurriculumYear
from send_portal.forms import show_service_errors
from send_portal.pagination import paginate
from send_portal.policy import tenant_member

PUPIL_READERS = (Role.SENCO, Role.AREA_SEND_LEAD, Role.LA_OFFICER, Role.SPECIALIST)
# The whole register (list export): not specialists, who see only the pupils referred to them.
REGISTER_EXPORTERS = (Role.SENCO, Role.AREA_SEND_LEAD, Role.LA_OFFICER)


def _bound(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@tenant_member(*PUPIL_READERS)
def pupil_list(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    filters = selectors.pupil_filters_from_query(request.GET)
    today = timezone.localdate()
    page = paginate(request, selectors.pupil_list_for_scope(scope=scope, **filters))
    context = {
        "page_obj": page,
        "filters": filters,
        "statuses": [(status.value, status.label) for status in selectors.STATUS_FILTERS],
        "years": NationalCurriculumYear.choices,
        "needs": selectors.need_types_active(),
        "schools": selectors.register_school_choices(scope=scope),
        "reviews": selectors.REVIEW_FILTERS,
        "parents_filters": selectors.PARENTS_FILTERS,
        "top_up_filters": selectors.TOP_UP_FILTERS,
        "sorts": selectors.SORT_LABELS,
        "today": today,
        "review_due_by": today + datetime.timedelta(days=selectors.REVIEW_DUE_DAYS),
        "editable_school_ids": scope.school_ids if scope.has_role(Role.SENCO) else frozenset(),
        "can_add": scope.has_role(Role.SENCO),
        "can_export": scope.has_role(*REGISTER_EXPORTERS),
    }
    return render(request, "pupils/pupil_list.html", context)


class _Echo:
    """A file-like object for csv.writer that hands each line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


@tenant_member(*REGISTER_EXPORTERS)
@require_GET
def register_export(request: HttpRequest) -> StreamingHttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    filters = selectors.pupil_filters_from_query(request.GET)
    services.register_exported(actor=request.user, scope=scope, filters=filters)
    writer = csv.writer(_Echo())
    lines = (writer.writerow(row) for row in selectors.register_csv_rows(scope=scope, **filters))
    # A byte order mark, so spreadsheet programs read the names' accents as UTF-8.
    response = StreamingHttpResponse(itertools.chain(["\ufeff"], lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sen-register-{timezone.localdate():%Y-%m-%d}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@tenant_member(Role.SENCO)
@require_http_methods(["GET", "POST"])
def pupil_add(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    form = PupilForm(
        _bound(request),
        schools=list(selectors.schools_for_senco(scope=scope)),
        needs=list(selectors.need_types_active()),
        statuses=selectors.sen_status_choices(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            pupil = services.pupil_add(actor=request.user, scope=scope, **form.service_kwargs())
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, "Pupil added to the SEN register")
            return redirect("pupils:detail", pupil.pk)
    context = {"form": form, "title": "Add a pupil to the SEN register", "button": "Add pupil"}
    return render(request, "pupils/pupil_form.html", context)


@tenant_member(Role.SENCO)
@require_http_methods(["GET", "POST"])
def pupil_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    pupil = access_pupil(scope, pk, for_edit=True)
    needs = list(selectors.need_types_for_choice(keep_ids=(pupil.primary_need_id, pupil.secondary_need_id)))
    codes = {need.pk: need.code for need in needs}
    initial = {
        "upn": pupil.upn,
        "first_name": pupil.first_name,
        "last_name": pupil.last_name,
        "date_of_birth": pupil.date_of_birth,
        "nc_year": pupil.nc_year,
        "sen_status": pupil.sen_status,
        "primary_need": codes.get(pupil.primary_need_id or 0, ""),
        "secondary_need": codes.get(pupil.secondary_need_id or 0, ""),
        "ehcp_issued_on": pupil.ehcp_issued_on,
        "sen_support_since": pupil.sen_support_since,
        "joined_school_on": pupil.joined_school_on,
    }
    form = PupilForm(
        _bound(request),
        initial=initial,
        needs=needs,
        statuses=selectors.sen_status_choices(current=pupil.sen_status),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.pupil_update(actor=request.user, scope=scope, pupil_id=pupil.pk, **form.service_kwargs())
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, "Pupil details saved")
            return redirect("pupils:detail", pupil.pk)
    context = {"form": form, "pupil": pupil, "title": "Change pupil details", "button": "Save changes"}
    return render(request, "pupils/pupil_form.html", context)


@tenant_member(Role.SENCO)
@require_http_methods(["GET", "POST"])
def pupil_move(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    pupil = access_pupil(scope, pk, for_edit=True)
    schools = list(selectors.schools_open_in_tenant(scope=scope, exclude_id=pupil.school_id))
    form = PupilMoveForm(_bound(request), schools=schools)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            move = services.pupil_move(
                actor=request.user,
                scope=scope,
                pupil_id=pupil.pk,
                to_school_id=data["to_school"],
                moved_on=data["moved_on"],
                reason=data["reason"],
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, f"Pupil moved to {move.to_school.name}")
            if move.to_school_id in scope.school_ids:
                return redirect("pupils:detail", pupil.pk)
            return redirect("pupils:list")  # the pupil is now another school's: this SENCO no longer sees them
    return render(request, "pupils/register_move.html", {"form": form, "pupil": pupil})


@tenant_member(Role.SENCO)
@require_http_methods(["GET", "POST"])
def pupil_remove(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    pupil = access_pupil(scope, pk, for_edit=True)
    form = PupilRemoveForm(_bound(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.pupil_remove(
                actor=request.user,
                scope=scope,
                pupil_id=pupil.pk,
                removed_on=data["removed_on"],
                reason=data["reason"],
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, "Pupil removed from the SEN register")
            return redirect("pupils:detail", pupil.pk)
    return render(request, "pupils/register_remove.html", {"form": form, "pupil": pupil})


@tenant_member(Role.SENCO)
@require_http_methods(["GET", "POST"])
def pupil_return(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    pupil = access_pupil(scope, pk, for_edit=True)
    form = PupilReturnForm(_bound(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.pupil_return(actor=request.user, scope=scope, pupil_id=pupil.pk)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, "Pupil returned to the SEN register")
            return redirect("pupils:detail", pupil.pk)
    return render(request, "pupils/register_return.html", {"form": form, "pupil": pupil})
