"""Celery tasks for panels. They take ids, are idempotent and time-limited, and call a service."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from panels.models import PACK_BUILD_TIME_LIMIT


@shared_task(
    name="panels.build_panel_pack",
    bind=True,
    acks_late=True,
    soft_time_limit=PACK_BUILD_TIME_LIMIT - 60,
    time_limit=PACK_BUILD_TIME_LIMIT,
)
def build_panel_pack(self: Any, pack_id: int) -> str:
    """Build one version of a meeting's papers. A pack already built, or being built by another task, is
    left alone; a redelivered message takes its pack back."""
    from panels.pack_services import pack_build

    return pack_build(pack_id=pack_id, task_id=self.request.id or "")
