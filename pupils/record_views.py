"""The pupil record (needs, parents informed, views, contacts, timeline, costed provision) and the
school's provision map with its group interventions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from accounts.scoping import access, access_pupil, access_school, visible
from pupils import provision, record_selectors, record_services, services
from pupils.models import GroupIntervention, Pupil, PupilContact
from pupils.record_forms import ContactForm, GroupInterventionForm, GroupMembersForm, ParentsInformedForm, VoiceForm
from pupils.views import PUPIL_READERS
from send_portal.forms import show_service_errors
from send_portal.pagination import paginate
from send_portal.policy import tenant_member

SCHOOL_CASEWORK_READERS = (Role.SENCO, Role.AREA_SEND_LEAD, Role.LA_OFFICER)


@tenant_member(*PUPIL_READERS)
def pupil_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    pupil = record_selectors.pupil_for_record(pupil=access_pupil(scope, pk))
    services.pupil_record_viewed(actor=request.user, pupil=pupil)
    timeline = paginate(request, record_selectors.pupil_timeline(pupil=pupil), per_page=20)
    context = {
        "pupil": pupil,
        "record": record_selectors.pupil_record(pupil=pupil),
        "provision_map": provision.pupil_provision_map(pupil=pupil),
        "timeline": timeline,
        "timeline_entries": record_selectors.pupil_timeline_entries(pupil=pupil, events=timeline.object_list),
        "can_edit": pupil.school_id in scope.school_ids,
        "funding_requests": record_selectors.pupil_funding_requests(scope=scope, pupil=pupil),
    }
    return render(request, "pupils/pupil_detail.html", context)


def _pupil_form_page(
    request: HttpRequest, pk: int, form_class: type[Form], title: str, save: Any, success: str
) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    pupil = access_pupil(scope, pk, for_edit=True)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            save(scope=scope, pupil=pupil, data=form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("pupils:detail", pupil.pk)
    context = {
        "form": form,
        "pupil": pupil,
        "page_title": title,
        "caption": pupil.full_name,
        "back_url": reverse("pupils:detail", args=[pupil.pk]),
    }
    return render(request, "govuk/form_page.html", context)


@tenant_member(Role.SENCO)
@require_http_methods(["GET", "POST"])
def parents_informed(request: HttpRequest, pk: int) -> HttpResponse:
    def save(*, scope: Any, pupil: Pupil, data: dict[str, Any]) -> None:
        record_services.parents_informed_record(
            actor=request.user, scope=scope, pupil_id=pupil.pk, informed_on=data["informed_on"],
            informed_how=data["informed_how"],
        )  # fmt: skip

    return _pupil_form_page(
        request, pk, ParentsInformedForm, "Record that parents were informed", save, "Parents informed recorded"
    )


@tenant_member(Role.SENCO)
@require_http_methods(["GET", "POST"])
def voice_add(request: HttpRequest, pk: int) -> HttpResponse:
    def save(*, scope: Any, pupil: Pupil, data: dict[str, Any]) -> None:
        record_services.pupil_voice_add(actor=request.user, scope=scope, pupil_id=pupil.pk, **data)

    return _pupil_form_page(request, pk, VoiceForm, "Record views", save, "Views recorded")


@tenant_member(Role.SENCO)
@require_http_methods(["GET", "POST"])
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    def save(*, scope: Any, pupil: Pupil, data: dict[str, Any]) -> None:
        record_services.pupil_contact_add(actor=request.user, scope=scope, pupil_id=pupil.pk, **data)

    return _pupil_form_page(request, pk, ContactForm, "Add a contact", save, "Contact added")


@tenant_member(Role.SENCO)
@require_http_methods(["GET", "POST"])
def contact_remove(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    contact = access(PupilContact, scope, contact_pk, for_edit=True)
    if contact.pupil_id != pk:
        return render(request, "errors/404.html", status=404)
    if request.method == "POST":
        record_services.pupil_contact_remove(actor=request.user, scope=scope, contact_id=contact.pk)
        messages.success(request, "Contact removed")
        return redirect("pupils:detail", pk)
    return render(request, "pupils/contact_remove.html", {"contact": contact, "pupil": contact.pupil})


@tenant_member(*SCHOOL_CASEWORK_READERS)
def school_provision_map(request: HttpRequest, school_pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    school = access_school(scope, school_pk)
    provision_map = provision.school_provision_map(scope=scope, school=school)
    return render(
        request,
        "pupils/school_provision_map.html",
        {"map": provision_map, "school": school, "can_edit": school.pk in scope.school_ids},
    )


@tenant_member(Role.SENCO)
@require_http_methods(["GET", "POST"])
def group_add(request: HttpRequest, school_pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    school = access_school(scope, school_pk)
    if school.pk not in scope.school_ids:
        return render(request, "errors/404.html", status=404)
    form = GroupInterventionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = record_services.group_intervention_create(
                actor=request.user, scope=scope, school_id=school.pk, **form.cleaned_data
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, "Group intervention added: now choose the pupils taking part")
            return redirect("pupils:group-detail", group.pk)
    context = {
        "form": form,
        "page_title": "Add a group intervention",
        "caption": school.name,
        "intro": "One intervention for several pupils: its cost is shared equally among the pupils taking part.",
        "button_label": "Add group intervention",
        "back_url": reverse("pupils:school-provision-map", args=[school.pk]),
    }
    return render(request, "govuk/form_page.html", context)


@tenant_member(Role.SENCO)
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    group = access(GroupIntervention, scope, pk, for_edit=True)
    initial = {name: getattr(group, name) for name in record_services.GROUP_FIELDS}
    form = GroupInterventionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record_services.group_intervention_update(
                actor=request.user, scope=scope, group_id=group.pk, **form.cleaned_data
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, "Group intervention changed")
            return redirect("pupils:group-detail", group.pk)
    context = {
        "form": form,
        "page_title": "Change the group intervention",
        "caption": group.name,
        "intro": "Its cost is shared equally among the pupils taking part, so changing it changes each one's share.",
        "button_label": "Save changes",
        "back_url": reverse("pupils:group-detail", args=[group.pk]),
    }
    return render(request, "govuk/form_page.html", context)


@tenant_member(*SCHOOL_CASEWORK_READERS)
@require_http_methods(["GET", "POST"])
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    group = access(GroupIntervention, scope, pk)
    can_edit = group.school_id in scope.school_ids
    register = visible(Pupil, scope).filter(school_id=group.school_id, on_register=True).order_by("last_name", "pk")
    choices = [(p.pk, f"{p.last_name}, {p.first_name} ({p.get_nc_year_display()})") for p in register]
    member_ids = set(group.pupils.values_list("pk", flat=True))
    initial = {"pupils": sorted(member_ids), "is_running": group.is_running}
    form = GroupMembersForm(request.POST or None, initial=initial, pupil_choices=choices)
    if request.method == "POST":
        if not can_edit:
            return render(request, "errors/403.html", status=403)
        if form.is_valid():
            try:
                record_services.group_intervention_set_members(
                    actor=request.user, scope=scope, group_id=group.pk, pupil_ids=form.cleaned_data["pupils"],
                    is_running=form.cleaned_data["is_running"],
                )  # fmt: skip
            except ValidationError as error:
                show_service_errors(form, error)
            else:
                messages.success(request, "Group intervention saved")
                return redirect("pupils:school-provision-map", group.school_id)
    members = [label for value, label in choices if value in member_ids]
    context = {"group": group, "form": form, "can_edit": can_edit, "members": members,
               "cost": provision.annual_cost(group), "members_count": len(members)}  # fmt: skip
    return render(request, "pupils/group_detail.html", context)
