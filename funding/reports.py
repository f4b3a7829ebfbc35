"""Budget reports: the figures, summed in SQL from the ledger, and the CSV, XLSX and PDF files built
from them. One report covers one locality (its locality pot) or the whole tenant (every pot) for one
financial year.

Every figure comes from one consistent view of the ledger (a REPEATABLE READ snapshot), so the CSV, the
XLSX and the PDF agree with each other and with the ledger at that moment, even while approvals go on.
Inside the snapshot the summed figures are read (a handful of GROUP BY queries) and the commitments are
streamed once from a server-side cursor: into the CSV, into a spool file the XLSX is then written from,
and into the short list of recent commitments the PDF shows. Memory stays flat whatever the ledger size.

Text people typed (school, locality, pot and authority names) is escaped in the PDF by the template
engine, and quote-prefixed in the CSV and XLSX when a spreadsheet would read it as a formula.
"""

from __future__ import annotations

import collections
import contextlib
import csv
import datetime
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.scoping import Scope, visible
from funding.models import Budget, EntryKind, LedgerEntry, PotKind
from funding.report_models import BudgetReport
from funding.selectors import BALANCE_SUMS
from funding.years import financial_year_end, financial_year_start, financial_year_words
from localities.models import LocalAuthority, Locality
from pupils.selectors import spreadsheet_safe

ZERO = Decimal("0.00")
POT_ORDER: dict[str, int] = {PotKind.LOCALITY: 0, PotKind.EXCEPTIONAL_NEEDS: 1, PotKind.TOP_UP: 2}
# The PDF lists the most recent commitments only; the CSV and XLSX list every one.
PDF_COMMITMENT_ROWS = 100
STREAM_CHUNK = 2000
NO_SCHOOL = "No school recorded"
NO_PUPIL = "No single pupil (group or school award)"
NO_NEED = "No primary need recorded"
EXCEL_EPOCH = datetime.date(1899, 12, 30)


# The figures ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PotFigures:
    pk: int
    name: str
    kind: str
    locality: str
    budget: Decimal
    committed: Decimal
    paid: Decimal

    @property
    def kind_label(self) -> str:
        return str(PotKind(self.kind).label)

    @property
    def available(self) -> Decimal:
        return self.budget - self.committed

    @property
    def unpaid(self) -> Decimal:
        return self.committed - self.paid


@dataclass(frozen=True)
class MonthRow:
    pot: str
    month: datetime.date
    new: Decimal  # commitments made in the month
    released: Decimal  # released or clawed back in the month (a positive amount)

    @property
    def net(self) -> Decimal:
        return self.new - self.released


@dataclass(frozen=True)
class SchoolRow:
    pot: str
    school_id: int | None
    name: str
    urn: str
    locality: str
    committed: Decimal
    paid: Decimal


@dataclass(frozen=True)
class NeedRow:
    pot: str
    code: str
    name: str
    committed: Decimal
    paid: Decimal


@dataclass(frozen=True, slots=True)
class CommitmentRow:
    pot: str
    request_number: int | None
    school: str
    urn: str
    amount: Decimal
    released: Decimal  # released or clawed back since (a positive amount)
    paid: Decimal
    period_start: datetime.date | None
    period_end: datetime.date | None
    committed_on: datetime.date

    @property
    def still_committed(self) -> Decimal:
        return self.amount - self.released


