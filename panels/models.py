"""Panels: LA multi-disciplinary decision meetings (Croydon's exceptional-needs panel, Stockton's One Point Panel)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models

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
