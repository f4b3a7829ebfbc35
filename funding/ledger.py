"""Writes to the ledger. Every money movement goes through here: the budget row is locked, the
movement checked against what is available, and one or more append-only entries written, all in
one transaction. The database refuses an overspend even if a caller forgot (migration 0002)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from audit.services import audit_record
from funding.models import REVERSIBLE_KINDS, Budget, EntryKind, LedgerEntry
from funding.selectors import BudgetBalance, balance_of


class Overspend(ValidationError):
    """Refused: the pot does not have the money. Carries the amount still available."""

    def __init__(self, budget: Budget, available: Decimal, wanted: Decimal) -> None:
        self.available = available
        super().__init__(
            {
                "amount": f"{budget} has £{available:,.2f} available, less than the £{wanted:,.2f} asked for. "
                "Nothing has been committed."
            }
        )


def _lock(budget_id: int) -> Budget:
    return Budget.objects.select_for_update().get(pk=budget_id)


def _write(*, actor: Any, budget: Budget, kind: str, memo: str = "", **fields: Any) -> LedgerEntry:
    try:
        with transaction.atomic():
            entry = LedgerEntry.objects.create(
                local_authority_id=budget.local_authority_id, budget=budget, kind=kind, memo=memo[:255],
                created_by=actor, **fields,
            )  # fmt: skip
    except IntegrityError as error:
        # The database's own guard (for example a concurrent writer that skipped the row lock).
        raise ValidationError({"amount": "This would overspend the budget. Nothing has been written."}) from error
    audit_record(
        actor=actor,
        local_authority_id=budget.local_authority_id,
        action=f"ledger_{kind}",
        obj=budget,
        summary=f"{entry.get_kind_display()} on budget {budget.pk}: ledger entry {entry.pk}"
        + (f", correcting entry {entry.corrects_id}" if entry.corrects_id else ""),
    )
    return entry


def _positive(amount: Decimal, label: str = "Amount") -> None:
    if amount <= 0:
        raise ValidationError({"amount": f"{label} must be more than £0"})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": f"{label} can only have pounds and pence"})


def budget_set(*, actor: Any, budget_id: int, amount: Decimal, memo: str = "") -> LedgerEntry:
    _positive(amount)
    with transaction.atomic():
        budget = _lock(budget_id)
        return _write(actor=actor, budget=budget, kind=EntryKind.BUDGET_SET, budget_delta=amount, memo=memo)


def budget_adjust(*, actor: Any, budget_id: int, change: Decimal, memo: str) -> LedgerEntry:
    """Raise or lower a budget. Lowering it below what is already committed is refused."""
    if change == 0:
        raise ValidationError({"amount": "Enter the change to the budget: more or less than £0"})
    if not memo.strip():
        raise ValidationError({"memo": "Enter the reason for the adjustment"})
    with transaction.atomic():
        budget = _lock(budget_id)
        if change < 0 and -change > balance_of(budget).available:
            raise Overspend(budget, balance_of(budget).available, -change)
        return _write(actor=actor, budget=budget, kind=EntryKind.ADJUSTMENT, budget_delta=change, memo=memo)


def transfer(*, actor: Any, from_budget_id: int, to_budget_id: int, amount: Decimal, memo: str) -> LedgerEntry:
    """Move money between two pots of the same tenant: two entries, written together."""
    _positive(amount)
    if from_budget_id == to_budget_id:
        raise ValidationError({"to_budget": "Choose a different budget to transfer to"})
    with transaction.atomic():
        # Lock in id order so two opposite transfers cannot deadlock.
        first, second = sorted([from_budget_id, to_budget_id])
        locked = {first: _lock(first), second: _lock(second)}
        source, target = locked[from_budget_id], locked[to_budget_id]
        if source.local_authority_id != target.local_authority_id:
            raise ValidationError({"to_budget": "Budgets belong to different local authorities"})
        available = balance_of(source).available
        if amount > available:
            raise Overspend(source, available, amount)
        out = _write(actor=actor, budget=source, kind=EntryKind.TRANSFER_OUT, budget_delta=-amount, memo=memo)
        return _write(
            actor=actor, budget=target, kind=EntryKind.TRANSFER_IN, budget_delta=amount, memo=memo, related_entry=out
        )


def commit(
    *,
    actor: Any,
    budget_id: int,
    amount: Decimal,
    funding_request: Any = None,
    school_id: int | None = None,
    pupil_id: int | None = None,
    period: tuple[datetime.date, datetime.date] | None = None,
    memo: str = "",
) -> LedgerEntry:
    """Commit money to a school or pupil for a period. Refused, with the amount available, when the pot
    does not have it. Callers already inside a transaction keep theirs (the commitment is part of it)."""
    _positive(amount)
    with transaction.atomic():
        budget = _lock(budget_id)
        available = balance_of(budget).available
        if amount > available:
            raise Overspend(budget, available, amount)
        return _write(
            actor=actor, budget=budget, kind=EntryKind.COMMITMENT, committed_delta=amount, memo=memo,
            funding_request=funding_request, school_id=school_id, pupil_id=pupil_id,
            period_start=period[0] if period else None, period_end=period[1] if period else None,
        )  # fmt: skip


def _against(entry_id: int, budget: Budget) -> LedgerEntry:
    entry = LedgerEntry.objects.get(pk=entry_id, budget=budget)
    if entry.kind != EntryKind.COMMITMENT:
        raise ValidationError("Only a commitment can be paid, released or clawed back")
    return entry


def outstanding(commitment: LedgerEntry) -> tuple[Decimal, Decimal]:
    """(committed still held, paid) for one commitment: its payments, releases and clawbacks, and the
    reversals of any of those made in error."""
    related = LedgerEntry.objects.filter(
        Q(corrects=commitment) | Q(corrects__corrects=commitment, kind=EntryKind.REVERSAL)
    )
    held = commitment.committed_delta + sum((e.committed_delta for e in related), Decimal("0"))
    paid = sum((e.paid_delta for e in related), Decimal("0"))
    return held, paid


def pay(*, actor: Any, commitment_id: int, amount: Decimal, memo: str = "") -> LedgerEntry:
    _positive(amount)
    with transaction.atomic():
        commitment = LedgerEntry.objects.select_related("budget").get(pk=commitment_id)
        budget = _lock(commitment.budget_id)
        commitment = _against(commitment_id, budget)
        held, paid = outstanding(commitment)
        if paid + amount > held:
            raise ValidationError({"amount": f"Only £{held - paid:,.2f} of this commitment is unpaid"})
        return _write(
            actor=actor, budget=budget, kind=EntryKind.PAYMENT, paid_delta=amount, corrects=commitment, memo=memo,
            funding_request=commitment.funding_request, school=commitment.school, pupil=commitment.pupil,
        )  # fmt: skip


def release(*, actor: Any, commitment_id: int, amount: Decimal, memo: str) -> LedgerEntry:
    """Give back the unspent part of a commitment to the pot."""
    _positive(amount)
    with transaction.atomic():
        commitment = LedgerEntry.objects.get(pk=commitment_id)
        budget = _lock(commitment.budget_id)
        commitment = _against(commitment_id, budget)
        held, paid = outstanding(commitment)
        if amount > held - paid:
            raise ValidationError({"amount": f"Only £{held - paid:,.2f} of this commitment is unspent"})
        return _write(
            actor=actor, budget=budget, kind=EntryKind.RELEASE, committed_delta=-amount, corrects=commitment, memo=memo,
            funding_request=commitment.funding_request, school=commitment.school, pupil=commitment.pupil,
        )  # fmt: skip


def clawback(*, actor: Any, commitment_id: int, amount: Decimal, memo: str) -> LedgerEntry:
    """Money paid to a school and recovered: paid and committed both go down, so it is available again."""
    _positive(amount)
    if not memo.strip():
        raise ValidationError({"memo": "Enter the reason for the clawback"})
    with transaction.atomic():
        commitment = LedgerEntry.objects.get(pk=commitment_id)
        budget = _lock(commitment.budget_id)
        commitment = _against(commitment_id, budget)
        _, paid = outstanding(commitment)
        if amount > paid:
            raise ValidationError({"amount": f"Only £{paid:,.2f} of this commitment has been paid"})
        return _write(
            actor=actor, budget=budget, kind=EntryKind.CLAWBACK, committed_delta=-amount, paid_delta=-amount,
            corrects=commitment, memo=memo, funding_request=commitment.funding_request, school=commitment.school,
            pupil=commitment.pupil,
        )  # fmt: skip


ENTRY_NOUNS = {EntryKind.ADJUSTMENT: "adjustment", EntryKind.BUDGET_SET: "budget set", EntryKind.REVERSAL: "reversal",
               EntryKind.TRANSFER_IN: "transfer", EntryKind.TRANSFER_OUT: "transfer"}  # fmt: skip


def reverse(*, actor: Any, entry_id: int, memo: str) -> LedgerEntry:
    """Undo an entry made in error with a new entry that negates each of its deltas and points at it: a
    payment recorded by mistake (the commitment stays as it was), a wrong adjustment, a release or a
    clawback. Once per entry; refused when the pot no longer has the money it would take back, or when
    what it undoes has since been undone another way (a payment already clawed back)."""
    if not memo.strip():
        raise ValidationError({"memo": "Enter why the entry is being reversed"})
    with transaction.atomic():
        entry = LedgerEntry.objects.get(pk=entry_id)
        budget = _lock(entry.budget_id)
        entry = LedgerEntry.objects.select_related("corrects").get(pk=entry_id, budget=budget)
        label = ENTRY_NOUNS.get(entry.kind, entry.get_kind_display().lower())
        if entry.kind not in REVERSIBLE_KINDS:
            raise ValidationError(
                f"A {label} cannot be reversed. Release a commitment's unspent money instead, or correct a budget, "
                "a transfer or a reversal with a new adjustment or transfer."
            )
        if LedgerEntry.objects.filter(corrects=entry, kind=EntryKind.REVERSAL).exists():
            raise ValidationError("This entry has already been reversed: an entry can only be reversed once")
        balance = balance_of(budget)
        after = BudgetBalance(
            budget=balance.budget - entry.budget_delta,
            committed=balance.committed - entry.committed_delta,
            paid=balance.paid - entry.paid_delta,
        )
        if after.available < 0:
            raise ValidationError(
                {
                    "amount": f"{budget} has £{balance.available:,.2f} available: reversing this {label} needs "
                    f"£{-(after.available - balance.available):,.2f}. Nothing has been written."
                }
            )
        if entry.corrects is not None and entry.corrects.kind == EntryKind.COMMITMENT:
            held, paid = outstanding(entry.corrects)
            if paid - entry.paid_delta < 0 or held - entry.committed_delta < paid - entry.paid_delta:
                raise ValidationError(
                    f"This {label} cannot be reversed: only £{paid:,.2f} of its commitment is still paid, after "
                    "a clawback. Reverse the clawback first."
                )
        return _write(
            actor=actor, budget=budget, kind=EntryKind.REVERSAL, budget_delta=-entry.budget_delta,
            committed_delta=-entry.committed_delta, paid_delta=-entry.paid_delta, corrects=entry, memo=memo.strip(),
            funding_request=entry.funding_request, school=entry.school, pupil=entry.pupil,
        )  # fmt: skip


__all__ = ["BudgetBalance", "Overspend", "budget_adjust", "budget_set", "clawback", "commit", "pay", "release",
           "reverse", "transfer"]  # fmt: skip