@dataclass
class ReportData:
    authority: str
    scope_label: str
    year_start: datetime.date
    generated_at: datetime.datetime
    pots: list[PotFigures]
    by_month: list[MonthRow]
    by_school: list[SchoolRow]
    by_need: list[NeedRow]
    commitment_count: int = 0

    @property
    def year_label(self) -> str:
        return year_label(self.year_start)

    @property
    def year_end(self) -> datetime.date:
        return financial_year_end(self.year_start)

    @property
    def pot_names(self) -> dict[int, str]:
        return {pot.pk: pot.name for pot in self.pots}

    @property
    def totals(self) -> PotFigures:
        return PotFigures(
            pk=0,
            name="Total",
            kind=PotKind.LOCALITY,
            locality="",
            budget=sum((p.budget for p in self.pots), ZERO),
            committed=sum((p.committed for p in self.pots), ZERO),
            paid=sum((p.paid for p in self.pots), ZERO),
        )

    def schools_overall(self) -> list[SchoolRow]:
        """One row per school, across the report's pots, biggest first (the PDF's table and chart)."""
        merged: dict[Any, SchoolRow] = {}
        for row in self.by_school:
            key = row.school_id if row.school_id is not None else row.name
            seen = merged.get(key)
            merged[key] = (
                row
                if seen is None
                else SchoolRow("", row.school_id, row.name, row.urn, row.locality, seen.committed + row.committed,
                               seen.paid + row.paid)
            )  # fmt: skip
        return sorted(merged.values(), key=lambda r: (-r.committed, r.name, r.urn))

    def needs_overall(self) -> list[NeedRow]:
        merged: dict[tuple[str, str], NeedRow] = {}
        for row in self.by_need:
            seen = merged.get((row.code, row.name))
            merged[(row.code, row.name)] = (
                row
                if seen is None
                else NeedRow("", row.code, row.name, seen.committed + row.committed, seen.paid + row.paid)
            )
        return sorted(merged.values(), key=lambda r: (-r.committed, r.code or "~"))


def year_label(start: datetime.date) -> str:
    """GOV.UK style: 2025 to 2026 (2026 for a year that starts in January)."""
    return financial_year_words(start)


def scope_label(locality: Locality | None) -> str:
    return f"{locality.name} locality" if locality is not None else "Whole local authority"


