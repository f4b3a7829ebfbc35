"""Funding requests, the school's side: the list, the draft form, the request page and the SENCO's
actions on it (submit, withdraw, answer). The rules are in funding.services; these views map its
refusals onto the forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role
from accounts.scoping import access
from funding import banding, services
from funding import request_selectors as selectors
from funding.models import FundingRequest, RequestStatus
from funding.request_audit import request_viewed
from funding.request_forms import AnswerForm, FundingRequestForm, ReviewForm, SubmitForm, WithdrawForm
from funding.timeliness import request_stages
from send_portal.forms import show_service_errors
from send_portal.pagination import paginate
from send_portal.policy import tenant_member

REQUEST_READERS = (Role.SENCO, Role.AREA_SEND_LEAD, Role.LA_OFFICER, Role.FINANCE_OFFICER, Role.PANEL_MEMBER)


# The list -----------------------------------------------------------------------------------------------


@tenant_member(*REQUEST_READERS)
@require_http_methods(["GET"])
def request_list(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    filters = selectors.request_filters_from_query(request.GET)
    page = paginate(request, selectors.request_list_for_scope(scope=scope, **filters))
    context = {
        "page_obj": page,
        "rows": selectors.request_rows(page.object_list, today=timezone.localdate()),
        "filters": filters,
        "statuses": RequestStatus.choices,
        "can_add": scope.has_role(Role.SENCO),
    }
    return render(request, "funding/request_list.html", context)


# The draft ----------------------------------------------------------------------------------------------


def _draft_page(request: HttpRequest, funding_request: FundingRequest | None) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    recipients = selectors.request_recipients(scope=scope)
    if funding_request is not None:
        initial = selectors.draft_initial(funding_request)
    else:
        wanted = request.GET.get("pupil", "")
        initial = {"pupil": wanted} if any(choice.value == wanted for choice in recipients) else {}
    form = FundingRequestForm(request.POST or None, initial=initial, recipients=recipients)
    if request.method == "POST" and form.is_valid():
        chosen = form.recipient()
        data = form.cleaned_data
        try:
            saved = services.request_save_draft(
                actor=request.user, scope=scope, request_id=funding_request.pk if funding_request else None,
                school_id=chosen.school_id, pupil_id=chosen.pupil_id,
                group_intervention_id=chosen.group_intervention_id, amount_requested=data["amount_requested"],
                period_start=data["period_start"], period_end=data["period_end"], purpose=data["purpose"],
                outcomes_served=data["outcomes_served"], is_exceptional=data["is_exceptional"],
            )  # fmt: skip
        except ValidationError as error:
            show_service_errors(form, error, renamed={"group_intervention": "pupil"})
        else:
            messages.success(request, "Draft saved: check it, then submit it when it is ready")
            return redirect("funding:request-detail", saved.pk)
    if funding_request is None:
        title, back_url = "Ask for funding", reverse("funding:request-list")
    else:
        title = f"Change draft funding request {funding_request.pk}"
        back_url = reverse("funding:request-detail", args=[funding_request.pk])
    context = {
        "form": form,
        "page_title": title,
        "back_url": back_url,
        "has_recipients": bool(recipients),
        "button_label": "Save draft",
    }
    return render(request, "funding/request_form.html", context)


@tenant_member(Role.SENCO)
@require_http_methods(["GET", "POST"])
def request_add(request: HttpRequest) -> HttpResponse:
    return _draft_page(request, None)


@tenant_member(Role.SENCO)
@require_http_methods(["GET", "POST"])
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    funding_request = access(FundingRequest, request.scope, pk, for_edit=True)  # type: ignore[attr-defined]
    if request.method == "GET" and funding_request.status != RequestStatus.DRAFT:
        return redirect("funding:request-detail", funding_request.pk)  # only a draft can be changed
    return _draft_page(request, funding_request)


# The request page ---------------------------------------------------------------------------------------


def _detail_page(request: HttpRequest, pk: int, failed: tuple[str, Form] | None = None) -> HttpResponse:
    """The request page; `failed` is an action whose form was refused, shown with its errors."""
    scope = request.scope  # type: ignore[attr-defined]
    funding_request = selectors.request_for_page(scope=scope, pk=pk)
    request_viewed(actor=request.user, funding_request=funding_request)
    events = selectors.request_history(funding_request)
    pupil_visible = selectors.pupil_visible_to(scope, funding_request)
    forms: dict[str, Form] = {
        "submit": SubmitForm(),
        "withdraw": WithdrawForm(),
        "answer": AnswerForm(),
        "ask_for_review": ReviewForm(),
    }
    if failed is not None:
        forms[failed[0]] = failed[1]
    context = {
        "funding_request": funding_request,
        "form": failed[1] if failed else None,  # the error summary and the "Error:" title follow this one
        "failed_action": failed[0] if failed else "",
        "forms": forms,
        "tag_colour": selectors.STATUS_TAG_COLOURS[RequestStatus(funding_request.status)],
        "for_whom": selectors.for_whom(funding_request, pupil_visible=pupil_visible),
        "pupil_visible": pupil_visible,
        "eligibility": selectors.eligibility_for_page(funding_request),
        "casework": selectors.casework_for_page(funding_request),
        "shows_casework": selectors.shows_casework(scope),
        "events": events,
        "question": selectors.last_message_to(events, RequestStatus.MORE_INFORMATION),
        "referral": selectors.last_message_to(events, RequestStatus.REFERRED),
        "withdrawal": selectors.last_message_to(events, RequestStatus.WITHDRAWN),
        "review_asked": selectors.last_message_to(events, RequestStatus.REVIEW_REQUESTED),
        "stages": request_stages(funding_request, events),
        "panel_decisions": selectors.panel_decisions_for_page(scope, funding_request),
        "actions": selectors.actions_for(scope, funding_request),
        "banding": banding.banding_summary(funding_request=funding_request)
        if banding.uses_banding(local_authority_id=funding_request.local_authority_id)
        else None,
        "can_score": funding_request.status == RequestStatus.DRAFT
        and funding_request.school_id in scope.school_ids
        and funding_request.pupil_id is not None,
    }
    return render(request, "funding/request_detail.html", context)


@tenant_member(*REQUEST_READERS)
@require_http_methods(["GET"])
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, pk)


SUCCESS = {
    "submit": "Request submitted",
    "withdraw": "Request withdrawn",
    "answer": "Your answer has been sent",
    "ask_for_review": "You have asked for a review: the case goes back to a later panel meeting",
}


def _act(
    request: HttpRequest, pk: int, action: str, form_class: type[Form], data: Callable[[dict[str, Any]], dict]
) -> HttpResponse:
    """A SENCO's action from the request page: done and back to the page, or the page again with the refusal."""
    scope = request.scope  # type: ignore[attr-defined]
    funding_request = access(FundingRequest, scope, pk, for_edit=True)  # another school's: 404
    form = form_class(request.POST)
    if form.is_valid():
        try:
            services.request_transition(
                actor=request.user, scope=scope, request_id=funding_request.pk, action=action,
                **data(form.cleaned_data),
            )  # fmt: skip
        except ValidationError as error:
            show_service_errors(form, error, renamed={"group_intervention": "pupil"})
        else:
            messages.success(request, SUCCESS[action])
            return redirect("funding:request-detail", funding_request.pk)
    return _detail_page(request, funding_request.pk, failed=(action, form))


@tenant_member(Role.SENCO)
@require_POST
def request_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "submit", SubmitForm, lambda data: {})


@tenant_member(Role.SENCO)
@require_POST
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "withdraw", WithdrawForm, lambda data: {"reason": data["reason"]})


@tenant_member(Role.SENCO)
@require_POST
def request_answer(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "answer", AnswerForm, lambda data: {"message": data["message"]})


@tenant_member(Role.SENCO)
@require_POST
def request_ask_for_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "ask_for_review", ReviewForm, lambda data: {"reason": data["reason"]})
