"""Budget report pages: ask for a report and list them, watch one being built, download its files."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role
from accounts.scoping import access
from funding import report_services, reports
from funding.report_forms import BudgetReportForm
from funding.report_models import BudgetReport, ReportStatus
from send_portal.forms import show_service_errors
from send_portal.pagination import paginate
from send_portal.policy import tenant_member

REPORT_READERS = (Role.AREA_SEND_LEAD, Role.LA_OFFICER, Role.FINANCE_OFFICER)
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
REFRESH_SECONDS = 2


@tenant_member(*REPORT_READERS)
@require_http_methods(["GET", "POST"])
def report_list(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    form = BudgetReportForm(
        request.POST if request.method == "POST" else None,
        localities=reports.report_localities(scope=scope),
        years=reports.report_year_choices(scope=scope),
        whole_authority=scope.sees_whole_tenant,
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = report_services.report_request(actor=request.user, scope=scope, **form.service_kwargs())
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            return redirect("funding:report-detail", report.pk)
    page = paginate(request, reports.report_list_for_scope(scope=scope))
    return render(request, "funding/report_list.html", {"form": form, "page_obj": page})


@tenant_member(*REPORT_READERS)
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = access(BudgetReport, request.scope, pk)  # type: ignore[attr-defined]
    refresh = not report.is_finished and request.GET.get("refresh") != "off"
    context = {
        "report": report,
        "refresh_seconds": REFRESH_SECONDS if refresh else None,
        "scope_label": reports.scope_label(report.locality),
        "year_label": reports.year_label(report.financial_year_start),
        "files": [(fmt, report.file_for(fmt)) for fmt in CONTENT_TYPES] if report.status == ReportStatus.DONE else [],
    }
    response = render(request, "funding/report_detail.html", context)
    response["Cache-Control"] = "no-store"
    return response


@tenant_member(*REPORT_READERS)
@require_GET
def report_download(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    scope = request.scope  # type: ignore[attr-defined]
    report = access(BudgetReport, scope, pk)
    stored = report.file_for(fmt) if report.status == ReportStatus.DONE else None
    if stored is None:
        raise Http404
    try:
        content = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    report_services.report_downloaded(actor=request.user, scope=scope, report=report, fmt=fmt)
    # The name says which report it is, never whose data: no school, pupil or person.
    covers = f"locality-{report.locality_id}" if report.locality_id else "whole-authority"
    filename = f"budget-report-{report.pk}-{covers}-{report.financial_year_start.year}.{fmt}"
    response = FileResponse(content, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[fmt])
    response["Cache-Control"] = "no-store"
    return response