@contextlib.contextmanager
def ledger_snapshot() -> Iterator[None]:
    """One consistent, read-only view of the ledger for every query inside (REPEATABLE READ). Inside an
    outer transaction (tests) the outer one already gives a single view."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _pots(*, local_authority_id: int, locality_id: int | None, year_start: datetime.date) -> list[PotFigures]:
    budgets = Budget.objects.filter(local_authority_id=local_authority_id, financial_year_start=year_start)
    if locality_id is not None:
        budgets = budgets.filter(locality_id=locality_id)
    rows = budgets.values("pk", "name", "kind", "locality__name").annotate(**BALANCE_SUMS).order_by()
    pots = [
        PotFigures(
            pk=row["pk"], name=row["name"], kind=row["kind"], locality=row["locality__name"] or "",
            budget=row["total_budget"], committed=row["total_committed"], paid=row["total_paid"],
        )
        for row in rows
    ]  # fmt: skip
    return sorted(pots, key=lambda pot: (POT_ORDER.get(pot.kind, 9), pot.name.casefold(), pot.pk))


def _entries(local_authority_id: int, pot_ids: Iterable[int]) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(local_authority_id=local_authority_id, budget_id__in=list(pot_ids))


def _moves_money() -> Q:
    return ~Q(committed_delta=0) | ~Q(paid_delta=0)


def _by_month(entries: QuerySet[LedgerEntry], names: dict[int, str]) -> list[MonthRow]:
    rows = (
        entries.exclude(committed_delta=0)
        .annotate(month=TruncMonth("created_at", tzinfo=timezone.get_default_timezone()))
        .values("budget_id", "month")
        .annotate(
            new=Coalesce(Sum("committed_delta", filter=Q(kind=EntryKind.COMMITMENT)), ZERO),
            # Releases and clawbacks, less any reversed in error (a reversal of a release commits again).
            released=Coalesce(Sum("committed_delta", filter=~Q(kind=EntryKind.COMMITMENT)), ZERO),
        )
        .order_by()
    )
    position = {pk: index for index, pk in enumerate(names)}
    ordered = sorted(rows, key=lambda r: (position[r["budget_id"]], r["month"]))
    return [
        MonthRow(pot=names[r["budget_id"]], month=r["month"].date(), new=r["new"], released=-r["released"])
        for r in ordered
    ]


def _by_school(entries: QuerySet[LedgerEntry], names: dict[int, str]) -> list[SchoolRow]:
    rows = (
        entries.filter(_moves_money())
        .values("budget_id", "school_id", "school__name", "school__urn", "school__locality__name")
        .annotate(committed=Sum("committed_delta"), paid=Sum("paid_delta"))
        .order_by()
    )
    position = {pk: index for index, pk in enumerate(names)}
    ordered = sorted(rows, key=lambda r: (position[r["budget_id"]], -r["committed"], r["school__name"] or "",
                                          r["school_id"] or 0))  # fmt: skip
    return [
        SchoolRow(
            pot=names[r["budget_id"]], school_id=r["school_id"], name=r["school__name"] or NO_SCHOOL,
            urn=r["school__urn"] or "", locality=r["school__locality__name"] or "", committed=r["committed"],
            paid=r["paid"],
        )
        for r in ordered
    ]  # fmt: skip


def _by_need(entries: QuerySet[LedgerEntry], names: dict[int, str]) -> list[NeedRow]:
    """By the primary need recorded on the pupil each entry is for (their need now, not when committed)."""
    rows = (
        entries.filter(_moves_money())
        .annotate(for_pupil=ExpressionWrapper(Q(pupil__isnull=False), output_field=BooleanField()))
        .values("budget_id", "for_pupil", "pupil__primary_need__code", "pupil__primary_need__name")
        .annotate(committed=Sum("committed_delta"), paid=Sum("paid_delta"))
        .order_by()
    )
    position = {pk: index for index, pk in enumerate(names)}
    result = []
    for r in sorted(rows, key=lambda r: (position[r["budget_id"]], -r["committed"],
                                         r["pupil__primary_need__code"] or "~")):  # fmt: skip
        if not r["for_pupil"]:
            code, name = "", NO_PUPIL
        elif r["pupil__primary_need__code"] is None:
            code, name = "", NO_NEED
        else:
            code, name = r["pupil__primary_need__code"], r["pupil__primary_need__name"]
        result.append(NeedRow(names[r["budget_id"]], code, name, r["committed"], r["paid"]))
    return result


def report_data(*, local_authority_id: int, locality_id: int | None, year_start: datetime.date) -> ReportData:
    """Every summed figure of a report: a handful of GROUP BY queries, whatever the size of the ledger."""
    authority = LocalAuthority.objects.get(pk=local_authority_id)
    locality = None
    if locality_id is not None:
        locality = Locality.objects.filter(pk=locality_id, local_authority_id=local_authority_id).first()
        if locality is None:
            raise ValueError(f"Locality {locality_id} is not in local authority {local_authority_id}")
    pots = _pots(local_authority_id=local_authority_id, locality_id=locality_id, year_start=year_start)
    names = {pot.pk: pot.name for pot in pots}
    entries = _entries(local_authority_id, names)
    return ReportData(
        authority=authority.name,
        scope_label=scope_label(locality),
        year_start=year_start,
        generated_at=timezone.localtime(),
        pots=pots,
        by_month=_by_month(entries, names) if names else [],
        by_school=_by_school(entries, names) if names else [],
        by_need=_by_need(entries, names) if names else [],
    )


def commitments(*, local_authority_id: int, data: ReportData) -> Iterator[CommitmentRow]:
    """Every commitment of the report's pots, oldest first, with what was released, clawed back or paid
    against it since (less any of those reversed in error), streamed from a server-side cursor. The ledger
    guard lets only a reversal correct an entry that is not a commitment, and the database lets an entry be
    reversed once, so joining a commitment's corrections to their reversals counts each entry once."""
    names = data.pot_names
    if not names:
        return
    rows = (
        _entries(local_authority_id, names)
        .filter(kind=EntryKind.COMMITMENT)
        .values("pk", "budget_id", "funding_request_id", "school__name", "school__urn", "committed_delta",
                "period_start", "period_end", "created_at")
        .annotate(
            corrected=Coalesce(Sum("corrections__committed_delta"), ZERO)
            + Coalesce(Sum("corrections__corrections__committed_delta"), ZERO),
            paid=Coalesce(Sum("corrections__paid_delta"), ZERO)
            + Coalesce(Sum("corrections__corrections__paid_delta"), ZERO),
        )
        .order_by("created_at", "pk")
    )  # fmt: skip
    zone = timezone.get_default_timezone()
    for row in rows.iterator(chunk_size=STREAM_CHUNK):
        yield CommitmentRow(
            pot=names[row["budget_id"]], request_number=row["funding_request_id"],
            school=row["school__name"] or NO_SCHOOL, urn=row["school__urn"] or "", amount=row["committed_delta"],
            released=-row["corrected"], paid=row["paid"], period_start=row["period_start"],
            period_end=row["period_end"], committed_on=row["created_at"].astimezone(zone).date(),
        )  # fmt: skip


