"""Pages of the graduated approach: a pupil's cycles, one cycle's assess, plan, do and review, the forms that
add to and remove from an open cycle, the review, and evidence downloads.

Reads are for anyone who may read the pupil; writes are for the SENCOs of the pupil's school. A cycle,
evidence item, outcome, provision entry or piece of equipment that is missing, belongs to another pupil,
school or tenant, answers 404 alike.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role
from accounts.scoping import Scope, access_pupil, editable, visible
from pupils import cycle_services, cycles, services
from pupils.costs import annual_cost, to_pennies
from pupils.cycle_forms import (
    CycleStartForm,
    EquipmentForm,
    EvidenceForm,
    OutcomeForm,
    ProvisionForm,
    ReviewForm,
    apply_errors,
)
from pupils.cycle_services import pounds
from pupils.models import (
    CONTINUING_DECISIONS,
    Cycle,
    CycleStatus,
    Equipment,
    EvidenceItem,
    Outcome,
    ProvisionEntry,
    Pupil,
    ReviewDecision,
)
from pupils.uploads import EXTENSIONS
from pupils.views import PUPIL_READERS
from send_portal.policy import tenant_member
from send_portal.text import long_date

logger = logging.getLogger(__name__)


def _scope(request: HttpRequest) -> Scope:
    return request.scope  # type: ignore[attr-defined]


def _cycle(request: HttpRequest, pupil_pk: int, cycle_pk: int, *, for_edit: bool = False) -> Cycle:
    """A cycle of this pupil that the user may read (or change): 404 otherwise."""
    scope = _scope(request)
    cycles_qs = editable(Cycle, scope) if for_edit else visible(Cycle, scope)
    return get_object_or_404(cycles_qs.select_related("pupil__school", "reviewed_by"), pk=cycle_pk, pupil_id=pupil_pk)


def _may_edit(queryset: QuerySet[Any], pk: int) -> bool:
    return queryset.filter(pk=pk).exists()


def _closed(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    """A reviewed cycle is kept as it was: its add, remove and review pages say so instead."""
    context = {"cycle": cycle, "pupil": cycle.pupil, "message": cycle_services.closed_message(cycle)}
    return render(request, "pupils/cycle_closed.html", context)


# Reads ---------------------------------------------------------------------------------------------


@tenant_member(*PUPIL_READERS)
@require_GET
def cycle_list(request: HttpRequest, pupil_pk: int) -> HttpResponse:
    scope = _scope(request)
    pupil = access_pupil(scope, pupil_pk)
    pupil_cycles = list(visible(Cycle, scope).filter(pupil=pupil).order_by("-number"))
    services.pupil_record_viewed(actor=request.user, pupil=pupil)
    has_open = any(c.status == CycleStatus.OPEN for c in pupil_cycles)
    may_start = pupil.on_register and not has_open and _may_edit(editable(Pupil, scope), pupil.pk)
    context = {
        "pupil": pupil,
        "cycles": pupil_cycles,
        "may_start": may_start,
        "next_number": (pupil_cycles[0].number + 1) if pupil_cycles else 1,
        "start_form": CycleStartForm(initial={"started_on": timezone.localdate()}) if may_start else None,
        "today": timezone.localdate(),
    }
    return render(request, "pupils/cycle_list.html", context)


@dataclass(frozen=True)
class ProvisionRow:
    entry: ProvisionEntry
    cost: Decimal
    outcome_number: int | None


@tenant_member(*PUPIL_READERS)
@require_GET
def cycle_detail(request: HttpRequest, pupil_pk: int, cycle_pk: int) -> HttpResponse:
    scope = _scope(request)
    cycle = _cycle(request, pupil_pk, cycle_pk)
    services.pupil_record_viewed(actor=request.user, pupil=cycle.pupil)
    outcomes = list(cycle.outcomes.prefetch_related("provision"))
    numbers = {outcome.pk: number for number, outcome in enumerate(outcomes, start=1)}
    provision = [
        ProvisionRow(entry, annual_cost(entry, shared_by=entry.group_size), numbers.get(entry.outcome_id or 0))
        for entry in cycle.provision.all()
    ]
    equipment = list(cycle.equipment.all())
    today = timezone.localdate()
    is_open = cycle.status == CycleStatus.OPEN
    next_cycle = None
    if cycle.decision in CONTINUING_DECISIONS:
        next_cycle = visible(Cycle, scope).filter(pupil_id=cycle.pupil_id, number=cycle.number + 1).first()
    # A review that escalated to a funding request: its cycle, and the cycle it opened, point to the request.
    escalated = cycle if cycle.decision == ReviewDecision.ESCALATE else None
    if escalated is None and is_open and cycle.number > 1:
        escalated = (
            visible(Cycle, scope)
            .filter(pupil_id=cycle.pupil_id, number=cycle.number - 1, decision=ReviewDecision.ESCALATE)
            .first()
        )
    context = {
        "cycle": cycle,
        "pupil": cycle.pupil,
        "is_open": is_open,
        "may_edit": is_open and _may_edit(editable(Cycle, scope), cycle.pk),
        "evidence": list(cycle.evidence.all()),
        "outcomes": outcomes,
        "provision": provision,
        "provision_total": to_pennies(sum((row.cost for row in provision), Decimal("0"))),
        "equipment": equipment,
        "equipment_total": to_pennies(sum((item.cost for item in equipment), Decimal("0"))),
        "review_due": is_open and cycle.review_on <= today,
        "next_cycle": next_cycle,
        "escalated": escalated,
        # Funding requests are drafted by the SENCOs of the pupil's school, for pupils on the register.
        "may_request_funding": cycle.pupil.on_register
        and scope.has_role(Role.SENCO)
        and cycle.pupil.school_id in scope.school_ids,
        "today": today,
    }
    return render(request, "pupils/cycle_detail.html", context)


@tenant_member(*PUPIL_READERS)
@require_GET
def evidence_download(request: HttpRequest, pupil_pk: int, cycle_pk: int, pk: int) -> FileResponse:
    """The one way an evidence document leaves the server: permission-checked, audited, never shown inline."""
    item = get_object_or_404(
        visible(EvidenceItem, _scope(request)).select_related("cycle__pupil"),
        pk=pk,
        cycle_id=cycle_pk,
        cycle__pupil_id=pupil_pk,
    )
    if not item.document:
        raise Http404
    try:
        handle = item.document.storage.open(item.document.name, "rb")
    except FileNotFoundError:
        logger.error("Evidence %s: stored document is missing", item.pk)
        raise Http404 from None
    cycle_services.evidence_downloaded(actor=request.user, item=item)
    content_type = item.document_content_type
    if content_type not in EXTENSIONS.values():
        content_type = "application/octet-stream"
    response = FileResponse(
        handle, as_attachment=True, filename=item.document_name or "document", content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    return response


# Starting and reviewing ------------------------------------------------------------------------------


@tenant_member(Role.SENCO)
@require_http_methods(["GET", "POST"])
def cycle_start(request: HttpRequest, pupil_pk: int) -> HttpResponse:
    scope = _scope(request)
    pupil = access_pupil(scope, pupil_pk, for_edit=True)
    form = CycleStartForm(request.POST or None, initial={"started_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            cycle = cycles.cycle_start(
                actor=request.user,
                scope=scope,
                pupil_id=pupil.pk,
                started_on=form.cleaned_data["started_on"],
                review_on=form.cleaned_data["review_on"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Cycle {cycle.number} started")
            return redirect("pupils:cycle-detail", pupil_pk=pupil.pk, cycle_pk=cycle.pk)
    open_cycle = visible(Cycle, scope).filter(pupil=pupil, status=CycleStatus.OPEN).first()
    return render(request, "pupils/cycle_start.html", {"pupil": pupil, "form": form, "open_cycle": open_cycle})


@tenant_member(Role.SENCO)
@require_http_methods(["GET", "POST"])
def cycle_review(request: HttpRequest, pupil_pk: int, cycle_pk: int) -> HttpResponse:
    cycle = _cycle(request, pupil_pk, cycle_pk, for_edit=True)
    if cycle.status != CycleStatus.OPEN:
        return _closed(request, cycle)
    if timezone.localdate() < cycle.review_on:
        return render(request, "pupils/cycle_review_not_due.html", {"cycle": cycle, "pupil": cycle.pupil})
    outcomes = list(cycle.outcomes.all())
    form = ReviewForm(request.POST or None, outcomes=outcomes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            next_cycle = cycles.cycle_review(
                actor=request.user,
                scope=_scope(request),
                cycle_id=cycle.pk,
                reviewed_on=data["reviewed_on"],
                decision=data.get("decision") or "",
                notes=(data.get("review_notes") or "").strip(),
                next_review_on=data.get("next_review_on"),
                progress=form.progress(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return _after_review(request, cycle, data["decision"], next_cycle)
    rows = [(outcome, form[f"outcome_{outcome.pk}"], form[f"outcome_{outcome.pk}_notes"]) for outcome in outcomes]
    context = {"cycle": cycle, "pupil": cycle.pupil, "form": form, "outcome_rows": rows}
    return render(request, "pupils/cycle_review.html", context)


def _after_review(request: HttpRequest, cycle: Cycle, decision: str, next_cycle: Cycle | None) -> HttpResponse:
    if next_cycle is not None:
        escalated = " and escalated to a funding request" if decision == ReviewDecision.ESCALATE else ""
        messages.success(
            request,
            f"Cycle {cycle.number} reviewed{escalated}. Cycle {next_cycle.number} has started, with the outcomes "
            "not yet achieved and the provision carried forward",
        )
        return redirect("pupils:cycle-detail", pupil_pk=cycle.pupil_id, cycle_pk=next_cycle.pk)
    if decision == ReviewDecision.REMOVE:
        messages.success(request, f"Cycle {cycle.number} reviewed. The pupil has been removed from SEN Support")
    else:
        messages.success(request, f"Cycle {cycle.number} reviewed. Support has been stepped down")
    return redirect("pupils:cycle-detail", pupil_pk=cycle.pupil_id, cycle_pk=cycle.pk)


# Adding to and removing from an open cycle -----------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One kind of thing a cycle holds, and how its add and remove pages work."""

    name: str  # for messages: "Evidence added to cycle 2"
    section: str  # the section of the cycle page it belongs to
    heading: str  # the add page's heading
    button: str
    form_class: type[forms.Form]
    add: Callable[..., Model]  # the service
    to_kwargs: Callable[[dict[str, Any]], dict[str, Any]]  # the form's cleaned data -> the service's arguments
    remove: Callable[..., None]
    remove_arg: str
    model: type[Model]
    describe: Callable[[Any], str]
    files: bool = False
    with_outcomes: bool = False  # the form offers the cycle's outcomes
    with_start: bool = False  # the form checks dates against the cycle's start


