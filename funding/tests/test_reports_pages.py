"""Budget report pages: who may ask for, list, watch and download which report; the progress page
refreshes itself without JavaScript until the report is ready; downloads are audited."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from audit.models import AuditEvent
from funding.report_models import BudgetReport, ReportStatus
from funding.report_services import report_build
from funding.tests.test_reports import build_report_world, csv_sections, make_report, this_year
from tests.fixtures import client_for

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404
NO_REPORTS = ("senco", "panel_member", "specialist")
META_REFRESH = '<meta http-equiv="refresh" content="2">'


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def built(tenant: Any, *, locality: Any = None) -> BudgetReport:
    report = make_report(tenant, locality=locality)
    assert report_build(report_id=report.pk, task_id="test") == "done"
    report.refresh_from_db()
    return report


@pytest.fixture
def reports_of(world: Any) -> dict[str, BudgetReport]:
    """Built reports: tenant A's locality 1, locality 2 and whole tenant; tenant B's whole tenant."""
    build_report_world(world.a, world.b)
    return {
        "locality_1": built(world.a, locality=world.a.locality_1),
        "locality_2": built(world.a, locality=world.a.locality_2),
        "whole": built(world.a),
        "other_tenant": built(world.b),
    }


def detail(report: BudgetReport) -> str:
    return reverse("funding:report-detail", args=[report.pk])


def download(report: BudgetReport, fmt: str = "csv") -> str:
    return reverse("funding:report-download", args=[report.pk, fmt])


# Scoping ----------------------------------------------------------------------------------------------

# role -> {report: expected status} for the detail page and every download.
MATRIX = {
    "area_lead": {"locality_1": OK, "locality_2": NOT_FOUND, "whole": NOT_FOUND, "other_tenant": NOT_FOUND},
    "la_officer": {"locality_1": OK, "locality_2": OK, "whole": OK, "other_tenant": NOT_FOUND},
    "finance_officer": {"locality_1": OK, "locality_2": OK, "whole": OK, "other_tenant": NOT_FOUND},
    **{role: dict.fromkeys(["locality_1", "locality_2", "whole", "other_tenant"], FORBIDDEN) for role in NO_REPORTS},
}
CASES = [(role, name, status) for role, expected in MATRIX.items() for name, status in expected.items()]


@pytest.mark.parametrize(("role", "name", "expected"), CASES, ids=[f"{r}-{n}" for r, n, _ in CASES])
def test_detail_and_downloads_are_scoped(world, reports_of, role, name, expected):
    client = client_for(world.a.users[role])
    report = reports_of[name]
    assert client.get(detail(report)).status_code == expected
    for fmt in ("csv", "xlsx", "pdf"):
        response = client.get(download(report, fmt))
        assert response.status_code == expected, fmt
        if expected == OK:
            assert b"".join(response.streaming_content)  # reading it to the end closes the file
    audited = AuditEvent.objects.filter(action="report_downloaded", object_id=str(report.pk))
    assert audited.count() == (3 if expected == OK else 0)


@pytest.mark.parametrize("role", ["area_lead", "la_officer", "finance_officer"])
def test_the_list_shows_only_reports_the_user_may_read(world, reports_of, role):
    page = client_for(world.a.users[role]).get(reverse("funding:report-list")).content.decode()
    shown = {name for name, report in reports_of.items() if detail(report) in page}
    assert shown == {name for name, status in MATRIX[role].items() if status == OK}


@pytest.mark.parametrize("role", NO_REPORTS)
def test_roles_without_budgets_cannot_open_the_report_pages(tenant, role):
    client = client_for(tenant.users[role])
    assert client.get(reverse("funding:report-list")).status_code == FORBIDDEN
    assert client.post(reverse("funding:report-list"), {"scope": "authority"}).status_code == FORBIDDEN
    assert not BudgetReport.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(world, reports_of, client):
    for url in (reverse("funding:report-list"), detail(reports_of["whole"]), download(reports_of["whole"])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:sign-in"))


def test_other_tenants_report_is_404_even_for_an_la_officer_of_both_working_in_the_other(world, reports_of):
    from accounts.models import Role
    from tests.factories import grant

    officer = world.a.users["la_officer"]
    grant(officer, world.b.authority, Role.LA_OFFICER)
    client = client_for(officer)
    client.post(reverse("accounts:choose-authority"), {"local_authority": world.b.authority.pk})
    assert client.get(detail(reports_of["other_tenant"])).status_code == OK
    assert client.get(detail(reports_of["whole"])).status_code == NOT_FOUND
    assert client.get(download(reports_of["whole"])).status_code == NOT_FOUND


# Downloads --------------------------------------------------------------------------------------------


def test_downloads_are_attachments_named_without_personal_data_and_audited(world, reports_of):
    officer = world.a.users["finance_officer"]
    client = client_for(officer)
    report = reports_of["locality_1"]
    types = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}  # fmt: skip
    for fmt, content_type in types.items():
        response = client.get(download(report, fmt))
        assert response.status_code == OK
        assert response["Content-Type"] == content_type
        assert response["Cache-Control"] == "no-store"
        disposition = response["Content-Disposition"]
        name = f"budget-report-{report.pk}-locality-{world.a.locality_1.pk}-{report.financial_year_start.year}.{fmt}"
        assert disposition == f'attachment; filename="{name}"'
        with getattr(report, f"{fmt}_file").open("rb") as stored:
            assert b"".join(response.streaming_content) == stored.read()
    event = AuditEvent.objects.filter(action="report_downloaded").latest("pk")
    assert (event.actor_id, event.local_authority_id, event.object_id) == (
        officer.pk,
        world.a.authority.pk,
        str(report.pk),
    )
    assert "PDF" in event.summary


def test_the_downloaded_csv_has_the_ledger_totals(world, reports_of):
    response = client_for(world.a.users["la_officer"]).get(download(reports_of["whole"], "csv"))
    sections = csv_sections(b"".join(response.streaming_content).decode("utf-8"))
    assert sections["Budgets"][-1][:6] == ["Total", "", "", "169000.00", "46500.50", "8000.00"]


def test_a_report_not_built_yet_has_nothing_to_download(tenant):
    report = make_report(tenant, status=ReportStatus.RUNNING, progress=40)
    client = client_for(tenant.users["la_officer"])
    for fmt in ("csv", "xlsx", "pdf"):
        assert client.get(download(report, fmt)).status_code == NOT_FOUND
    assert not AuditEvent.objects.filter(action="report_downloaded").exists()


def test_only_csv_xlsx_and_pdf_can_be_downloaded(tenant):
    with pytest.raises(NoReverseMatch):
        reverse("funding:report-download", args=[1, "html"])
    client = client_for(tenant.users["la_officer"])
    assert client.get(f"/funding/reports/{make_report(tenant).pk}/txt/").status_code == NOT_FOUND


# The progress page ------------------------------------------------------------------------------------


def test_the_progress_page_refreshes_itself_while_the_report_is_built(tenant):
    report = make_report(tenant, status=ReportStatus.RUNNING, progress=40, started_at=timezone.now())
    client = client_for(tenant.users["la_officer"])
    page = client.get(detail(report)).content.decode()
    assert META_REFRESH in page
    assert '<progress id="report-progress" max="100" value="40">40%</progress>' in page
    assert re.search(r'data-testid="progress-text">40%<', page)
    assert "Stop refreshing" in page
    assert download(report) not in page
    # The user can turn the refresh off (WCAG 2.2.1).
    stopped = client.get(detail(report) + "?refresh=off").content.decode()
    assert META_REFRESH not in stopped and "40%" in stopped and "Check again" in stopped
    queued = make_report(tenant)
    assert META_REFRESH in client.get(detail(queued)).content.decode()


def test_the_finished_page_stops_refreshing_and_links_the_files(world, reports_of):
    page = client_for(world.a.users["la_officer"]).get(detail(reports_of["whole"])).content.decode()
    assert META_REFRESH not in page and "<progress" not in page
    for fmt in ("csv", "xlsx", "pdf"):
        assert download(reports_of["whole"], fmt) in page


def test_a_failed_report_says_so_and_stops_refreshing(tenant):
    report = make_report(tenant, status=ReportStatus.FAILED, error="The report could not be built. Ask again.")
    page = client_for(tenant.users["la_officer"]).get(detail(report)).content.decode()
    assert META_REFRESH not in page
    assert "The report could not be built. Ask again." in page


# Asking for a report ----------------------------------------------------------------------------------


def test_asking_for_a_report_queues_it_and_builds_it_after_commit(world, django_capture_on_commit_callbacks):
    build_report_world(world.a, world.b)
    officer = world.a.users["finance_officer"]
    client = client_for(officer)
    year = this_year(world.a.authority)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("funding:report-list"), {"scope": "authority", "financial_year": year.isoformat()}
        )
    report = BudgetReport.objects.get()
    assert response.status_code == 302 and response.url == detail(report)
    assert (report.status, report.locality_id, report.financial_year_start) == (ReportStatus.QUEUED, None, year)
    assert report.requested_by_id == officer.pk and report.local_authority_id == world.a.authority.pk
    assert AuditEvent.objects.filter(action="report_requested", object_id=str(report.pk)).exists()
    assert len(callbacks) == 1  # the build is enqueued only once the report row is committed
    page = client.get(detail(report)).content.decode()
    assert META_REFRESH in page and "Waiting to start" in page
    callbacks[0]()  # commit: the (eager, in tests) task builds it
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    assert META_REFRESH not in client.get(detail(report)).content.decode()


def test_a_second_click_while_the_report_is_queued_gets_the_same_report(world, django_capture_on_commit_callbacks):
    client = client_for(world.a.users["area_lead"])
    data = {"scope": str(world.a.locality_1.pk), "financial_year": this_year(world.a.authority).isoformat()}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = client.post(reverse("funding:report-list"), data)
        second = client.post(reverse("funding:report-list"), data)
    assert first.url == second.url
    assert BudgetReport.objects.count() == 1 and len(callbacks) == 1


def test_the_form_offers_an_area_send_lead_only_their_localities(world):
    client = client_for(world.a.users["area_lead"])
    page = client.get(reverse("funding:report-list")).content.decode()
    assert f'value="{world.a.locality_1.pk}"' in page
    assert f'value="{world.a.locality_2.pk}"' not in page and 'value="authority"' not in page
    year = this_year(world.a.authority).isoformat()
    for scope in ("authority", str(world.a.locality_2.pk), str(world.b.locality_1.pk)):
        response = client.post(reverse("funding:report-list"), {"scope": scope, "financial_year": year})
        assert response.status_code == OK
        assert "Select one of the options listed" in response.content.decode()
    assert not BudgetReport.objects.exists()


def test_an_la_officer_may_ask_for_any_locality_of_their_tenant_only(world, django_capture_on_commit_callbacks):
    client = client_for(world.a.users["la_officer"])
    year = this_year(world.a.authority).isoformat()
    page = client.get(reverse("funding:report-list")).content.decode()
    assert 'value="authority"' in page and f'value="{world.a.locality_2.pk}"' in page
    assert f'value="{world.b.locality_1.pk}"' not in page
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("funding:report-list"), {"scope": str(world.a.locality_2.pk), "financial_year": year})
    assert BudgetReport.objects.get().locality_id == world.a.locality_2.pk


def test_a_financial_year_not_offered_is_refused(world):
    client = client_for(world.a.users["la_officer"])
    for year in ("2025-05-01", "1999-04-01", "not-a-date", ""):
        response = client.post(reverse("funding:report-list"), {"scope": "authority", "financial_year": year})
        assert response.status_code == OK and "financial year" in response.content.decode()
    assert not BudgetReport.objects.exists()


def test_the_service_refuses_what_the_form_would_not_offer(world):
    from django.core.exceptions import ValidationError

    from accounts.models import Membership
    from accounts.scoping import scope_for_membership
    from funding.report_services import report_request

    lead = world.a.users["area_lead"]
    scope = scope_for_membership(Membership.objects.get(user=lead))
    year = this_year(world.a.authority)
    for locality_id, start in ((None, year), (world.a.locality_2.pk, year), (world.b.locality_1.pk, year),
                               (world.a.locality_1.pk, year.replace(month=5)),
                               (world.a.locality_1.pk, datetime.date(year.year + 5, year.month, 1))):  # fmt: skip
        with pytest.raises(ValidationError):
            report_request(actor=lead, scope=scope, locality_id=locality_id, financial_year_start=start)
    assert not BudgetReport.objects.exists()


# Query count ------------------------------------------------------------------------------------------


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == OK
    return len(queries)


@pytest.mark.parametrize("role", ["la_officer", "area_lead"])
def test_list_query_count_is_pinned_and_independent_of_rows(world, role):
    """4 before the view + the form's localities and its years (2: the tenant's start month, the budgets'
    years) + the count for the pagination + one page of reports with their localities = 8."""
    tenant = world.a
    client = client_for(tenant.users[role])
    make_report(tenant, locality=tenant.locality_1, status=ReportStatus.DONE, progress=100, finished_at=timezone.now())
    few = _count(client, reverse("funding:report-list"))
    for n in range(30):
        make_report(tenant, locality=tenant.locality_1 if n % 2 else None, status=ReportStatus.RUNNING, progress=n)
    many = _count(client, reverse("funding:report-list"))
    assert few == many == 4 + 3 + 2, (few, many)
