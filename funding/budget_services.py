"""An LA officer's writes to the council's pots: create a pot for a financial year with its opening
amount, adjust a pot, transfer between two pots of the same year. Each one checks what was typed and
who is asking, then goes through funding.ledger (row locks, the database's overspend guard) in one
transaction, so a refusal writes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role
from accounts.scoping import Scope, access, visible
from audit.services import audit_record
from funding import ledger
from funding.models import Budget, LedgerEntry, PotKind, financial_year_label
from funding.selectors import balance_of
from funding.years import financial_year_start
from localities.models import LocalAuthority, Locality
from panels.models import Panel

MAX_AMOUNT = Decimal("99999999.99")
DIRECTIONS = ("increase", "decrease")


def allowed_years(*, start_month: int, today: datetime.date | None = None) -> list[datetime.date]:
    """The financial years a pot can be created for: this one and the next."""
    this_year = financial_year_start(today or timezone.localdate(), start_month)
    return [this_year, datetime.date(this_year.year + 1, start_month, 1)]


def _require_la_officer(scope: Scope) -> None:
    if not scope.has_role(Role.LA_OFFICER):
        raise ValidationError("Only LA officers can change the council's budgets")


def _amount_errors(amount: Decimal | None, field: str, what: str) -> dict[str, str]:
    if amount is None or not amount.is_finite():
        return {field: f"Enter {what}"}
    if amount <= 0:
        return {field: f"{what.capitalize()} must be more than £0"}
    # The upper limit before rounding to pence: a huge number would overflow Decimal's precision.
    if amount > MAX_AMOUNT:
        return {field: f"{what.capitalize()} must be £{MAX_AMOUNT:,.2f} or less"}
    if amount != amount.quantize(Decimal("0.01")):
        return {field: f"{what.capitalize()} can only have pounds and pence"}
    return {}


def _renamed(error: ValidationError, names: dict[str, str]) -> ValidationError:
    """A ledger refusal with its field names as the page's form calls them."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError({names.get(field, field): messages for field, messages in error.message_dict.items()})


def budget_create(
    *,
    actor: Any,
    scope: Scope,
    kind: str,
    locality_id: int | None,
    panel_id: int | None,
    financial_year_start: datetime.date,
    name: str,
    amount: Decimal,
) -> Budget:
    """A new pot for a financial year (this one or the next) with its opening amount: the pot and its
    budget-set ledger entry are written together or not at all. A locality pot belongs to one of the
    council's localities (one a year); a central pot to the council's panel of the same kind."""
    _require_la_officer(scope)
    authority = LocalAuthority.objects.get(pk=scope.local_authority_id)
    errors: dict[str, str] = {}
    name = name.strip()
    year_label = financial_year_label(financial_year_start)
    if kind not in PotKind.values:
        errors["kind"] = "Select the kind of budget"
    if financial_year_start not in allowed_years(start_month=authority.financial_year_start_month):
        errors["financial_year"] = "Select this financial year or the next"
    if not name:
        errors["name"] = "Enter a name for the budget"
    elif (
        visible(Budget, scope).filter(financial_year_start=financial_year_start, name__iexact=name).exists()
        and "financial_year" not in errors
    ):
        errors["name"] = f"There is already a budget called {name} for {year_label}"
    errors.update(_amount_errors(amount, "amount", "the initial amount"))
    locality = panel = None
    pots = visible(Budget, scope).filter(financial_year_start=financial_year_start, kind=kind)
    if kind == PotKind.LOCALITY:
        locality = visible(Locality, scope).filter(pk=locality_id).first() if locality_id else None
        if locality is None:
            errors["locality"] = "Select the locality this budget is for"
        elif "financial_year" not in errors and pots.filter(locality=locality).exists():
            errors["locality"] = f"{locality.name} already has a locality budget for {year_label}"
    elif kind in PotKind.values:
        label = PotKind(kind).label.lower()
        panel = visible(Panel, scope).filter(pk=panel_id).first() if panel_id else None
        if panel is None:
            errors["panel"] = "Select the panel that decides this budget"
        elif panel.kind != kind:
            errors["panel"] = f"Select a {label} panel: {panel.name} decides other requests"
        if "financial_year" not in errors and pots.exists():
            errors["kind"] = f"There is already a {label} budget for {year_label}"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        try:
            with transaction.atomic():
                budget = Budget.objects.create(
                    local_authority_id=scope.local_authority_id, kind=kind, locality=locality, panel=panel,
                    financial_year_start=financial_year_start, name=name,
                )  # fmt: skip
        except IntegrityError as error:  # a pot created at the same moment by someone else
            raise ValidationError({"name": f"There is already a budget like this one for {year_label}"}) from error
        audit_record(
            actor=actor, local_authority_id=scope.local_authority_id, action="budget_created", obj=budget,
            summary=f"Budget {budget.pk} created for {year_label}",
        )  # fmt: skip
        ledger.budget_set(actor=actor, budget_id=budget.pk, amount=amount, memo="Initial budget")
    return budget