def _same(data: dict[str, Any]) -> dict[str, Any]:
    return data


def _evidence_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": data["kind"],
        "recorded_on": data["recorded_on"],
        "summary": data["summary"],
        "standardised_score": data.get("standardised_score"),
        "source": data.get("source") or "",
        "document": data.get("document") or None,
    }


def _provision_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    names = ("description", "delivered_by", "group_size", "sessions_per_week", "minutes_per_session", "weeks",
             "hourly_cost", "fixed_cost")  # fmt: skip
    return {**{name: data.get(name) for name in names}, "outcome_id": data.get("outcome")}


EVIDENCE = Part(
    name="Evidence",
    section="Assess",
    heading="Add evidence",
    button="Add evidence",
    form_class=EvidenceForm,
    add=cycle_services.evidence_add,
    to_kwargs=_evidence_kwargs,
    remove=cycle_services.evidence_remove,
    remove_arg="evidence_id",
    model=EvidenceItem,
    describe=lambda item: f"{item.get_kind_display()}, {long_date(item.recorded_on)}",
    files=True,
)
OUTCOME = Part(
    name="Outcome",
    section="Plan",
    heading="Add an outcome",
    button="Add outcome",
    form_class=OutcomeForm,
    add=cycle_services.outcome_add,
    to_kwargs=_same,
    remove=cycle_services.outcome_remove,
    remove_arg="outcome_id",
    model=Outcome,
    describe=lambda item: f"{item.description} (to be achieved by {long_date(item.achieve_by)})",
    with_start=True,
)
PROVISION = Part(
    name="Provision",
    section="Do",
    heading="Add provision",
    button="Add provision",
    form_class=ProvisionForm,
    add=cycle_services.provision_add,
    to_kwargs=_provision_kwargs,
    remove=cycle_services.provision_remove,
    remove_arg="provision_id",
    model=ProvisionEntry,
    describe=lambda item: str(item.description),
    with_outcomes=True,
)
EQUIPMENT = Part(
    name="Equipment",
    section="Do",
    heading="Add equipment bought",
    button="Add equipment",
    form_class=EquipmentForm,
    add=cycle_services.equipment_add,
    to_kwargs=_same,
    remove=cycle_services.equipment_remove,
    remove_arg="equipment_id",
    model=Equipment,
    describe=lambda item: f"{item.description}, bought on {long_date(item.bought_on)} for {pounds(item.cost)}",
)


