from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from accounts.scoping import access, access_locality, access_school
from localities import selectors, services, training
from localities.forms import MONTHS, SchemeSettingsForm, StaffTrainingForm
from localities.models import StaffTraining
from send_portal.forms import show_service_errors
from send_portal.pagination import paginate
from send_portal.policy import tenant_member

STRUCTURE_READERS = (Role.SENCO, Role.AREA_SEND_LEAD, Role.LA_OFFICER, Role.FINANCE_OFFICER)


@tenant_member(*STRUCTURE_READERS)
def school_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    schools = selectors.school_list_for_scope(scope=request.scope, search=search)  # type: ignore[attr-defined]
    page = paginate(request, schools)
    return render(request, "localities/school_list.html", {"page_obj": page, "search": search})


@tenant_member(*STRUCTURE_READERS)
def school_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    school = access_school(scope, pk)
    context = {
        "school": school,
        "counts": selectors.school_register_counts(school=school),
        "training": paginate(request, training.training_for_school(scope=scope, school=school), per_page=20),
        "can_edit": school.pk in scope.school_ids,
        "sees_casework": scope.has_role(Role.SENCO, Role.AREA_SEND_LEAD, Role.LA_OFFICER),
    }
    return render(request, "localities/school_detail.html", context)


@tenant_member(Role.SENCO)
@require_http_methods(["GET", "POST"])
def training_add(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    school = access_school(scope, pk)
    if school.pk not in scope.school_ids:
        raise Http404
    form = StaffTrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            training.staff_training_add(actor=request.user, scope=scope, school_id=school.pk, **form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, "Training record added")
            return redirect("localities:school-detail", school.pk)
    context = {
        "form": form,
        "page_title": "Add a staff training record",
        "caption": school.name,
        "button_label": "Add training record",
        "back_url": reverse("localities:school-detail", args=[school.pk]),
    }
    return render(request, "govuk/form_page.html", context)


def _training_record(request: HttpRequest, school_pk: int, pk: int) -> StaffTraining:
    """A training record of this school that this user may change: 404 otherwise (missing, another
    school's, or the SENCO's own school's record under another school's URL)."""
    record = access(StaffTraining, request.scope, pk, for_edit=True)  # type: ignore[attr-defined]
    if record.school_id != school_pk:
        raise Http404
    return record


@tenant_member(Role.SENCO)
@require_http_methods(["GET", "POST"])
def training_edit(request: HttpRequest, pk: int, training_pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    record = _training_record(request, pk, training_pk)
    initial = {name: getattr(record, name) for name in ("staff_name", "course", "completed_on", "send_area")}
    form = StaffTrainingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            training.staff_training_update(actor=request.user, scope=scope, training_id=record.pk, **form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, "Training record corrected")
            return redirect("localities:school-detail", pk)
    context = {
        "form": form,
        "page_title": "Correct a staff training record",
        "caption": record.school.name,
        "button_label": "Save changes",
        "back_url": reverse("localities:school-detail", args=[pk]),
    }
    return render(request, "govuk/form_page.html", context)


@tenant_member(Role.SENCO)
@require_http_methods(["GET", "POST"])
def training_remove(request: HttpRequest, pk: int, training_pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    record = _training_record(request, pk, training_pk)
    if request.method == "POST":
        training.staff_training_remove(actor=request.user, scope=scope, training_id=record.pk)
        messages.success(request, "Training record removed")
        return redirect("localities:school-detail", pk)
    return render(request, "localities/training_remove.html", {"record": record, "school": record.school})


@tenant_member(Role.AREA_SEND_LEAD, Role.LA_OFFICER, Role.FINANCE_OFFICER)
def locality_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.locality_list_for_scope(scope=request.scope))  # type: ignore[attr-defined]
    return render(request, "localities/locality_list.html", {"page_obj": page})


@tenant_member(Role.AREA_SEND_LEAD, Role.LA_OFFICER, Role.FINANCE_OFFICER)
def locality_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    locality = access_locality(scope, pk)
    page = paginate(request, selectors.school_list_for_scope(scope=scope, locality_id=locality.pk))
    leads = selectors.area_send_leads_of_locality(locality=locality)
    return render(request, "localities/locality_detail.html", {"locality": locality, "page_obj": page, "leads": leads})


@tenant_member(Role.LA_OFFICER)
def scheme_settings(request: HttpRequest) -> HttpResponse:
    authority = selectors.local_authority_for_scope(scope=request.scope)  # type: ignore[attr-defined]
    month = dict(MONTHS)[authority.financial_year_start_month]
    return render(
        request, "localities/scheme_settings.html", {"authority": authority, "financial_year_start_label": month}
    )


@tenant_member(Role.LA_OFFICER)
@require_http_methods(["GET", "POST"])
def scheme_settings_edit(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    authority = selectors.local_authority_for_scope(scope=scope)
    initial = {name: getattr(authority, name) for name in services.SCHEME_SETTING_FIELDS}
    form = SchemeSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.scheme_settings_update(actor=request.user, scope=scope, data=form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, "Scheme settings saved")
            return redirect("localities:scheme-settings")
    return render(request, "localities/scheme_settings_edit.html", {"form": form, "authority": authority})
