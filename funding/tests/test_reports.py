"""Budget reports: the CSV, XLSX and PDF agree with the ledger; user text is escaped in the PDF and made
safe in spreadsheets; WeasyPrint fetches only the project's static files; the build task is idempotent."""

from __future__ import annotations

import csv
import datetime
import io
import re
import xml.etree.ElementTree as ET  # the files parsed are the ones these tests just wrote
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Sum
from django.utils import timezone

from funding import ledger, report_services, reports
from funding.models import Budget, LedgerEntry, PotKind
from funding.pdf import DOCUMENT_ORIGIN, RefusedURL, StaticOnlyURLFetcher, html_to_pdf, static_build_dir
from funding.report_models import BudgetReport, ReportStatus
from funding.years import financial_year_start
from localities.models import School
from pupils.models import NeedType
from tests import factories as f

D = Decimal
EVIL = "<b>Evil</b> & Co"
FORMULA = "=cmd|' /C calc'!A0"


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@dataclass
class ReportWorld:
    tenant: Any
    year: datetime.date
    pot_1: Budget  # locality_1
    pot_2: Budget  # locality_2
    top_up: Budget  # central pot


def this_year(authority: Any) -> datetime.date:
    return financial_year_start(timezone.localdate(), authority.financial_year_start_month)


def build_report_world(tenant: Any, other: Any = None) -> ReportWorld:
    """Budgets for this year in both localities and a central pot, commitments with payments, releases and
    clawbacks (and a payment and a release reversed in error), a school with markup in its name and one whose name is a spreadsheet formula; plus last
    year's pot and another tenant's, which no report of this year may include."""
    officer = tenant.users["la_officer"]
    School.objects.filter(pk=tenant.school_1.pk).update(name=EVIL)
    School.objects.filter(pk=tenant.school_2.pk).update(name=FORMULA)
    year = this_year(tenant.authority)
    pot_1 = f.make_budget(tenant.authority, locality=tenant.locality_1, amount="100000.00", actor=officer)
    pot_2 = f.make_budget(tenant.authority, locality=tenant.locality_2, amount="50000.00", actor=officer)
    top_up = f.make_budget(tenant.authority, kind=PotKind.TOP_UP, panel=tenant.panel, amount="20000", actor=officer)
    ledger.budget_adjust(actor=officer, budget_id=pot_1.pk, change=D("-1000.00"), memo="In-year saving")
    first = ledger.commit(
        actor=officer, budget_id=pot_1.pk, amount=D("30000.00"), school_id=tenant.school_1.pk,
        pupil_id=tenant.pupil_1.pk, period=(year, year + datetime.timedelta(days=200)),
    )  # fmt: skip
    ledger.pay(actor=officer, commitment_id=first.pk, amount=D("10000.00"))
    ledger.release(actor=officer, commitment_id=first.pk, amount=D("5000.00"), memo="Pupil left")
    ledger.clawback(actor=officer, commitment_id=first.pk, amount=D("2000.00"), memo="Not delivered")
    # Recorded in error and reversed: a payment and a release that change nothing in the end.
    twice = ledger.pay(actor=officer, commitment_id=first.pk, amount=D("1500.00"), memo="Paid twice")
    ledger.reverse(actor=officer, entry_id=twice.pk, memo="Invoice paid twice")
    early = ledger.release(actor=officer, commitment_id=first.pk, amount=D("1000.00"), memo="Too soon")
    ledger.reverse(actor=officer, entry_id=early.pk, memo="The pupil stayed")
    ledger.commit(
        actor=officer, budget_id=pot_1.pk, amount=D("12500.50"), school_id=tenant.school_2.pk,
        pupil_id=tenant.pupil_2.pk,
    )  # fmt: skip
    ledger.commit(actor=officer, budget_id=pot_1.pk, amount=D("1000.00"), school_id=tenant.school_1.pk)  # a group
    ledger.commit(
        actor=officer, budget_id=pot_2.pk, amount=D("7000.00"), school_id=tenant.school_3.pk, pupil_id=tenant.pupil_3.pk
    )  # fmt: skip
    ledger.commit(
        actor=officer, budget_id=top_up.pk, amount=D("3000.00"), school_id=tenant.school_1.pk,
        pupil_id=tenant.pupil_1.pk,
    )  # fmt: skip
    last_year = f.make_budget(
        tenant.authority, locality=tenant.locality_1, year_start=year.replace(year=year.year - 1), amount="999",
        actor=officer,
    )  # fmt: skip
    ledger.commit(actor=officer, budget_id=last_year.pk, amount=D("111.11"), school_id=tenant.school_1.pk)
    if other is not None:
        theirs = f.make_budget(other.authority, locality=other.locality_1, amount="77777", actor=officer)
        ledger.commit(actor=officer, budget_id=theirs.pk, amount=D("4444.44"), school_id=other.school_1.pk)
    return ReportWorld(tenant, year, pot_1, pot_2, top_up)