def _add_page(request: HttpRequest, pupil_pk: int, cycle_pk: int, part: Part) -> HttpResponse:
    cycle = _cycle(request, pupil_pk, cycle_pk, for_edit=True)
    if cycle.status != CycleStatus.OPEN:
        return _closed(request, cycle)
    form_kwargs: dict[str, Any] = {}
    if part.with_outcomes:
        form_kwargs["outcomes"] = list(cycle.outcomes.all())
    if part.with_start:
        form_kwargs["started_on"] = cycle.started_on
    if request.method == "POST":
        form = part.form_class(request.POST, request.FILES if part.files else None, **form_kwargs)
    else:
        form = part.form_class(**form_kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            part.add(actor=request.user, scope=_scope(request), cycle_id=cycle.pk, **part.to_kwargs(form.cleaned_data))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{part.name} added to cycle {cycle.number}")
            return redirect("pupils:cycle-detail", pupil_pk=cycle.pupil_id, cycle_pk=cycle.pk)
    context = {"cycle": cycle, "pupil": cycle.pupil, "form": form, "part": part}
    return render(request, "pupils/cycle_form.html", context)


def _remove_page(request: HttpRequest, pupil_pk: int, cycle_pk: int, pk: int, part: Part) -> HttpResponse:
    cycle = _cycle(request, pupil_pk, cycle_pk, for_edit=True)
    item = get_object_or_404(editable(part.model, _scope(request)), pk=pk, cycle_id=cycle.pk)
    if cycle.status != CycleStatus.OPEN:
        return _closed(request, cycle)
    error = ""
    if request.method == "POST":
        try:
            part.remove(actor=request.user, scope=_scope(request), **{part.remove_arg: item.pk})
        except ValidationError as refused:
            error = refused.messages[0]
        else:
            messages.success(request, f"{part.name} removed from cycle {cycle.number}")
            return redirect("pupils:cycle-detail", pupil_pk=cycle.pupil_id, cycle_pk=cycle.pk)
    context = {"cycle": cycle, "pupil": cycle.pupil, "part": part, "description": part.describe(item), "error": error}
    return render(request, "pupils/cycle_remove.html", context)


@tenant_member(Role.SENCO)
@require_http_methods(["GET", "POST"])
def evidence_add(request: HttpRequest, pupil_pk: int, cycle_pk: int) -> HttpResponse:
    return _add_page(request, pupil_pk, cycle_pk, EVIDENCE)


@tenant_member(Role.SENCO)
@require_http_methods(["GET", "POST"])
def evidence_remove(request: HttpRequest, pupil_pk: int, cycle_pk: int, pk: int) -> HttpResponse:
    return _remove_page(request, pupil_pk, cycle_pk, pk, EVIDENCE)


@tenant_member(Role.SENCO)
@require_http_methods(["GET", "POST"])
def outcome_add(request: HttpRequest, pupil_pk: int, cycle_pk: int) -> HttpResponse:
    return _add_page(request, pupil_pk, cycle_pk, OUTCOME)


@tenant_member(Role.SENCO)
@require_http_methods(["GET", "POST"])
def outcome_remove(request: HttpRequest, pupil_pk: int, cycle_pk: int, pk: int) -> HttpResponse:
    return _remove_page(request, pupil_pk, cycle_pk, pk, OUTCOME)


@tenant_member(Role.SENCO)
@require_http_methods(["GET", "POST"])
def provision_add(request: HttpRequest, pupil_pk: int, cycle_pk: int) -> HttpResponse:
    return _add_page(request, pupil_pk, cycle_pk, PROVISION)


@tenant_member(Role.SENCO)
@require_http_methods(["GET", "POST"])
def provision_remove(request: HttpRequest, pupil_pk: int, cycle_pk: int, pk: int) -> HttpResponse:
    return _remove_page(request, pupil_pk, cycle_pk, pk, PROVISION)


@tenant_member(Role.SENCO)
@require_http_methods(["GET", "POST"])
def equipment_add(request: HttpRequest, pupil_pk: int, cycle_pk: int) -> HttpResponse:
    return _add_page(request, pupil_pk, cycle_pk, EQUIPMENT)


@tenant_member(Role.SENCO)
@require_http_methods(["GET", "POST"])
def equipment_remove(request: HttpRequest, pupil_pk: int, cycle_pk: int, pk: int) -> HttpResponse:
    return _remove_page(request, pupil_pk, cycle_pk, pk, EQUIPMENT)
