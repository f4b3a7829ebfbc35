"""Rows that a Celery task builds a file for (budget reports, panel packs): the one way a task claims such a
row, so a redelivered message or a lost worker never leaves it stuck, and two tasks never build it at once.

A build row has `status` (queued, running, done, failed), `task_id`, `started_at`, `progress` and `error`."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

B = TypeVar("B", bound=models.Model)
FINISHED = ("done", "failed")


def build_claim(
    model: type[B], *, pk: int, task_id: str, time_limit: int, skip: Callable[[Any], bool] = lambda row: False
) -> B | None:
    """Take the row for this task, or None when there is nothing to do: it is built or failed (or `skip`
    says so), or another task is building it now. A redelivered message (same task id) takes it back, and
    so does any task once a running row is older than the task's hard time limit (its worker was lost)."""
    now = timezone.now()
    with transaction.atomic():
        row: Any = model._default_manager.select_for_update().filter(pk=pk).first()
        if row is None or row.status in FINISHED or skip(row):
            return None
        if (
            row.status == "running"
            and row.task_id != task_id
            and row.started_at is not None
            and row.started_at > now - datetime.timedelta(seconds=time_limit)
        ):
            return None
        row.status, row.task_id, row.started_at, row.progress, row.error = "running", task_id[:64], now, 5, ""
        row.save(update_fields=["status", "task_id", "started_at", "progress", "error"])
        return row


def build_progress(model: type[models.Model], *, pk: int, progress: int) -> None:
    """Committed at once (outside any transaction), so a progress page sees it while the build runs."""
    model._default_manager.filter(pk=pk, status="running").update(progress=max(0, min(99, progress)))


def build_fail(model: type[models.Model], *, pk: int, message: str) -> None:
    model._default_manager.filter(pk=pk).exclude(status="done").update(
        status="failed", error=message, finished_at=timezone.now()
    )
