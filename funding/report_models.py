"""Budget reports: a locality's or the whole tenant's budgets for one financial year, built by Celery
as CSV, XLSX and PDF files and kept for download by the people who may read those budgets."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Role
from localities.models import Locality, TenantOwned, TenantQuerySet

if TYPE_CHECKING:
    from accounts.scoping import Scope


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being built"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


REPORT_FORMATS = ("csv", "xlsx", "pdf")
# Seconds: the build task's hard time limit. A report "running" for longer was abandoned by a lost worker.
REPORT_BUILD_TIME_LIMIT = 360


def report_file_name(instance: Any, filename: str) -> str:
    """reports/<year>/<month>/<random>.<ext>: the name says nothing about the tenant, locality or people."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"{timezone.now():reports/%Y/%m}/{secrets.token_urlsafe(18)}.{extension}"


class BudgetReportQuerySet(TenantQuerySet):
    def visible_to(self, scope: Scope) -> Self:
        """LA and finance officers: every report of the tenant. Area SEND Leads: reports of their
        localities (never a whole-tenant report). Everybody else: none."""
        qs = self.in_tenant(scope.local_authority_id)
        if scope.sees_whole_tenant:
            return qs
        if scope.has_role(Role.AREA_SEND_LEAD) and scope.locality_ids:
            return qs.filter(locality_id__in=scope.locality_ids)
        return qs.none()


class BudgetReport(TenantOwned):
    locality = models.ForeignKey(
        Locality, on_delete=models.PROTECT, null=True, blank=True, related_name="+", help_text="Empty: whole tenant"
    )
    financial_year_start = models.DateField()
    status = models.CharField(max_length=8, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The first day of the month a scheduled (Celery beat) report belongs to: one per tenant per month.
    scheduled_month = models.DateField(null=True, blank=True, editable=False)
    # The Celery task that holds the report while it runs (a redelivered message has the same id).
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    csv_file = models.FileField(upload_to=report_file_name, max_length=200, blank=True)
    xlsx_file = models.FileField(upload_to=report_file_name, max_length=200, blank=True)
    pdf_file = models.FileField(upload_to=report_file_name, max_length=200, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = BudgetReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=100), name="report_progress_percent"),
            models.UniqueConstraint(
                fields=["local_authority", "scheduled_month"],
                condition=Q(scheduled_month__isnull=False),
                name="report_one_scheduled_per_month",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(progress=100, finished_at__isnull=False),
                name="report_done_is_finished",
            ),
        ]
        indexes = [
            models.Index(fields=["local_authority", "created_at"], name="report_la_created_idx"),
            models.Index(fields=["locality", "created_at"], name="report_locality_created_idx"),
        ]

    def __str__(self) -> str:
        return f"Budget report {self.pk}"

    @property
    def status_colour(self) -> str:
        """The GOV.UK tag colour for the status."""
        return {ReportStatus.QUEUED: "grey", ReportStatus.RUNNING: "blue", ReportStatus.DONE: "green"}.get(
            ReportStatus(self.status), "red"
        )

    @property
    def year_label(self) -> str:
        """The financial year in words: 2026 to 2027 (2026 when the council's year starts in January)."""
        from funding.years import financial_year_words

        return financial_year_words(self.financial_year_start)

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportStatus.DONE, ReportStatus.FAILED)

    def file_for(self, fmt: str) -> models.fields.files.FieldFile | None:
        if fmt not in REPORT_FORMATS:
            return None
        field = getattr(self, f"{fmt}_file")
        return field if field else None