@pytest.fixture
def report_world(world: Any) -> ReportWorld:
    return build_report_world(world.a, world.b)


def ledger_totals(pots: list[Budget]) -> dict[str, Decimal]:
    sums = LedgerEntry.objects.filter(budget__in=pots).aggregate(
        budget=Sum("budget_delta"), committed=Sum("committed_delta"), paid=Sum("paid_delta")
    )
    return {key: value.quantize(D("0.01")) for key, value in sums.items()}


def build(world: ReportWorld, tmp_path: Path, locality: Any = None) -> reports.ReportFiles:
    directory = tmp_path / "build"
    directory.mkdir(exist_ok=True)
    return reports.build_files(
        local_authority_id=world.tenant.authority.pk, locality_id=locality.pk if locality else None,
        year_start=world.year, directory=directory,
    )  # fmt: skip


# Reading the files back -------------------------------------------------------------------------------


def csv_sections(text: str) -> dict[str, list[list[str]]]:
    """{section title: [header, rows...]}, and the heading block under the empty title."""
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    sections: dict[str, list[list[str]]] = {"": []}
    current = ""
    starting = False
    for row in rows:
        if not row:
            starting = True
            continue
        if starting:
            current, starting = row[0], False
            sections[current] = []
            continue
        sections[current].append(row)
    return sections