def budget_adjust(
    *, actor: Any, scope: Scope, budget_id: int, direction: str, amount: Decimal, reason: str
) -> LedgerEntry:
    """Raise or lower a pot by `amount`, with a reason. It cannot go below what is already committed."""
    _require_la_officer(scope)
    budget = access(Budget, scope, budget_id)
    errors: dict[str, str] = {}
    if direction not in DIRECTIONS:
        errors["direction"] = "Select whether to increase or decrease the budget"
    errors.update(_amount_errors(amount, "amount", "the amount of the change"))
    if not reason.strip():
        errors["reason"] = "Enter the reason for the adjustment"
    if errors:
        raise ValidationError(errors)
    change = amount if direction == "increase" else -amount
    try:
        return ledger.budget_adjust(actor=actor, budget_id=budget.pk, change=change, memo=reason.strip())
    except ledger.Overspend as error:
        balance = balance_of(budget)
        raise ValidationError(
            {
                "amount": f"{budget} cannot go below the £{balance.committed:,.2f} already committed: you can lower "
                f"it by up to £{error.available:,.2f}. Nothing has been changed."
            }
        ) from error
    except ValidationError as error:
        raise _renamed(error, {"memo": "reason"}) from error


def budget_transfer(
    *, actor: Any, scope: Scope, from_budget_id: int, to_budget_id: int | None, amount: Decimal, reason: str
) -> LedgerEntry:
    """Move money from one pot to another pot of the council for the same financial year."""
    _require_la_officer(scope)
    source = access(Budget, scope, from_budget_id)
    errors: dict[str, str] = {}
    if to_budget_id is None:
        errors["to_budget"] = "Select the budget to transfer to"
    elif to_budget_id == source.pk:
        errors["to_budget"] = "Select a different budget to transfer to: a budget cannot transfer to itself"
    else:
        target = visible(Budget, scope).filter(pk=to_budget_id).first()
        if target is None:
            errors["to_budget"] = "Select one of the council's budgets to transfer to"
        elif target.financial_year_start != source.financial_year_start:
            errors["to_budget"] = (
                f"Select a budget for {financial_year_label(source.financial_year_start)}: money can only move "
                "between budgets of the same financial year"
            )
    errors.update(_amount_errors(amount, "amount", "the amount to transfer"))
    if not reason.strip():
        errors["reason"] = "Enter the reason for the transfer"
    if errors:
        raise ValidationError(errors)
    assert to_budget_id is not None
    try:
        return ledger.transfer(
            actor=actor, from_budget_id=source.pk, to_budget_id=to_budget_id, amount=amount, memo=reason.strip()
        )
    except ledger.Overspend as error:
        raise ValidationError(
            {
                "amount": f"{source} has £{error.available:,.2f} not committed: you can transfer up to "
                f"£{error.available:,.2f}. Nothing has been transferred."
            }
        ) from error
    except ValidationError as error:
        raise _renamed(error, {"memo": "reason"}) from error


COMMITMENT_ACTIONS = {
    "pay": ("Record a payment", "Payment recorded"),
    "release": ("Release the unspent part", "Unspent money released back to the pot"),
    "clawback": ("Record a clawback", "Clawback recorded"),
}


def commitment_act(*, actor: Any, scope: Scope, entry_id: int, action: str, amount: Decimal, memo: str) -> Any:
    """Pay against, release from, or claw back a commitment of this tenant (LA officers only). The ledger
    locks the pot and checks what the commitment still holds; the entry points at the commitment."""
    from accounts.scoping import access
    from funding.models import EntryKind

    _require_la_officer(scope)
    commitment = access(LedgerEntry, scope, entry_id)  # another tenant's entry: 404
    if commitment.kind != EntryKind.COMMITMENT:
        raise ValidationError("Payments, releases and clawbacks are made against a commitment")
    if action not in COMMITMENT_ACTIONS:
        raise ValidationError("Choose what to record")
    errors = _amount_errors(amount, "amount", "the amount")
    if action in ("release", "clawback") and not memo.strip():
        errors["memo"] = "Enter the reason"
    if errors:
        raise ValidationError(errors)
    if action == "pay":
        return ledger.pay(actor=actor, commitment_id=commitment.pk, amount=amount, memo=memo)
    if action == "release":
        return ledger.release(actor=actor, commitment_id=commitment.pk, amount=amount, memo=memo)
    return ledger.clawback(actor=actor, commitment_id=commitment.pk, amount=amount, memo=memo)


def entry_reverse(*, actor: Any, scope: Scope, entry_id: int, reason: str) -> LedgerEntry:
    """An LA officer reverses an entry of their council's ledger made in error (a payment, an adjustment,
    a release or a clawback), with the reason: a new entry negating it, audited like every ledger write.
    Another tenant's entry is not found."""
    _require_la_officer(scope)
    entry = access(LedgerEntry, scope, entry_id)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the entry is being reversed"})
    try:
        return ledger.reverse(actor=actor, entry_id=entry.pk, memo=reason.strip())
    except ValidationError as error:
        raise _renamed(error, {"memo": "reason"}) from error