# The spool: the commitments, read once inside the snapshot, for the XLSX written after it ------------


def _spooled(
    rows: Iterable[CommitmentRow], out: IO[str], recent: collections.deque[CommitmentRow]
) -> Iterator[CommitmentRow]:
    """Pass the rows on, writing each to the spool and keeping the most recent for the PDF."""
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([row.pot, row.request_number or "", row.school, row.urn, row.amount, row.released, row.paid,
                         row.period_start or "", row.period_end or "", row.committed_on])  # fmt: skip
        recent.append(row)
        yield row


def _unspool(path: Path) -> Iterator[CommitmentRow]:
    day = datetime.date.fromisoformat
    with path.open(newline="", encoding="utf-8") as spool:
        for pot, number, school, urn, amount, released, paid, start, end, committed_on in csv.reader(spool):
            yield CommitmentRow(
                pot, int(number) if number else None, school, urn, Decimal(amount), Decimal(released),
                Decimal(paid), day(start) if start else None, day(end) if end else None, day(committed_on),
            )  # fmt: skip


# Tables: the same rows, headers and totals for the CSV and the XLSX -----------------------------------

POT_HEADER = ["Pot", "Kind", "Locality", "Budget", "Committed", "Paid", "Available", "Committed, not yet paid"]
MONTH_HEADER = ["Pot", "Month", "New commitments", "Released or clawed back", "Net committed"]
SCHOOL_HEADER = ["Pot", "School", "URN", "Locality", "Committed", "Paid"]
NEED_HEADER = ["Pot", "Primary need code", "Primary need", "Committed", "Paid"]
COMMITMENT_HEADER = ["Pot", "Request number", "School", "URN", "Amount committed", "Released or clawed back",
                     "Still committed", "Paid", "Period start", "Period end", "Date committed"]  # fmt: skip


def pot_cells(pot: PotFigures) -> list[Any]:
    kind = "" if pot.pk == 0 else pot.kind_label
    return [pot.name, kind, pot.locality, pot.budget, pot.committed, pot.paid, pot.available, pot.unpaid]


def month_cells(row: MonthRow) -> list[Any]:
    return [row.pot, row.month, row.new, row.released, row.net]


def school_cells(row: SchoolRow) -> list[Any]:
    return [row.pot, row.name, row.urn, row.locality, row.committed, row.paid]


def need_cells(row: NeedRow) -> list[Any]:
    return [row.pot, row.code, row.name, row.committed, row.paid]


def commitment_cells(row: CommitmentRow) -> list[Any]:
    return [row.pot, row.request_number, row.school, row.urn, row.amount, row.released, row.still_committed,
            row.paid, row.period_start, row.period_end, row.committed_on]  # fmt: skip


def _sum(rows: Iterable[Any], *names: str) -> list[Decimal]:
    totals = [ZERO] * len(names)
    for row in rows:
        totals = [total + getattr(row, name) for total, name in zip(totals, names, strict=True)]
    return totals


def month_total(data: ReportData) -> list[Any]:
    return ["Total", "", *_sum(data.by_month, "new", "released", "net")]


def school_total(data: ReportData) -> list[Any]:
    return ["Total", "", "", "", *_sum(data.by_school, "committed", "paid")]


def need_total(data: ReportData) -> list[Any]:
    return ["Total", "", "", *_sum(data.by_need, "committed", "paid")]