def xlsx_sheets(content: bytes) -> dict[str, list[list[Any]]]:
    """Every sheet as rows of cells (text as str, numbers as Decimal), read with zipfile and XML only."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        workbook = _xml(archive.read("xl/workbook.xml"))
        rels = _xml(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {rel.get("Id"): rel.get("Target") for rel in rels}
        shared: list[str] = []
        if "xl/sharedStrings.xml" in archive.namelist():
            strings = _xml(archive.read("xl/sharedStrings.xml"))
            shared = ["".join(t.text or "" for t in si.iter(f"{{{ns['m']}}}t")) for si in strings.findall("m:si", ns)]
        sheets = {}
        for sheet in workbook.find("m:sheets", ns):  # type: ignore[union-attr]
            target = targets[sheet.get(rel_ns)].lstrip("/").removeprefix("xl/")
            root = _xml(archive.read(f"xl/{target}"))
            rows = []
            for row in root.iter(f"{{{ns['m']}}}row"):
                cells: list[Any] = []
                for cell in row.findall("m:c", ns):
                    column = _column_index(cell.get("r", "A1"))
                    cells.extend([None] * (column - len(cells)))
                    kind = cell.get("t")
                    if kind == "inlineStr":
                        value: Any = "".join(t.text or "" for t in cell.iter(f"{{{ns['m']}}}t"))
                    elif kind == "s":
                        value = shared[int(cell.findtext("m:v", namespaces=ns) or 0)]
                    elif kind == "str":
                        value = cell.findtext("m:v", namespaces=ns)
                    else:
                        value = D(cell.findtext("m:v", namespaces=ns) or "0")
                    assert cell.find("m:f", ns) is None, "no cell may be a formula"
                    cells.append(value)
                rows.append(cells)
            sheets[sheet.get("name")] = rows
    return sheets


def _xml(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 (a file this test wrote, not untrusted input)


def _column_index(reference: str) -> int:
    letters = re.match(r"[A-Z]+", reference).group(0)  # type: ignore[union-attr]
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def money(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


# Contents ---------------------------------------------------------------------------------------------


def test_csv_totals_equal_the_ledger(report_world, tmp_path):
    files = build(report_world, tmp_path)
    expected = ledger_totals([report_world.pot_1, report_world.pot_2, report_world.top_up])
    sections = csv_sections(files.csv.read_text(encoding="utf-8"))
    header, *pots, total = sections["Budgets"]
    assert header == reports.POT_HEADER
    assert [row[0] for row in pots] == [report_world.pot_1.name, report_world.pot_2.name, report_world.top_up.name]
    assert total[0] == "Total"
    assert D(total[3]) == expected["budget"] == D("169000.00")
    assert D(total[4]) == expected["committed"] == D("46500.50")
    assert D(total[5]) == expected["paid"] == D("8000.00")
    assert D(total[6]) == expected["budget"] - expected["committed"]
    # Each breakdown adds up to the same committed and paid totals as the ledger.
    for title, committed_column, paid_column in (("Spend by school", 4, 5), ("Spend by primary need", 3, 4)):
        header, *rows, total = sections[title]
        assert sum(D(row[committed_column]) for row in rows) == D(total[committed_column]) == expected["committed"]
        assert sum(D(row[paid_column]) for row in rows) == D(total[paid_column]) == expected["paid"]
    header, *_months, total = sections["Commitments by month"]
    assert D(total[4]) == expected["committed"]
    # The list of commitments: what is still committed and paid adds up to the ledger too.
    header, *commitments, total = sections["Commitments"]
    assert header == reports.COMMITMENT_HEADER
    assert len(commitments) == 5
    assert D(total[6]) == sum(D(row[6]) for row in commitments) == expected["committed"]
    assert D(total[7]) == sum(D(row[7]) for row in commitments) == expected["paid"]
    first = commitments[0]
    assert (first[2], first[3]) == (EVIL, report_world.tenant.school_1.urn)
    assert (D(first[4]), D(first[5]), D(first[6]), D(first[7])) == (D("30000"), D("7000"), D("23000"), D("8000"))
    assert first[8] == report_world.year.isoformat()
    # Last year's pot and the other tenant's never appear.
    text = files.csv.read_text(encoding="utf-8")
    assert "111.11" not in text and "4444.44" not in text and "77777" not in text


def test_csv_breakdowns_by_school_and_by_need(report_world, tmp_path):
    sections = csv_sections(build(report_world, tmp_path).csv.read_text(encoding="utf-8"))
    schools = {(row[0], row[1]): (D(row[4]), D(row[5])) for row in sections["Spend by school"][1:-1]}
    assert schools[(report_world.pot_1.name, EVIL)] == (D("24000.00"), D("8000.00"))  # 30,000 - 7,000 + 1,000
    assert schools[(report_world.pot_2.name, report_world.tenant.school_3.name)] == (D("7000.00"), D("0.00"))
    needs = {(row[0], row[1], row[2]): D(row[3]) for row in sections["Spend by primary need"][1:-1]}
    slcn = NeedType.objects.get(code="SLCN").name
    assert needs[(report_world.pot_1.name, "SLCN", slcn)] == D("35500.50")
    assert needs[(report_world.pot_1.name, "", reports.NO_PUPIL)] == D("1000.00")


def test_a_locality_report_has_only_that_localitys_pot(report_world, tmp_path):
    files = build(report_world, tmp_path, locality=report_world.tenant.locality_2)
    sections = csv_sections(files.csv.read_text(encoding="utf-8"))
    assert [row[0] for row in sections["Budgets"][1:]] == [report_world.pot_2.name, "Total"]
    assert D(sections["Budgets"][-1][4]) == ledger_totals([report_world.pot_2])["committed"] == D("7000.00")
    assert EVIL not in files.csv.read_text(encoding="utf-8")
    assert sections[""][0] == ["Budget report", f"{report_world.tenant.locality_2.name} locality"]


def test_xlsx_totals_equal_the_ledger_and_amounts_are_numbers(report_world, tmp_path):
    files = build(report_world, tmp_path)
    expected = ledger_totals([report_world.pot_1, report_world.pot_2, report_world.top_up])
    sheets = xlsx_sheets(files.xlsx.read_bytes())
    assert list(sheets) == ["Summary", "By month", "By school", "By primary need", "Commitments"]
    summary = sheets["Summary"]
    header_at = next(i for i, row in enumerate(summary) if row and row[0] == "Pot")
    total = summary[-1]
    assert total[0] == "Total" and len(summary) - header_at - 2 == 3
    assert (total[3], total[4], total[5]) == (expected["budget"], expected["committed"], expected["paid"])
    assert total[6] == expected["budget"] - expected["committed"]
    commitments = sheets["Commitments"]
    assert commitments[0] == reports.COMMITMENT_HEADER
    rows, total = commitments[1:-1], commitments[-1]
    assert len(rows) == 5
    assert sum(row[6] for row in rows) == total[6] == expected["committed"]
    assert sum(row[7] for row in rows) == total[7] == expected["paid"]
    assert sheets["By school"][-1][4] == expected["committed"]
    assert sheets["By primary need"][-1][3] == expected["committed"]
    assert sheets["By month"][-1][4] == expected["committed"]


def test_formula_text_is_quote_prefixed_in_csv_and_xlsx(report_world, tmp_path):
    files = build(report_world, tmp_path)
    csv_text = files.csv.read_text(encoding="utf-8")
    csv_cells = {cell for row in csv.reader(io.StringIO(csv_text[1:])) for cell in row}
    assert "'" + FORMULA in csv_cells
    assert FORMULA not in csv_cells
    xlsx_cells = {cell for rows in xlsx_sheets(files.xlsx.read_bytes()).values() for row in rows for cell in row}
    assert "'" + FORMULA in xlsx_cells
    assert FORMULA not in xlsx_cells
    # Markup is just text in a spreadsheet.
    assert EVIL in csv_cells and EVIL in xlsx_cells


def test_pdf_has_the_totals_school_names_and_page_numbers_and_escapes_markup(report_world, tmp_path):
    files = build(report_world, tmp_path)
    expected = ledger_totals([report_world.pot_1, report_world.pot_2, report_world.top_up])
    content = files.pdf.read_bytes()
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    assert "Budget report" in text and report_world.tenant.authority.name in text
    for amount in (
        expected["budget"],
        expected["committed"],
        expected["paid"],
        expected["budget"] - expected["committed"],
    ):
        assert money(amount) in text, amount
    assert EVIL in text  # the school's name as typed, not bold text
    assert FORMULA in text  # a PDF runs nothing: the name is shown as it is
    assert report_world.tenant.school_3.name in text
    assert re.search(r"Page 2 of \d+", text)
    html = reports.report_html(files.data, [])
    assert "&lt;b&gt;Evil&lt;/b&gt; &amp; Co" in html and "<b>Evil</b>" not in html
    assert html.count("<svg") == 3  # commitments by month, by school, by primary need


def test_a_report_for_a_year_without_budgets_says_so(tenant, tmp_path):
    directory = tmp_path / "empty"
    directory.mkdir()
    files = reports.build_files(
        local_authority_id=tenant.authority.pk, locality_id=None, year_start=datetime.date(2001, 4, 1),
        directory=directory,
    )  # fmt: skip
    sections = csv_sections(files.csv.read_text(encoding="utf-8"))
    assert sections["Budgets"] == [reports.POT_HEADER, ["Total", "", "", "0.00", "0.00", "0.00", "0.00", "0.00"]]
    assert "No budget is set" in pdf_text(files.pdf.read_bytes())


def test_report_figures_take_a_fixed_number_of_queries(report_world, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):  # authority, locality, pots, by month, by school, by need
        reports.report_data(local_authority_id=report_world.tenant.authority.pk, locality_id=None,
                            year_start=report_world.year)  # fmt: skip


# The url_fetcher --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://example.com",
        "http://example.com/static/css/app.css",
        "https://example.com/static/css/app.css",
        "http://169.254.169.254/latest/meta-data/",
        "ftp://example.com/x",
        "//example.com/static/css/app.css",
        "/etc/passwd",
        "/static/../../../../etc/passwd",
        "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/static/css/..%2f..%2f..%2fpyproject.toml",
        "/static/",
        "/static/does-not-exist.css",
        f"{DOCUMENT_ORIGIN}/etc/passwd",
        f"{DOCUMENT_ORIGIN}/static/../../pyproject.toml",
    ],
)
def test_the_url_fetcher_refuses_everything_but_static_files(url):
    with pytest.raises(RefusedURL):
        StaticOnlyURLFetcher().fetch(url)


def test_the_url_fetcher_serves_static_files_and_data_urls():
    expected = (static_build_dir() / "css" / "app.css").read_bytes()
    for url in ("/static/css/app.css", f"{DOCUMENT_ORIGIN}/static/css/app.css"):
        response = StaticOnlyURLFetcher().fetch(url)
        assert response.read() == expected
        assert response.content_type == "text/css"
        response.close()
    data = StaticOnlyURLFetcher().fetch("data:text/plain;base64,aGVsbG8=")
    assert data.read() == b"hello"


def test_the_url_fetcher_refuses_a_symlink_out_of_the_static_directory(tmp_path):
    root = tmp_path / "build"
    root.mkdir()
    (root / "ok.css").write_text("p { color: red }")
    (root / "escape.css").symlink_to("/etc/passwd")
    fetcher = StaticOnlyURLFetcher(root=root)
    assert fetcher.fetch("/static/ok.css").read() == b"p { color: red }"
    with pytest.raises(RefusedURL):
        fetcher.fetch("/static/escape.css")


class RecordingFetcher(StaticOnlyURLFetcher):
    def __init__(self) -> None:
        super().__init__()
        self.outcomes: dict[str, str] = {}

    def fetch(self, url: str, headers: Any = None) -> Any:
        try:
            response = super().fetch(url, headers)
        except RefusedURL:
            self.outcomes[url] = "refused"
            raise
        self.outcomes[url] = "served"
        return response


def test_weasyprint_uses_the_fetcher_for_every_resource_of_a_document():
    html = """<html><head><link rel="stylesheet" href="/static/css/app.css">
      <link rel="stylesheet" href="http://example.com/evil.css"></head>
      <body><p>Hello</p><img src="file:///etc/passwd" alt=""><img src="http://example.com/x.png" alt=""></body></html>"""
    fetcher = RecordingFetcher()
    content = html_to_pdf(html, url_fetcher=fetcher)
    assert content.startswith(b"%PDF-")
    assert fetcher.outcomes == {
        f"{DOCUMENT_ORIGIN}/static/css/app.css": "served",
        "http://example.com/evil.css": "refused",
        "file:///etc/passwd": "refused",
        "http://example.com/x.png": "refused",
    }


# The build task: idempotent, progress, failure ----------------------------------------------------------


def make_report(tenant: Any, *, locality: Any = None, **fields: Any) -> BudgetReport:
    return BudgetReport.objects.create(
        local_authority=tenant.authority, locality=locality, financial_year_start=this_year(tenant.authority),
        requested_by=tenant.users["la_officer"], **fields,
    )  # fmt: skip


def test_the_build_task_stores_three_files_under_reports_with_random_names(report_world, media_root):
    from funding.report_tasks import build_budget_report

    report = make_report(report_world.tenant)
    assert build_budget_report(report.pk) == "done"
    report.refresh_from_db()
    assert (report.status, report.progress, report.error) == (ReportStatus.DONE, 100, "")
    assert report.finished_at is not None
    names = [report.csv_file.name, report.xlsx_file.name, report.pdf_file.name]
    month = timezone.now().strftime("%Y/%m")
    for name, fmt in zip(names, ("csv", "xlsx", "pdf"), strict=True):
        assert re.fullmatch(rf"reports/{month}/[A-Za-z0-9_-]{{24}}\.{fmt}", name), name
        assert (media_root / name).is_file()
    assert len(set(names)) == 3


def test_the_build_task_is_idempotent(report_world):
    from funding.report_tasks import build_budget_report

    report = make_report(report_world.tenant)
    build_budget_report(report.pk)
    report.refresh_from_db()
    first = report.csv_file.name
    assert build_budget_report(report.pk) == "skipped"
    report.refresh_from_db()
    assert report.csv_file.name == first
    assert build_budget_report(987654321) == "skipped"  # a report that no longer exists


def test_a_report_being_built_by_another_task_is_left_alone_unless_abandoned(report_world):
    report = make_report(
        report_world.tenant, status=ReportStatus.RUNNING, task_id="other-task", started_at=timezone.now()
    )
    assert report_services.report_build(report_id=report.pk, task_id="mine") == "skipped"
    # The same message redelivered (same task id) takes it back.
    assert report_services.report_build(report_id=report.pk, task_id="other-task") == "done"
    abandoned = make_report(
        report_world.tenant, status=ReportStatus.RUNNING, task_id="lost-worker",
        started_at=timezone.now() - datetime.timedelta(hours=1),
    )  # fmt: skip
    assert report_services.report_build(report_id=abandoned.pk, task_id="mine") == "done"


def test_progress_is_marked_between_steps(report_world, monkeypatch):
    seen = []
    original = report_services.report_progress

    def spy(*, report_id, progress):
        original(report_id=report_id, progress=progress)
        seen.append(BudgetReport.objects.get(pk=report_id).progress)

    monkeypatch.setattr(report_services, "report_progress", spy)
    report = make_report(report_world.tenant)
    report_services.report_build(report_id=report.pk, task_id="t")
    assert seen == [40, 75, 95]


def test_a_failed_build_is_marked_failed_with_a_plain_message(report_world, monkeypatch, caplog):
    def explode(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(reports, "build_files", explode)
    report = make_report(report_world.tenant)
    assert report_services.report_build(report_id=report.pk, task_id="t") == "failed"
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert report.error == report_services.FAILED_MESSAGE and "fire" not in report.error
    assert not report.csv_file


def test_monthly_reports_one_per_tenant_per_month(world, django_capture_on_commit_callbacks):
    from funding.report_tasks import schedule_monthly_reports

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert schedule_monthly_reports() == 2
    assert len(callbacks) == 2  # one build enqueued per new report
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert schedule_monthly_reports() == 0
    assert callbacks == []
    scheduled = BudgetReport.objects.filter(scheduled_month=timezone.localdate().replace(day=1))
    assert sorted(scheduled.values_list("local_authority_id", flat=True)) == sorted(
        [world.a.authority.pk, world.b.authority.pk]
    )
    for report in scheduled:
        assert report.locality_id is None and report.requested_by_id is None
        assert report.financial_year_start == this_year(report.local_authority)
        assert report.status == ReportStatus.DONE  # built by the (eager) task on commit
    next_month = (timezone.localdate().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    assert len(report_services.monthly_reports_schedule(today=next_month)) == 2


def test_the_beat_schedule_names_a_registered_task():
    """What the real Celery app's beat will run (its configuration comes from the Django settings)."""
    from celery.schedules import crontab

    from send_portal.celery import app

    app.loader.import_default_modules()  # what a worker does on start: autodiscover every app's tasks.py
    schedule = app.conf.beat_schedule
    assert schedule, "Celery beat has nothing to run"
    for entry in schedule.values():
        assert entry["task"] in app.tasks
    monthly = schedule["funding-monthly-budget-reports"]
    assert monthly["task"] == "funding.schedule_monthly_reports"
    assert monthly["schedule"] == crontab(minute=0, hour=5, day_of_month=1)  # 05:00 on the 1st of each month
    assert monthly["options"]["expires"] == 12 * 60 * 60
    assert "funding.build_budget_report" in app.tasks


