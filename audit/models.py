"""Append-only audit trail: who viewed or changed what, when. Rows are never updated or deleted
(a PostgreSQL trigger refuses it), so the trail can be trusted in a complaint or tribunal."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from localities.models import LocalAuthority


class AuditEvent(models.Model):
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    summary = models.CharField(max_length=255, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["local_authority", "object_type", "object_id", "created_at"], name="audit_object_idx"),
            models.Index(fields=["local_authority", "actor", "created_at"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}:{self.object_id}"