class CommitmentTotals:
    """Adds up the commitment rows as they stream past, for the closing Total row."""

    def __init__(self) -> None:
        self.count = 0
        self.amount = self.released = self.paid = ZERO

    def add(self, row: CommitmentRow) -> CommitmentRow:
        self.count += 1
        self.amount += row.amount
        self.released += row.released
        self.paid += row.paid
        return row

    def cells(self) -> list[Any]:
        return ["Total", "", "", "", self.amount, self.released, self.amount - self.released, self.paid, "", "", ""]


def heading_rows(data: ReportData) -> list[list[Any]]:
    return [
        ["Budget report", data.scope_label],
        ["Local authority", data.authority],
        ["Financial year", data.year_label],
        ["Figures as at", data.generated_at.strftime("%Y-%m-%d %H:%M")],
    ]


def sections(data: ReportData) -> list[tuple[str, list[str], Iterable[list[Any]], list[Any]]]:
    """(title, header, rows, total row) of every summed table."""
    return [
        ("Budgets", POT_HEADER, map(pot_cells, data.pots), pot_cells(data.totals)),
        ("Commitments by month", MONTH_HEADER, map(month_cells, data.by_month), month_total(data)),
        ("Spend by school", SCHOOL_HEADER, map(school_cells, data.by_school), school_total(data)),
        ("Spend by primary need", NEED_HEADER, map(need_cells, data.by_need), need_total(data)),
    ]


# CSV ---------------------------------------------------------------------------------------------------


