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
from accounts.scoping import access, visible
from funding import banding
from funding.banding_forms import BandForm, DomainForm, ScoresForm
from funding.banding_models import Band
from funding.models import FundingRequest
from pupils.models import EvidenceItem
from send_portal.forms import show_service_errors
from send_portal.policy import tenant_member


@tenant_member(Role.SENCO)
@require_http_methods(["GET", "POST"])
def request_scores(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    funding_request = access(FundingRequest, scope, pk, for_edit=True)
    domains = banding.matrix(local_authority_id=funding_request.local_authority_id)
    evidence = (
        [
            (item.pk, f"{item.get_kind_display()}, {item.recorded_on:%d/%m/%Y}")
            for item in visible(EvidenceItem, scope).filter(cycle__pupil=funding_request.pupil).order_by("-recorded_on")
        ]
        if funding_request.pupil_id
        else []
    )
    scores = {s.domain_id: s for s in funding_request.scores.all()}
    initial: dict[str, Any] = {}
    for domain_id, score in scores.items():
        initial |= {
            f"level_{domain_id}": score.level,
            f"evidence_{domain_id}": score.evidence_id,
            f"rationale_{domain_id}": score.rationale,
        }
    form = ScoresForm(request.POST or None, initial=initial, domains=domains, evidence=evidence)
    if request.method == "POST" and form.is_valid():
        try:
            banding.request_scores_save(actor=request.user, scope=scope, request_id=pk, levels=form.levels())
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, "Banding scores saved")
            return redirect("funding:request-detail", pk)
    context = {
        "form": form,
        "page_title": "Score the pupil's needs",
        "caption": f"Funding request {pk}",
        "intro": "Choose the level that best describes the pupil in each area, and the evidence that shows it. "
        "The weighted total gives an indicative band; the decision-maker sees your scores and evidence.",
        "button_label": "Save scores",
        "back_url": reverse("funding:request-detail", args=[pk]),
    }
    if not domains:
        context["intro"] = "Your council does not use banding."
    return render(request, "govuk/form_page.html", context)


@tenant_member(Role.LA_OFFICER, Role.FINANCE_OFFICER)
def banding_settings(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    context = {
        "domains": banding.matrix(local_authority_id=scope.local_authority_id),
        "bands": list(visible(Band, scope).order_by("min_score")),
        "can_edit": scope.has_role(Role.LA_OFFICER),
    }
    return render(request, "funding/banding_settings.html", context)


def _settings_form(request: HttpRequest, form_class: type[Form], save: Any, title: str) -> HttpResponse:
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, "Banding saved")
            return redirect("funding:banding-settings")
    context = {
        "form": form,
        "page_title": title,
        "caption": "Banding",
        "button_label": "Save",
        "back_url": reverse("funding:banding-settings"),
    }
    return render(request, "govuk/form_page.html", context)


@tenant_member(Role.LA_OFFICER)
@require_http_methods(["GET", "POST"])
def banding_domain_add(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]

    def save(data: dict[str, Any]) -> None:
        banding.banding_domain_add(
            actor=request.user,
            scope=scope,
            name=data["name"],
            weight=data["weight"],
            levels=data["levels"].splitlines(),
        )

    return _settings_form(request, DomainForm, save, "Add a need domain")


@tenant_member(Role.LA_OFFICER)
@require_http_methods(["GET", "POST"])
def band_add(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]

    def save(data: dict[str, Any]) -> None:
        banding.band_add(actor=request.user, scope=scope, **data)

    return _settings_form(request, BandForm, save, "Add a band")