def test_a_commitment_row_counts_what_was_reversed_in_error(report_world):
    data = reports.report_data(
        local_authority_id=report_world.tenant.authority.pk, locality_id=None, year_start=report_world.year
    )
    rows = list(reports.commitments(local_authority_id=report_world.tenant.authority.pk, data=data))
    first = next(row for row in rows if row.amount == D("30000.00"))
    # Paid 10,000, clawed back 2,000 (the 1,500 paid twice was reversed); released 5,000 and clawed back
    # 2,000 (the early 1,000 release was reversed).
    assert (first.paid, first.released, first.still_committed) == (D("8000.00"), D("7000.00"), D("23000.00"))
    month_new = sum(row.new for row in data.by_month)
    assert month_new == D("53500.50")  # the commitments made, and nothing else
    assert sum(row.net for row in data.by_month) == data.totals.committed


def test_schools_with_the_same_name_stay_apart_and_pots_of_one_school_add_up(report_world):
    tenant = report_world.tenant
    School.objects.filter(pk__in=[tenant.school_2.pk, tenant.school_3.pk]).update(name="St Mary's Primary")
    data = reports.report_data(local_authority_id=tenant.authority.pk, locality_id=None, year_start=report_world.year)
    overall = {row.urn: (row.name, row.committed) for row in data.schools_overall()}
    assert overall[tenant.school_2.urn] == ("St Mary's Primary", D("12500.50"))
    assert overall[tenant.school_3.urn] == ("St Mary's Primary", D("7000.00"))
    assert overall[tenant.school_1.urn] == (EVIL, D("27000.00"))  # 24,000 locality pot + 3,000 top-up pot
    assert sum(committed for _, committed in overall.values()) == data.totals.committed
    html = reports.report_html(data, [])
    assert html.count("St Mary&#x27;s Primary</td>") == 2