def csv_cell(value: Any) -> str:
    """Amounts as plain numbers (1234.50), dates as 2025-04-01, text spreadsheet-safe."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return spreadsheet_safe(value)


def write_csv(data: ReportData, rows: Iterable[CommitmentRow], out: IO[str]) -> int:
    """Sections one after another, each a title line, a header, its rows and a Total row, separated by a
    blank line; a byte order mark first so spreadsheet programs read the text as UTF-8. Returns the
    number of commitments written."""
    out.write("\ufeff")
    writer = csv.writer(out)

    def line(cells: Iterable[Any]) -> None:
        writer.writerow([csv_cell(cell) for cell in cells])

    for cells in heading_rows(data):
        line(cells)
    for title, header, body, total in sections(data):
        writer.writerow([])
        line([title])
        line(header)
        for cells in body:
            line(cells)
        line(total)
    writer.writerow([])
    line(["Commitments"])
    line(COMMITMENT_HEADER)
    totals = CommitmentTotals()
    safe = _SafeText()
    for row in rows:
        totals.add(row)
        writer.writerow([
            safe(row.pot), row.request_number or "", safe(row.school), safe(row.urn), row.amount, row.released,
            row.amount - row.released, row.paid, row.period_start or "", row.period_end or "", row.committed_on,
        ])  # fmt: skip
    line(totals.cells())
    return totals.count


class _SafeText:
    """spreadsheet_safe, remembered: the same pot and school names come back on thousands of rows."""

    def __init__(self, limit: int = 20_000) -> None:
        self.cache: dict[str, str] = {}
        self.limit = limit

    def __call__(self, text: str) -> str:
        safe = self.cache.get(text)
        if safe is None:
            safe = spreadsheet_safe(text)
            if len(self.cache) < self.limit:
                self.cache[text] = safe
        return safe


# XLSX --------------------------------------------------------------------------------------------------


def write_xlsx(data: ReportData, rows: Iterable[CommitmentRow], path: Path, *, tmpdir: Path | None = None) -> None:
    """One sheet per table. Amounts are numbers with a £ format and dates real dates; text is only ever
    written as text (never read as a formula, number or link) and quote-prefixed when it would start a
    formula. Rows are streamed to disk (constant memory)."""
    import xlsxwriter

    options: dict[str, Any] = {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
                               "strings_to_urls": False}  # fmt: skip
    if tmpdir is not None:
        options["tmpdir"] = str(tmpdir)
    workbook = xlsxwriter.Workbook(str(path), options)
    workbook.set_properties({"title": f"Budget report {data.year_label}", "author": "", "company": ""})
    bold = workbook.add_format({"bold": True})
    money = workbook.add_format({"num_format": "£#,##0.00"})
    money_bold = workbook.add_format({"num_format": "£#,##0.00", "bold": True})
    day = workbook.add_format({"num_format": "d mmm yyyy"})
    month = workbook.add_format({"num_format": "mmm yyyy"})
    safe = _SafeText()

    def put(sheet: Any, row: int, cells: Iterable[Any], *, strong: bool = False, months: bool = False) -> None:
        for column, value in enumerate(cells):
            if value is None or value == "":
                continue
            if isinstance(value, Decimal):
                sheet.write_number(row, column, float(value), money_bold if strong else money)
            elif isinstance(value, datetime.date):
                sheet.write_number(row, column, (value - EXCEL_EPOCH).days, month if months else day)
            elif isinstance(value, int):
                sheet.write_number(row, column, value)
            else:
                sheet.write_string(row, column, safe(value), bold if strong else None)

    def new_sheet(name: str, widths: list[int]) -> Any:
        sheet = workbook.add_worksheet(name)
        for column, width in enumerate(widths):
            sheet.set_column(column, column, width)
        return sheet

    summary = new_sheet("Summary", [34, 30, 24, 16, 16, 16, 16, 22])
    for index, cells in enumerate(heading_rows(data)):
        put(summary, index, cells, strong=index == 0)
    sheets = {"Commitments by month": ("By month", [34, 12, 18, 22, 16]),
              "Spend by school": ("By school", [34, 44, 10, 24, 16, 16]),
              "Spend by primary need": ("By primary need", [34, 18, 44, 16, 16])}  # fmt: skip
    for title, header, body, total in sections(data):
        if title == "Budgets":
            sheet, first = summary, len(heading_rows(data)) + 1
        else:
            sheet, first = new_sheet(*sheets[title]), 0
        put(sheet, first, header, strong=True)
        sheet.freeze_panes(first + 1, 0)
        row = first
        for row, cells in enumerate(body, start=first + 1):
            put(sheet, row, cells, months=title == "Commitments by month")
        put(sheet, row + 1, total, strong=True)

    # The long list, written with each column's type known (about a million cells for a large tenant).
    sheet = new_sheet("Commitments", [34, 14, 44, 10, 16, 22, 16, 16, 12, 12, 14])
    put(sheet, 0, COMMITMENT_HEADER, strong=True)
    sheet.freeze_panes(1, 0)
    text, number = sheet.write_string, sheet.write_number
    totals = CommitmentTotals()
    index = 0
    for index, line in enumerate(rows, start=1):
        totals.add(line)
        text(index, 0, safe(line.pot))
        if line.request_number is not None:
            number(index, 1, line.request_number)
        text(index, 2, safe(line.school))
        if line.urn:
            text(index, 3, safe(line.urn))
        number(index, 4, float(line.amount), money)
        number(index, 5, float(line.released), money)
        number(index, 6, float(line.amount - line.released), money)
        number(index, 7, float(line.paid), money)
        if line.period_start is not None:
            number(index, 8, (line.period_start - EXCEL_EPOCH).days, day)
        if line.period_end is not None:
            number(index, 9, (line.period_end - EXCEL_EPOCH).days, day)
        number(index, 10, (line.committed_on - EXCEL_EPOCH).days, day)
    put(sheet, index + 1, totals.cells(), strong=True)
    workbook.close()


# Charts (inline SVG in the PDF): shapes computed here, drawn by templates/funding/pdf/*.html ----------


@dataclass(frozen=True)
class Bar:
    label: str
    amount: Decimal
    y: int
    width: int


@dataclass(frozen=True)
class BarChart:
    title: str
    description: str
    bars: list[Bar]
    height: int
    label_width: int = 250


def bar_chart(title: str, items: list[tuple[str, Decimal]], *, limit: int = 15) -> BarChart | None:
    """Horizontal bars, biggest first (the table beside it has every figure)."""
    positive = sorted((item for item in items if item[1] > 0), key=lambda item: -item[1])
    shown = positive[:limit]
    if not shown:
        return None
    largest = max(amount for _, amount in shown)
    bars = [
        Bar(label=_shorten(label), amount=amount, y=10 + index * 26, width=max(1, int(300 * amount / largest)))
        for index, (label, amount) in enumerate(shown)
    ]
    more = f" The {len(shown)} largest of {len(positive)} are shown." if len(positive) > limit else ""
    description = "; ".join(f"{label}: £{amount:,.2f}" for label, amount in shown) + "." + more
    return BarChart(title=title, description=description, bars=bars, height=20 + len(bars) * 26)


def _shorten(label: str, length: int = 38) -> str:
    return label if len(label) <= length else label[: length - 1].rstrip() + "…"


@dataclass(frozen=True)
class MonthColumn:
    label: str
    new: Decimal
    cumulative: Decimal
    x: int
    centre: int
    bar_y: int
    bar_height: int
    line_y: int


@dataclass(frozen=True)
class MonthChart:
    description: str
    columns: list[MonthColumn]
    budget: Decimal
    budget_y: int
    points: str
    ticks: list[tuple[int, str]]
    top: int = 20
    bottom: int = 250
    column_width: int = 36


def month_chart(data: ReportData) -> MonthChart | None:
    """Bars: commitments made each month; line: net committed so far; dashed: the budget. Every month of
    the financial year, and any month before it in which commitments were already made."""
    if not data.pots:
        return None
    new: dict[datetime.date, Decimal] = collections.defaultdict(lambda: ZERO)
    net: dict[datetime.date, Decimal] = collections.defaultdict(lambda: ZERO)
    for row in data.by_month:
        new[row.month] += row.new
        net[row.month] += row.net
    budget = data.totals.budget
    running, cumulative = ZERO, []
    for month in sorted(_months(data.year_start, data.year_end) | set(new)):
        running += net[month]
        cumulative.append((month, new[month], running))
    scale_max = max([budget, *(c for _, _, c in cumulative), *(n for _, n, _ in cumulative), Decimal("1")])
    top, bottom = 20, 250

    def y(amount: Decimal) -> int:
        return bottom - int((bottom - top) * max(amount, ZERO) / scale_max)

    step = min(60, 598 // max(1, len(cumulative)))
    columns = [
        MonthColumn(
            label=f"{month:%b %y}", new=amount, cumulative=total, x=70 + index * step + 4,
            centre=70 + index * step + step // 2, bar_y=y(amount), bar_height=bottom - y(amount), line_y=y(total),
        )
        for index, (month, amount, total) in enumerate(cumulative)
    ]  # fmt: skip
    description = (
        f"Budget £{budget:,.2f}. "
        + "; ".join(f"{c.label}: £{c.new:,.2f} committed, £{c.cumulative:,.2f} net so far" for c in columns)
        + "."
    )
    return MonthChart(
        description=description, columns=columns, budget=budget, budget_y=y(budget),
        points=" ".join(f"{c.centre},{c.line_y}" for c in columns),
        ticks=[(y(scale_max * part), _compact(scale_max * part)) for part in (Decimal(0), Decimal("0.5"), Decimal(1))],
        top=top, bottom=bottom, column_width=max(4, step - 8),
    )  # fmt: skip


def _compact(amount: Decimal) -> str:
    """An axis label short enough for the chart's margin: £0, £950, £12.5k, £743.2m."""
    for size, suffix in ((Decimal(1_000_000), "m"), (Decimal(1_000), "k")):
        if amount >= size:
            return f"£{amount / size:,.1f}{suffix}"
    return f"£{amount:,.0f}"


