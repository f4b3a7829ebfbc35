"""Budget reports: asking for one, the monthly reports, and building one (claiming it, marking its
progress, storing its files). The Celery tasks in funding.report_tasks only call these."""

from __future__ import annotations

import datetime
import functools
import logging
import tempfile
from pathlib import Path
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from accounts.scoping import Scope, visible
from audit.services import audit_record
from funding import reports
from funding.report_models import REPORT_BUILD_TIME_LIMIT, REPORT_FORMATS, BudgetReport, ReportStatus
from funding.years import financial_year_start
from localities.models import LocalAuthority, Locality
from send_portal.builds import build_claim, build_fail, build_progress

logger = logging.getLogger(__name__)

# A report still queued or running this recently is the one a second click gets, not a new one.
DUPLICATE_WINDOW = datetime.timedelta(minutes=10)
EARLIEST_YEAR = 2000
FAILED_MESSAGE = (
    "The report could not be built. Ask for it again. If it fails again, tell your local authority's "
    "SEND Portal support team the report number."
)
TOO_LONG_MESSAGE = "The report took too long to build. Ask for it again at a quieter time."


def _enqueue(report_id: int) -> None:
    from funding.report_tasks import build_budget_report

    build_budget_report.delay(report_id)


def report_request(
    *, actor: Any, scope: Scope, locality_id: int | None, financial_year_start: datetime.date
) -> BudgetReport:
    """Ask for a report on the whole tenant (LA and finance officers) or one locality (theirs, for an Area
    SEND Lead). The report is queued and built by Celery once this transaction commits."""
    if locality_id is None:
        if not scope.sees_whole_tenant:
            raise ValidationError({"scope": "You can only ask for a report on your own localities"})
        locality = None
    else:
        if not scope.sees_whole_tenant and locality_id not in scope.locality_ids:
            raise ValidationError({"scope": "You can only ask for a report on your own localities"})
        locality = visible(Locality, scope).filter(pk=locality_id).first()
        if locality is None:
            raise ValidationError({"scope": "Select one of the localities listed"})
    authority = LocalAuthority.objects.get(pk=scope.local_authority_id)
    year = financial_year_start
    latest = financial_year_start_for(authority, timezone.localdate()).year + 1
    if (year.day, year.month) != (1, authority.financial_year_start_month) or not EARLIEST_YEAR <= year.year <= latest:
        raise ValidationError({"financial_year": "Select one of the financial years listed"})
    with transaction.atomic():
        duplicate = (
            visible(BudgetReport, scope)
            .filter(
                locality=locality,
                financial_year_start=year,
                requested_by=actor,
                status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING],
                created_at__gte=timezone.now() - DUPLICATE_WINDOW,
            )
            .first()
        )
        if duplicate is not None:
            return duplicate
        report = BudgetReport.objects.create(
            local_authority_id=scope.local_authority_id,
            locality=locality,
            financial_year_start=year,
            requested_by=actor,
        )
        covers = f"locality {locality_id}" if locality_id else "whole tenant"
        audit_record(
            actor=actor,
            local_authority_id=scope.local_authority_id,
            action="report_requested",
            obj=report,
            summary=f"Budget report {report.pk} requested: {covers}, financial year {year.year}",
        )
        transaction.on_commit(functools.partial(_enqueue, report.pk))
    return report


def financial_year_start_for(authority: LocalAuthority, day: datetime.date) -> datetime.date:
    return financial_year_start(day, authority.financial_year_start_month)


def monthly_reports_schedule(*, today: datetime.date | None = None) -> list[int]:
    """One whole-tenant report for the current financial year per tenant per month (Celery beat). Safe to
    run again: a tenant that already has this month's report gets no second one (a unique constraint)."""
    today = today or timezone.localdate()
    month = today.replace(day=1)
    created = []
    for authority in LocalAuthority.objects.order_by("pk"):
        with transaction.atomic():
            report, is_new = BudgetReport.objects.get_or_create(
                local_authority=authority,
                scheduled_month=month,
                defaults={"financial_year_start": financial_year_start_for(authority, today), "locality": None},
            )
            if is_new:
                audit_record(
                    actor=None,
                    local_authority_id=authority.pk,
                    action="report_scheduled",
                    obj=report,
                    summary=f"Monthly budget report {report.pk} for {month:%B %Y}",
                )
                transaction.on_commit(functools.partial(_enqueue, report.pk))
                created.append(report.pk)
    return created


# Building ---------------------------------------------------------------------------------------------


def report_claim(*, report_id: int, task_id: str) -> BudgetReport | None:
    return build_claim(BudgetReport, pk=report_id, task_id=task_id, time_limit=REPORT_BUILD_TIME_LIMIT)


def report_progress(*, report_id: int, progress: int) -> None:
    build_progress(BudgetReport, pk=report_id, progress=progress)


def report_finish(*, report_id: int, files: dict[str, Path]) -> None:
    """Store the files under MEDIA_ROOT/reports/<year>/<month>/ with random names, and mark the report
    done. Files of an earlier, interrupted attempt are removed."""
    with transaction.atomic():
        report = BudgetReport.objects.select_for_update().get(pk=report_id)
        earlier = [field for field in (report.file_for(fmt) for fmt in REPORT_FORMATS) if field]
        stale = [(field.storage, field.name) for field in earlier]
        for fmt, path in files.items():
            with path.open("rb") as content:
                getattr(report, f"{fmt}_file").save(f"report.{fmt}", File(content), save=False)
        report.status, report.progress, report.finished_at, report.error = ReportStatus.DONE, 100, timezone.now(), ""
        report.save()
        if stale:
            transaction.on_commit(functools.partial(_delete_files, stale))


def _delete_files(files: list[tuple[Any, str]]) -> None:
    for storage, name in files:
        storage.delete(name)


def report_fail(*, report_id: int, message: str) -> None:
    build_fail(BudgetReport, pk=report_id, message=message)


def report_build(*, report_id: int, task_id: str) -> str:
    """Build the CSV, XLSX and PDF of a report. Idempotent: a report already built is left alone."""
    report = report_claim(report_id=report_id, task_id=task_id)
    if report is None:
        return "skipped"
    try:
        with tempfile.TemporaryDirectory(prefix="budget-report-") as directory:
            files = reports.build_files(
                local_authority_id=report.local_authority_id,
                locality_id=report.locality_id,
                year_start=report.financial_year_start,
                directory=Path(directory),
                progress=functools.partial(_progress, report_id),
            )
            report_progress(report_id=report_id, progress=95)
            report_finish(report_id=report_id, files=files.by_format())
    except SoftTimeLimitExceeded:
        logger.error("Budget report %s took too long to build", report_id)
        report_fail(report_id=report_id, message=TOO_LONG_MESSAGE)
        return "failed"
    except Exception:
        logger.exception("Budget report %s failed", report_id)
        report_fail(report_id=report_id, message=FAILED_MESSAGE)
        return "failed"
    return "done"


def _progress(report_id: int, percent: int) -> None:
    report_progress(report_id=report_id, progress=percent)


def report_downloaded(*, actor: Any, scope: Scope, report: BudgetReport, fmt: str) -> None:
    audit_record(
        actor=actor,
        local_authority_id=scope.local_authority_id,
        action="report_downloaded",
        obj=report,
        summary=f"Budget report {report.pk} downloaded as {fmt.upper()}",
    )
