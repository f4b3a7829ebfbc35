"""Celery tasks for budget reports. They take ids, are idempotent and time-limited, and call a service.

The worker finds these tasks only when this module is imported: funding/tasks.py (autodiscovered)
should import it, or the worker be started with `-I funding.report_tasks`.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from funding.report_models import REPORT_BUILD_TIME_LIMIT

BUILD_SOFT_TIME_LIMIT = REPORT_BUILD_TIME_LIMIT - 60

# The monthly report is scheduled by Celery beat: CELERY_BEAT_SCHEDULE in send_portal/settings/base.py.


@shared_task(
    name="funding.build_budget_report",
    bind=True,
    acks_late=True,
    soft_time_limit=BUILD_SOFT_TIME_LIMIT,
    time_limit=REPORT_BUILD_TIME_LIMIT,
)
def build_budget_report(self: Any, report_id: int) -> str:
    """Build a report's CSV, XLSX and PDF. A report already built, or being built by another task, is
    left alone; a redelivered message takes its report back."""
    from funding.report_services import report_build

    return report_build(report_id=report_id, task_id=self.request.id or "")


@shared_task(name="funding.schedule_monthly_reports", acks_late=True, soft_time_limit=120, time_limit=180)
def schedule_monthly_reports() -> int:
    """Queue this month's whole-tenant report for every tenant (none twice)."""
    from funding.report_services import monthly_reports_schedule

    return len(monthly_reports_schedule())
