"""Recording what happens to a commitment after approval (payments, releases of unspent money, clawbacks),
and reversing an entry made in error."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from accounts.scoping import access
from funding import budget_services
from funding.commitment_forms import CommitmentActionForm, ReverseEntryForm
from funding.models import EntryKind, LedgerEntry
from funding.selectors import entry_summary
from send_portal.forms import show_service_errors
from send_portal.policy import tenant_member


@tenant_member(Role.LA_OFFICER)
@require_http_methods(["GET", "POST"])
def commitment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    commitment = access(LedgerEntry, scope, pk)
    if commitment.kind != EntryKind.COMMITMENT or action not in budget_services.COMMITMENT_ACTIONS:
        raise Http404
    title, success = budget_services.COMMITMENT_ACTIONS[action]
    form = CommitmentActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            budget_services.commitment_act(
                actor=request.user, scope=scope, entry_id=commitment.pk, action=action,
                amount=form.cleaned_data["amount"], memo=form.cleaned_data["memo"],
            )  # fmt: skip
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("funding:budget-detail", commitment.budget_id)
    context = {
        "form": form,
        "page_title": title,
        "caption": f"Commitment {commitment.pk}: £{commitment.committed_delta:,.2f}",
        "button_label": title,
        "back_url": reverse("funding:budget-detail", args=[commitment.budget_id]),
    }
    return render(request, "govuk/form_page.html", context)


@tenant_member(Role.LA_OFFICER)
@require_http_methods(["GET", "POST"])
def entry_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    """Reverse a payment, adjustment, release or clawback made in error, from the pot's ledger page."""
    scope = request.scope  # type: ignore[attr-defined]
    entry = access(LedgerEntry, scope, pk)
    if not entry.is_reversible:
        raise Http404
    form = ReverseEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            budget_services.entry_reverse(
                actor=request.user, scope=scope, entry_id=entry.pk, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, "Entry reversed")
            return redirect("funding:budget-detail", entry.budget_id)
    context = {
        "form": form,
        "page_title": "Reverse this entry",
        "caption": entry_summary(entry),
        "intro": "The reversal is a new entry in the ledger that undoes each amount this one moved. Both stay in "
        "the ledger. An entry can be reversed once.",
        "button_label": "Reverse entry",
        "back_url": reverse("funding:budget-detail", args=[entry.budget_id]),
    }
    return render(request, "govuk/form_page.html", context)
