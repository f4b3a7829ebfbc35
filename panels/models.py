"""Panels: LA multi-disciplinary decision meetings (Croydon's exceptional-needs panel, Stockton's One Point Panel)."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.db.models import Q
from django.utils import timezone

from localities.models import TenantOwned, TenantQuerySet

if TYPE_CHECKING:
    from accounts.scoping import Scope


class PanelKind(models.TextChoices):
    EXCEPTIONAL_NEEDS = "exceptional_needs", "Complex and exceptional needs"
    HIGH_NEEDS_TOP_UP = "top_up", "High Needs top-up"


class PanelQuerySet(TenantQuerySet):
    def visible_to(self, scope: Scope) -> Self:
        qs = self.in_tenant(scope.local_authority_id)
        if scope.sees_whole_tenant:
            return qs
        return qs.filter(pk__in=scope.panel_ids)


class Panel(TenantOwned):
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=PanelKind.choices)
    description = models.TextField(blank=True)

    objects = PanelQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["local_authority", "name"], name="panel_name_unique_in_la")]

    def __str__(self) -> str:
        return self.name


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    PAPERS_ISSUED = "papers_issued", "Papers issued"
    HELD = "held", "Held"
    MINUTES_APPROVED = "minutes_approved", "Minutes approved"
    CANCELLED = "cancelled", "Cancelled"


class PanelMeetingQuerySet(TenantQuerySet):
    def visible_to(self, scope: Scope) -> Self:
        return self.in_tenant(scope.local_authority_id).filter(panel__in=Panel.objects.visible_to(scope))


class PanelMeeting(TenantOwned):
    """One sitting of a panel. Its status moves only through panels.workflow."""

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="meetings")
    meets_at = models.DateTimeField()
    venue = models.CharField(max_length=200, blank=True)
    online_link = models.URLField("online meeting link", blank=True)
    status = models.CharField(max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    papers_issued_at = models.DateTimeField(null=True, blank=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    minutes_approved_at = models.DateTimeField(null=True, blank=True)
    minutes_approved_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = PanelMeetingQuerySet.as_manager()

    class Meta:
        ordering = ["meets_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(venue="") | ~Q(online_link=""), name="meeting_has_a_place"),
            models.CheckConstraint(
                condition=~Q(status="minutes_approved") | Q(minutes_approved_at__isnull=False),
                name="meeting_minutes_approved_when",
            ),
        ]
        indexes = [
            models.Index(fields=["panel", "meets_at"], name="meeting_panel_time_idx"),
            models.Index(fields=["local_authority", "status", "meets_at"], name="meeting_la_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.panel.name}, {self.meets_at:%d %B %Y}"

    @property
    def minutes_approved(self) -> bool:
        return self.status == MeetingStatus.MINUTES_APPROVED


class AgendaItemQuerySet(TenantQuerySet):
    def visible_to(self, scope: Scope) -> Self:
        """LA officers: every agenda. Finance officers: every agenda (money, not casework). Panel members:
        their panels' agendas once the papers are issued; an item on which they declared a conflict of
        interest stays on their agenda as a withheld line (the views and the pack show it so)."""
        qs = self.in_tenant(scope.local_authority_id)
        if scope.sees_whole_tenant:
            return qs
        return qs.filter(meeting__panel_id__in=scope.panel_ids).exclude(
            meeting__status__in=[MeetingStatus.SCHEDULED, MeetingStatus.CANCELLED]
        )


class AgendaItem(TenantOwned):
    """A funding request on a meeting's agenda. A request may come to several meetings (deferred, or a
    review of a decision), once each."""

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.PROTECT, related_name="items")
    funding_request = models.ForeignKey("funding.FundingRequest", on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveSmallIntegerField()
    is_review = models.BooleanField("a review of an earlier decision", default=False)
    added_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "funding_request"], name="agenda_request_once_per_meeting"),
        ]
        indexes = [
            models.Index(fields=["meeting", "position"], name="agenda_meeting_position_idx"),
            models.Index(fields=["funding_request", "meeting"], name="agenda_request_idx"),
        ]

    def __str__(self) -> str:
        return f"Case {self.position} of meeting {self.meeting_id}"


class MeetingChildQuerySet(TenantQuerySet):
    """Rows that hang off a meeting or an agenda item: visible with the meeting."""

    meeting_path = "meeting"

    def visible_to(self, scope: Scope) -> Self:
        meetings = PanelMeeting.objects.visible_to(scope)
        return self.in_tenant(scope.local_authority_id).filter(**{f"{self.meeting_path}__in": meetings})


class ItemChildQuerySet(MeetingChildQuerySet):
    meeting_path = "agenda_item__meeting"


class ConflictOfInterest(TenantOwned):
    """A member's declared conflict on one case (for example the headteacher representative of the
    pupil's school). A conflicted member does not see the case's papers nor take part in its decision."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="conflicts")
    member = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    declared_at = models.DateTimeField(auto_now_add=True)

    objects = ItemChildQuerySet.as_manager()

    class Meta:
        ordering = ["declared_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["agenda_item", "member"], name="conflict_once_per_member_and_case")
        ]
        indexes = [models.Index(fields=["member", "agenda_item"], name="conflict_member_idx")]


