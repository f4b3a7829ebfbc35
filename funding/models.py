"""Budgets (pots) per financial year, the append-only ledger that gives their balances, and funding
requests with their history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.db.models import Q

from localities.models import Locality, School, TenantOwned, TenantQuerySet
from panels.models import Panel
from pupils.models import GroupIntervention, Pupil

if TYPE_CHECKING:
    from accounts.scoping import Scope


class PotKind(models.TextChoices):
    LOCALITY = "locality", "Locality budget"
    EXCEPTIONAL_NEEDS = "exceptional_needs", "Complex and exceptional needs"
    TOP_UP = "top_up", "High Needs top-up"


class BudgetQuerySet(TenantQuerySet):
    def visible_to(self, scope: Scope) -> Self:
        qs = self.in_tenant(scope.local_authority_id)
        if scope.sees_whole_tenant:
            return qs
        return qs.filter(Q(locality_id__in=scope.locality_ids) | Q(panel_id__in=scope.panel_ids))


class Budget(TenantOwned):
    """One pot for one financial year: a locality's devolved budget, or a central pot decided by a panel.
    Its balances are never stored: they are sums of its ledger entries."""

    kind = models.CharField(max_length=20, choices=PotKind.choices)
    name = models.CharField(max_length=150)
    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, null=True, blank=True, related_name="budgets")
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, null=True, blank=True, related_name="budgets")
    financial_year_start = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BudgetQuerySet.as_manager()

    class Meta:
        ordering = ["-financial_year_start", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="locality", locality__isnull=False) | ~Q(kind="locality") & Q(locality__isnull=True),
                name="budget_locality_pot_has_locality",
            ),
            models.UniqueConstraint(
                fields=["local_authority", "kind", "locality", "financial_year_start"],
                nulls_distinct=False,
                name="budget_one_pot_per_year",
            ),
            models.UniqueConstraint(
                fields=["local_authority", "name", "financial_year_start"], name="budget_name_unique_per_year"
            ),
        ]
        indexes = [
            models.Index(fields=["local_authority", "financial_year_start", "kind"], name="budget_la_year_idx"),
            models.Index(fields=["locality", "financial_year_start"], name="budget_locality_year_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {financial_year_label(self.financial_year_start)}"


class BudgetTotals(models.Model):
    """A pot's running totals of its ledger: budget, committed and paid. Kept by the ledger guard as it
    writes each entry, in the same statement and under the pot's row lock (migration 0009), so checking an
    entry against the pot takes one row, not a sum over its whole ledger. Never written by the application
    (a trigger refuses it); always equal to the sums of the pot's entries (funding/tests/test_ledger.py).
    A pot with no entries yet has no row."""

    budget = models.OneToOneField(Budget, on_delete=models.PROTECT, primary_key=True, related_name="totals")
    budget_total = models.DecimalField(max_digits=14, decimal_places=2)
    committed = models.DecimalField(max_digits=14, decimal_places=2)
    paid = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        verbose_name_plural = "budget totals"
        constraints = [
            models.CheckConstraint(
                condition=Q(committed__lte=models.F("budget_total"), paid__lte=models.F("committed"), paid__gte=0),
                name="budget_totals_not_overspent",
            ),
        ]

    def __str__(self) -> str:
        return f"Totals of budget {self.budget_id}"


def financial_year_label(start: object) -> str:
    """The short label: 2026-27 for a year from April 2026. A year that starts in January is one
    calendar year, so its label is 2026."""
    year = getattr(start, "year", 0)
    if getattr(start, "month", None) == 1:
        return f"{year}"
    return f"{year}-{(year + 1) % 100:02d}"


class EntryKind(models.TextChoices):
    BUDGET_SET = "budget_set", "Budget set"
    ADJUSTMENT = "adjustment", "Budget adjusted"
    TRANSFER_IN = "transfer_in", "Transfer in"
    TRANSFER_OUT = "transfer_out", "Transfer out"
    COMMITMENT = "commitment", "Commitment"
    RELEASE = "release", "Unspent commitment released"
    PAYMENT = "payment", "Payment"
    CLAWBACK = "clawback", "Clawback"
    REVERSAL = "reversal", "Reversal of an entry made in error"


# Entries a reversal may undo: money recorded in error. A commitment is given back with a release; a
# budget set, a transfer or another reversal is corrected by a new adjustment or transfer instead.
REVERSIBLE_KINDS = frozenset({EntryKind.PAYMENT, EntryKind.ADJUSTMENT, EntryKind.RELEASE, EntryKind.CLAWBACK})


def _shape(kind: str, budget: str, committed: str, paid: str) -> Q:
    """The sign each column must have for an entry kind ("+", "-", "0" or "~" for non-zero)."""
    condition = Q(kind=kind)
    for column, sign in (("budget_delta", budget), ("committed_delta", committed), ("paid_delta", paid)):
        condition &= {
            "+": Q(**{f"{column}__gt": 0}),
            "-": Q(**{f"{column}__lt": 0}),
            "0": Q(**{column: 0}),
            "~": ~Q(**{column: 0}),
        }[sign]
    return condition


class LedgerEntryQuerySet(TenantQuerySet):
    def visible_to(self, scope: Scope) -> Self:
        return self.in_tenant(scope.local_authority_id).filter(budget__in=Budget.objects.visible_to(scope))


class LedgerEntry(TenantOwned):
    """Append-only: never updated or deleted (a PostgreSQL trigger refuses it); a correction is a new
    entry that points at the one it corrects (`corrects`): a payment, release or clawback points at its
    commitment, a reversal at the entry made in error, whose deltas it negates. Each entry moves one or
    more of three running totals of its budget: the budget itself, what is committed, and what is paid.
    The database refuses any entry that would leave committed above the budget, or paid above committed
    (see migrations 0002 and 0008)."""

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=14, choices=EntryKind.choices)
    budget_delta = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    committed_delta = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    paid_delta = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    funding_request = models.ForeignKey(
        "funding.FundingRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entries"
    )
    school = models.ForeignKey(School, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections")
    related_entry = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    memo = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "ledger entries"
        constraints = [
            models.CheckConstraint(
                condition=_shape(EntryKind.BUDGET_SET, "+", "0", "0")
                | _shape(EntryKind.ADJUSTMENT, "~", "0", "0")
                | _shape(EntryKind.TRANSFER_IN, "+", "0", "0")
                | _shape(EntryKind.TRANSFER_OUT, "-", "0", "0")
                | _shape(EntryKind.COMMITMENT, "0", "+", "0")
                | _shape(EntryKind.RELEASE, "0", "-", "0")
                | _shape(EntryKind.PAYMENT, "0", "0", "+")
                | _shape(EntryKind.CLAWBACK, "0", "-", "-")
                # A reversal mirrors the entry it reverses (the ledger guard checks each delta against it).
                | Q(kind=EntryKind.REVERSAL, corrects__isnull=False)
                & (~Q(budget_delta=0) | ~Q(committed_delta=0) | ~Q(paid_delta=0)),
                name="ledger_entry_shape_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["corrects"], condition=Q(kind=EntryKind.REVERSAL), name="ledger_entry_reversed_once"
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True) | Q(period_end__gte=models.F("period_start")),
                name="ledger_period_in_order",
            ),
        ]
        indexes = [
            models.Index(fields=["budget", "created_at"], name="ledger_budget_time_idx"),
            models.Index(fields=["local_authority", "created_at"], name="ledger_la_time_idx"),
            models.Index(fields=["funding_request"], name="ledger_request_idx"),
            models.Index(fields=["school", "budget"], name="ledger_school_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.budget_id}"

    @property
    def is_reversible(self) -> bool:
        """A kind of entry a reversal may undo (whether it already has been is a query: see budget_entries)."""
        return self.kind in REVERSIBLE_KINDS


class Route(models.TextChoices):
    LOCALITY = "locality", "Locality funding (Area SEND Lead)"
    TOP_UP_PANEL = "top_up", "High Needs top-up panel"
    EXCEPTIONAL_PANEL = "exceptional_needs", "Complex and exceptional needs panel"


class RequestStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    MORE_INFORMATION = "more_info", "Waiting for more information"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    REFERRED = "referred", "Referred to the central panel"
    REVIEW_REQUESTED = "review", "Review of the decision asked for"
    WITHDRAWN = "withdrawn", "Withdrawn"


class FundingRequestQuerySet(TenantQuerySet):
    def visible_to(self, scope: Scope) -> Self:
        qs = self.in_tenant(scope.local_authority_id)
        # A request never submitted (a draft, or a draft withdrawn) stays the school's own: only its SENCOs
        # see it, whatever anyone else's role. Once submitted: LA and finance officers see every request;
        # Area SEND Leads their localities'; panel members the cases on their panels' agendas once the papers
        # are issued, except a case they declared a conflict on.
        own_school = Q(school_id__in=scope.school_ids)
        submitted = Q(submitted_at__isnull=False)
        if scope.sees_whole_tenant:
            return qs.filter(own_school | submitted)
        condition = own_school | Q(school__locality_id__in=scope.locality_ids) & submitted
        if scope.panel_ids:
            from panels.models import AgendaItem, ConflictOfInterest

            on_agenda = AgendaItem.objects.visible_to(scope).values("funding_request_id")
            conflicted = ConflictOfInterest.objects.filter(
                local_authority_id=scope.local_authority_id, member_id=scope.user_id
            ).values("agenda_item__funding_request_id")
            condition |= Q(pk__in=on_agenda) & ~Q(pk__in=conflicted)
        return qs.filter(condition)

    def editable_by(self, scope: Scope) -> Self:
        return self.in_tenant(scope.local_authority_id).filter(school_id__in=scope.school_ids)


class FundingRequest(TenantOwned):
    """A school's request for money for a pupil (or a group intervention). What the pupil's casework
    already says (current cycle, provision map, costs) is attached on submission, never retyped."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="funding_requests")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, null=True, blank=True, related_name="funding_requests")
    group_intervention = models.ForeignKey(
        GroupIntervention, on_delete=models.PROTECT, null=True, blank=True, related_name="funding_requests"
    )
    is_exceptional = models.BooleanField("for complex and exceptional needs", default=False)
    route = models.CharField(max_length=20, choices=Route.choices, default=Route.LOCALITY)
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, null=True, blank=True, related_name="requests")
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.DRAFT)
    amount_requested = models.DecimalField(max_digits=12, decimal_places=2)
    period_start = models.DateField()
    period_end = models.DateField()
    purpose = models.TextField("what the money will buy")
    outcomes_served = models.TextField("the outcomes it serves")
    snapshot = models.JSONField(default=dict, blank=True)
    eligibility = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    approved_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    approved_start = models.DateField(null=True, blank=True)
    approved_end = models.DateField(null=True, blank=True)
    conditions = models.TextField(blank=True)
    decision_reasons = models.TextField(blank=True)
    # Banding, where the council uses it: the band the scores give, and the band decided (with why,
    # when the decision-maker sets a different one).
    indicative_band = models.ForeignKey(
        "funding.Band", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_band = models.ForeignKey("funding.Band", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    band_override_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FundingRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_requested__gt=0), name="request_amount_positive"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="request_period_order"),
            models.CheckConstraint(
                condition=Q(pupil__isnull=False, group_intervention__isnull=True)
                | Q(pupil__isnull=True, group_intervention__isnull=False),
                name="request_for_a_pupil_or_a_group",
            ),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True) | Q(approved_amount__gt=0), name="request_approved_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["local_authority", "status", "submitted_at"], name="request_la_status_idx"),
            models.Index(fields=["school", "status", "created_at"], name="request_school_status_idx"),
            models.Index(fields=["route", "status", "submitted_at"], name="request_route_status_idx"),
            models.Index(fields=["route", "status", "decided_at"], name="request_route_decided_idx"),
            models.Index(fields=["pupil", "created_at"], name="request_pupil_idx"),
        ]

    def __str__(self) -> str:
        return f"Funding request {self.pk}"


class RequestEvent(TenantOwned):
    """The history of a request: every state change, question and answer, who and when."""

    request = models.ForeignKey(FundingRequest, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=RequestStatus.choices)
    message = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["request", "created_at"], name="request_event_idx"),
            # Timeliness: each request's first decision, per council.
            models.Index(fields=["local_authority", "to_status", "created_at"], name="request_event_la_status_idx"),
        ]


from funding.banding_models import Band, BandingDomain, BandingLevel, RequestScore  # noqa: E402,F401
from funding.report_models import BudgetReport  # noqa: E402,F401
