from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.scoping import Scope, visible
from funding.models import Budget, BudgetTotals, LedgerEntry

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class BudgetBalance:
    budget: Decimal
    committed: Decimal
    paid: Decimal

    @property
    def available(self) -> Decimal:
        """Budget less commitments not yet released (payments are made against commitments)."""
        return self.budget - self.committed

    @property
    def remaining_to_pay(self) -> Decimal:
        return self.committed - self.paid


BALANCE_SUMS = {
    "total_budget": Coalesce(Sum("entries__budget_delta"), ZERO),
    "total_committed": Coalesce(Sum("entries__committed_delta"), ZERO),
    "total_paid": Coalesce(Sum("entries__paid_delta"), ZERO),
}


def balance_of(budget: Budget) -> BudgetBalance:
    """A pot's balance from the running totals the ledger guard keeps with every entry (one row, however
    long the pot's ledger): what funding.ledger checks a movement against, under the pot's row lock."""
    if connection.vendor != "postgresql":
        # The embedded demo database (SQLite) has no trigger to keep the running totals: sum the ledger.
        return balance_from_ledger(budget)
    totals = BudgetTotals.objects.filter(budget_id=budget.pk).values_list("budget_total", "committed", "paid").first()
    if totals is None:  # nothing written to the pot yet
        return BudgetBalance(ZERO, ZERO, ZERO)
    return BudgetBalance(*totals)


def balance_from_ledger(budget: Budget) -> BudgetBalance:
    """The same balance summed from the pot's ledger entries (what the running totals must always equal)."""
    totals = Budget.objects.filter(pk=budget.pk).aggregate(
        budget=Coalesce(Sum("entries__budget_delta"), ZERO),
        committed=Coalesce(Sum("entries__committed_delta"), ZERO),
        paid=Coalesce(Sum("entries__paid_delta"), ZERO),
    )
    return BudgetBalance(totals["budget"], totals["committed"], totals["paid"])


def budgets_with_balances(*, scope: Scope, financial_year_start: datetime.date | None = None) -> QuerySet[Budget]:
    """Budgets this scope may read, each annotated with its ledger totals (one query)."""
    budgets = visible(Budget, scope).select_related("locality", "panel")
    if financial_year_start is not None:
        budgets = budgets.filter(financial_year_start=financial_year_start)
    return budgets.annotate(**BALANCE_SUMS).order_by("-financial_year_start", "kind", "name", "pk")


def balance_from_annotations(budget: Budget) -> BudgetBalance:
    return BudgetBalance(
        budget.total_budget,  # type: ignore[attr-defined]
        budget.total_committed,  # type: ignore[attr-defined]
        budget.total_paid,  # type: ignore[attr-defined]
    )


def entry_summary(entry: LedgerEntry) -> str:
    """One entry in words, for a caption: "Payment: £1,000.00, 3 December 2026" (a clawback moves committed
    and paid by the same amount; an adjustment down is shown as -£500.00)."""
    amount = next((a for a in (entry.budget_delta, entry.committed_delta, entry.paid_delta) if a), ZERO)
    when = timezone.localtime(entry.created_at)
    return f"{entry.get_kind_display()}: {'-' if amount < 0 else ''}£{abs(amount):,.2f}, {when.day} {when:%B %Y}"