class Attendance(TenantOwned):
    """Who was at the meeting (present) and who sent apologies, with their place on the panel."""

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.PROTECT, related_name="attendance")
    member = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    panel_role = models.CharField(max_length=24, blank=True)
    present = models.BooleanField()
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    objects = MeetingChildQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once_per_member")]


class RecommendationChoice(models.TextChoices):
    SUPPORT = "support", "Support"
    SUPPORT_DIFFERENT_AMOUNT = "different_amount", "Support a different amount"
    DO_NOT_SUPPORT = "do_not_support", "Do not support"
    NEEDS_MORE_INFORMATION = "more_information", "Needs more information"


class Recommendation(TenantOwned):
    """A member's view on a case before the meeting. The chair sees them side by side."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="recommendations")
    member = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=16, choices=RecommendationChoice.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ItemChildQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["agenda_item", "member"], name="recommendation_once_per_member"),
            models.CheckConstraint(
                condition=~Q(choice="different_amount") | Q(amount__gt=0), name="recommendation_amount_when_different"
            ),
        ]


class DecisionOutcome(models.TextChoices):
    APPROVE = "approve", "Approve"
    APPROVE_DIFFERENT_AMOUNT = "approve_different", "Approve a different amount"
    DECLINE = "decline", "Decline"
    DEFER = "defer", "Defer to a later meeting"
    MORE_EVIDENCE = "more_evidence", "Ask the school for more evidence"


APPROVING = (DecisionOutcome.APPROVE, DecisionOutcome.APPROVE_DIFFERENT_AMOUNT)


class PanelDecision(TenantOwned):
    """The panel's decision on one case. Append-only (PostgreSQL refuses UPDATE and DELETE): a decision
    changed before the minutes are approved, or corrected after, is a new row that `corrects` the old."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="decisions")
    funding_request = models.ForeignKey(
        "funding.FundingRequest", on_delete=models.PROTECT, related_name="panel_decisions"
    )
    outcome = models.CharField(max_length=18, choices=DecisionOutcome.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    conditions = models.TextField(blank=True)
    reasons = models.TextField("reasons, in plain English", blank=True)
    deferred_to = models.ForeignKey(
        PanelMeeting, on_delete=models.PROTECT, null=True, blank=True, related_name="deferred_decisions"
    )
    band = models.ForeignKey("funding.Band", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    band_reason = models.TextField(blank=True)
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrected_by"
    )
    correction_reason = models.TextField(blank=True)
    # Recorded after the minutes were approved: shown as a correction in the minutes.
    after_minutes = models.BooleanField(default=False)
    decided_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    objects = ItemChildQuerySet.as_manager()

    class Meta:
        ordering = ["decided_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome__in=["approve", "approve_different"])
                | Q(amount__gt=0, period_start__isnull=False, period_end__gte=models.F("period_start")),
                name="decision_approval_has_amount_and_period",
            ),
            models.CheckConstraint(
                condition=~Q(outcome__in=["decline", "more_evidence"]) | ~Q(reasons=""),
                name="decision_decline_has_reasons",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="defer") | Q(deferred_to__isnull=False), name="decision_defer_names_meeting"
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(correction_reason=""), name="decision_correction_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["funding_request", "decided_at"], name="decision_request_idx"),
            models.Index(fields=["agenda_item", "decided_at"], name="decision_item_idx"),
            models.Index(fields=["local_authority", "decided_at"], name="decision_la_time_idx"),
        ]

    def __str__(self) -> str:
        return f"Decision {self.pk}: {self.get_outcome_display()}"

    @property
    def approves(self) -> bool:
        return self.outcome in APPROVING


class PackStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being built"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


# Seconds: the pack task's hard limit. A pack "running" for longer was left by a lost worker.
PACK_BUILD_TIME_LIMIT = 300


def pack_file_name(instance: Any, filename: str) -> str:
    """panel-packs/<year>/<month>/<random>.pdf: the name says nothing about the panel or the pupils."""
    return f"{timezone.now():panel-packs/%Y/%m}/{secrets.token_urlsafe(18)}.pdf"


class PanelPack(TenantOwned):
    """The papers for a meeting, in one version: the full pack (`excluded_items` empty) or one that
    leaves out the cases its reader declared a conflict on. Built by Celery; one row per version."""

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.PROTECT, related_name="packs")
    # Sorted ids of the agenda items this version leaves out.
    excluded_items = models.JSONField(default=list, blank=True)
    pseudonymised = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=PackStatus.choices, default=PackStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    pdf_file = models.FileField(upload_to=pack_file_name, max_length=200, blank=True)
    pages = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Papers issued again (the agenda changed) replace earlier versions; old ones are kept, not served.
    superseded = models.BooleanField(default=False)

    objects = MeetingChildQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=100), name="pack_progress_percent"),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(progress=100, finished_at__isnull=False), name="pack_done_is_finished"
            ),
        ]
        indexes = [models.Index(fields=["meeting", "superseded"], name="pack_meeting_idx")]

    def __str__(self) -> str:
        return f"Panel pack {self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (PackStatus.DONE, PackStatus.FAILED)
