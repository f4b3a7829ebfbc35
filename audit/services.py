from __future__ import annotations

from typing import Any

from django.db import models

from audit.models import AuditEvent


def audit_record(
    *,
    actor: Any,
    local_authority_id: int | None,
    action: str,
    obj: models.Model,
    summary: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit row. `changes` maps field name to [old, new]; ids only, never a pupil's name."""
    return AuditEvent.objects.create(
        local_authority_id=local_authority_id,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        summary=summary[:255],
        changes=changes or {},
    )


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}