def _months(start: datetime.date, end: datetime.date) -> set[datetime.date]:
    months, day = set(), start.replace(day=1)
    while day <= end:
        months.add(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months


# PDF ---------------------------------------------------------------------------------------------------


def report_html(data: ReportData, recent: list[CommitmentRow]) -> str:
    """The PDF's HTML: the per-pot totals, then by month, by school and by need with charts, each table one
    row per month, school or need across the report's pots (the CSV and XLSX split them by pot too)."""
    schools = data.schools_overall()
    needs = data.needs_overall()
    context = {
        "data": data,
        "totals": data.totals,
        "month_total": month_total(data),
        "schools": schools,
        "school_totals": _sum(schools, "committed", "paid"),
        "needs": needs,
        "need_totals": _sum(needs, "committed", "paid"),
        "month_chart": month_chart(data),
        "school_chart": bar_chart("Committed by school", [(row.name, row.committed) for row in schools]),
        "need_chart": bar_chart(
            "Committed by primary need", [(f"{n.name} ({n.code})" if n.code else n.name, n.committed) for n in needs]
        ),
        "recent": recent,
    }
    return render_to_string("funding/pdf/budget_report.html", context)


def write_pdf(data: ReportData, recent: list[CommitmentRow], path: Path) -> None:
    from funding.pdf import html_to_pdf

    path.write_bytes(html_to_pdf(report_html(data, recent)))


# Building the three files ------------------------------------------------------------------------------


@dataclass
class ReportFiles:
    csv: Path
    xlsx: Path
    pdf: Path
    data: ReportData
    timings: dict[str, float] = field(default_factory=dict)

    def by_format(self) -> dict[str, Path]:
        return {"csv": self.csv, "xlsx": self.xlsx, "pdf": self.pdf}


def build_files(
    *,
    local_authority_id: int,
    locality_id: int | None,
    year_start: datetime.date,
    directory: Path,
    progress: Callable[[int], None] = lambda percent: None,
) -> ReportFiles:
    """Write report.csv, report.xlsx and report.pdf into `directory`. `progress` is called between the
    steps, never inside the snapshot (a read-only transaction)."""
    csv_path, spool = directory / "report.csv", directory / "commitments.spool"
    recent: collections.deque[CommitmentRow] = collections.deque(maxlen=PDF_COMMITMENT_ROWS)
    timings: dict[str, float] = {}
    started = step = time.perf_counter()
    with ledger_snapshot():
        data = report_data(local_authority_id=local_authority_id, locality_id=locality_id, year_start=year_start)
        timings["figures"] = time.perf_counter() - step
        step = time.perf_counter()
        rows = commitments(local_authority_id=local_authority_id, data=data)
        with (
            spool.open("w", newline="", encoding="utf-8") as spooled,
            csv_path.open("w", newline="", encoding="utf-8") as out,
        ):
            data.commitment_count = write_csv(data, _spooled(rows, spooled, recent), out)
    timings["csv"] = time.perf_counter() - step
    progress(40)
    files = ReportFiles(csv_path, directory / "report.xlsx", directory / "report.pdf", data, timings)

    step = time.perf_counter()
    write_xlsx(data, _unspool(spool), files.xlsx, tmpdir=directory)
    spool.unlink()
    timings["xlsx"] = time.perf_counter() - step
    progress(75)

    step = time.perf_counter()
    write_pdf(data, list(reversed(recent)), files.pdf)
    timings["pdf"] = time.perf_counter() - step
    timings["total"] = time.perf_counter() - started
    return files


# Reads for the report pages ----------------------------------------------------------------------------


def report_list_for_scope(*, scope: Scope) -> QuerySet[BudgetReport]:
    return visible(BudgetReport, scope).select_related("locality").order_by("-created_at", "-pk")


def report_localities(*, scope: Scope) -> list[Locality]:
    """The localities this person may ask for a report on: their own (Area SEND Leads), or every
    locality of the tenant (LA and finance officers)."""
    localities = visible(Locality, scope)
    if not scope.sees_whole_tenant:
        localities = localities.filter(pk__in=scope.locality_ids)
    return list(localities.order_by("name", "pk"))


def report_year_choices(*, scope: Scope) -> list[datetime.date]:
    """Financial years with budgets this person can read, and always the current one, newest first."""
    start_month = LocalAuthority.objects.values_list("financial_year_start_month", flat=True).get(
        pk=scope.local_authority_id
    )
    current = financial_year_start(timezone.localdate(), start_month)
    years = set(visible(Budget, scope).order_by().values_list("financial_year_start", flat=True).distinct())
    return sorted(years | {current}, reverse=True)
