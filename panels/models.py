"""Panels: LA multi-disciplinary decision meetings (Croydon's exceptional-needs panel, Stockton's One Point Panel)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models
from django.db.models import Q

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
    CANCELLED = "cancelled", "Cancelled"


class PanelMeetingQuerySet(TenantQuerySet):
    def visible_to(self, scope: Scope) -> Self:
        return self.in_tenant(scope.local_authority_id).filter(panel__in=Panel.objects.visible_to(scope))


class PanelMeeting(TenantOwned):
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="meetings")
    meets_at = models.DateTimeField()
    venue = models.CharField(max_length=200, blank=True)
    online_link = models.URLField("online meeting link", blank=True)
    status = models.CharField(max_length=14, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PanelMeetingQuerySet.as_manager()

    class Meta:
        ordering = ["meets_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(venue="") | ~Q(online_link=""), name="meeting_has_a_place"),
        ]
        indexes = [models.Index(fields=["panel", "meets_at"], name="meeting_panel_time_idx")]

    def __str__(self) -> str:
        return f"{self.panel.name}, {self.meets_at:%d %B %Y}"
