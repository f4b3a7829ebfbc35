"""Budget report timings: a tenant with 40,000 pupils and 200,000 ledger entries, and how long its whole-
tenant and locality reports take to build (figures, CSV, XLSX, PDF), and what one approval costs on a pot
of that ledger (the service and the guard check each commitment against the pot's balance). Run through
scripts/bench, which prepares the bench database and sets DATABASE_URL; the tenant is scripts/bench.py's,
built once and reused.

The ledger is loaded with bulk_create in the order the ledger guard demands (budgets set first, then
commitments that fit, then payments, releases and clawbacks within what each commitment still holds).
Unless --with-guard is given the insert trigger is switched off inside the loading transaction only (it
checks row by row, which is slow for 200,000 rows), the pots' running totals are then filled from the
ledger, and the whole ledger is checked against the guard's own rules, row by row in insertion order, and
the totals against the ledger's sums, before that transaction commits. Nothing that breaks the guard can
be left behind.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "send_portal.settings.test")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-reports-"))

import bench  # scripts/bench.py: sets Django up, and builds the 40,000-pupil tenant
from django.db import connection, models, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from accounts.scoping import scope_for_membership
from funding import ledger, reports, services
from funding.models import Budget, EntryKind, LedgerEntry, PotKind
from funding.report_models import BudgetReport
from funding.report_services import report_build
from funding.years import financial_year_start
from localities.models import LocalAuthority, Locality
from panels.models import Panel, PanelKind
from pupils.models import Pupil

CENTS = Decimal("0.01")
BATCH = 5000
# What each commitment may later get, as shares of all entries: 70% commitments, 22.5% payments,
# 5% releases, the rest clawbacks (and the ten budgets).
SHARES = {"commitment": 0.70, "payment": 0.225, "release": 0.05}

# With the guard off, the running totals it keeps (migration 0009) are filled from the ledger afterwards,
# inside the loading transaction, with the totals table's own guard off for that statement only.
TOTALS_REBUILD = """
INSERT INTO funding_budgettotals (budget_id, budget_total, committed, paid)
SELECT budget_id, SUM(budget_delta), SUM(committed_delta), SUM(paid_delta)
  FROM funding_ledgerentry WHERE local_authority_id = %s GROUP BY budget_id
ON CONFLICT (budget_id) DO UPDATE
  SET budget_total = EXCLUDED.budget_total, committed = EXCLUDED.committed, paid = EXCLUDED.paid
"""
# Every pot's running totals equal the sums of its entries.
TOTALS_CHECK = """
SELECT count(*) FROM (
  SELECT budget_id, SUM(budget_delta) AS b, SUM(committed_delta) AS c, SUM(paid_delta) AS p
  FROM funding_ledgerentry WHERE local_authority_id = %s GROUP BY budget_id
) AS sums LEFT JOIN funding_budgettotals AS t USING (budget_id)
WHERE t.budget_id IS NULL OR (t.budget_total, t.committed, t.paid) <> (sums.b, sums.c, sums.p)
"""

# The guard's rules (migration 0002), checked for every prefix of every budget's entries in id order.
GUARD_CHECK = """
SELECT count(*) FROM (
  SELECT SUM(budget_delta) OVER w AS b, SUM(committed_delta) OVER w AS c, SUM(paid_delta) OVER w AS p
  FROM funding_ledgerentry WHERE local_authority_id = %s WINDOW w AS (PARTITION BY budget_id ORDER BY id)
) AS running WHERE c > b OR p > c OR p < 0 OR c < 0 OR b < 0
"""


def pots_for(authority: LocalAuthority, year: datetime.date) -> list[Budget]:
    pots = []
    for locality in Locality.objects.filter(local_authority=authority).order_by("name"):
        pots.append(Budget.objects.get_or_create(
            local_authority=authority, kind=PotKind.LOCALITY, locality=locality, financial_year_start=year,
            defaults={"name": f"{locality.name} locality budget"},
        )[0])  # fmt: skip
    central = [
        (PotKind.TOP_UP, PanelKind.HIGH_NEEDS_TOP_UP, "High Needs top-up"),
        (PotKind.EXCEPTIONAL_NEEDS, PanelKind.EXCEPTIONAL_NEEDS, "Exceptional needs"),
    ]
    for kind, panel_kind, name in central:
        panel, _ = Panel.objects.get_or_create(local_authority=authority, name=f"Bench {name} panel", kind=panel_kind)
        pots.append(Budget.objects.get_or_create(
            local_authority=authority, kind=kind, locality=None, financial_year_start=year,
            defaults={"name": name, "panel": panel},
        )[0])  # fmt: skip
    return pots


@contextlib.contextmanager
def explicit_created_at() -> Iterator[None]:
    """bulk_create would stamp every entry with now; spread them over the year instead."""
    field = LedgerEntry._meta.get_field("created_at")
    field.auto_now_add = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        field.auto_now_add = True  # type: ignore[attr-defined]


def build_ledger(authority: LocalAuthority, year: datetime.date, entries: int, *, with_guard: bool) -> list[Budget]:
    pots = pots_for(authority, year)
    existing = LedgerEntry.objects.filter(budget__in=pots).count()
    if existing >= entries:
        return pots
    if existing:
        sys.exit("The bench tenant has a smaller ledger for this year: drop the bench database and run again.")
    started = time.perf_counter()
    actor = bench.user_with(authority, "bench-la@example.org", Role.LA_OFFICER)
    rng = random.Random(941)  # noqa: S311 (test data)
    locality_pot = {pot.locality_id: pot for pot in pots if pot.kind == PotKind.LOCALITY}
    central = [pot for pot in pots if pot.kind != PotKind.LOCALITY]
    pupils = list(Pupil.objects.filter(local_authority=authority).values_list("pk", "school_id", "school__locality_id"))
    now = timezone.now()
    year_start = timezone.make_aware(datetime.datetime.combine(year, datetime.time(9)))
    span = max(60.0, (min(now, year_start + datetime.timedelta(days=364)) - year_start).total_seconds())

    def when(after: datetime.datetime | None = None) -> datetime.datetime:
        base = after or year_start
        return min(now, base + datetime.timedelta(seconds=rng.uniform(0, span if after is None else 60 * 86400)))

    n_commitments = int(entries * SHARES["commitment"])
    n_payments = int(entries * SHARES["payment"])
    n_releases = int(entries * SHARES["release"])
    n_clawbacks = entries - len(pots) - n_commitments - n_payments - n_releases
    commitments: list[LedgerEntry] = []
    for _ in range(n_commitments):
        pupil_id, school_id, locality_id = rng.choice(pupils)
        pot = rng.choice(central) if rng.random() < 0.1 else locality_pot[locality_id]
        amount = Decimal(rng.randrange(50_000, 800_000)) * CENTS
        start = year + datetime.timedelta(days=rng.randrange(0, 150))
        commitments.append(LedgerEntry(
            local_authority=authority, budget=pot, kind=EntryKind.COMMITMENT, committed_delta=amount,
            school_id=school_id, pupil_id=pupil_id, period_start=start, period_end=start + datetime.timedelta(days=200),
            created_by=actor, created_at=when(), memo="Bench commitment",
        ))  # fmt: skip
    committed: dict[int, Decimal] = {}
    for entry in commitments:
        committed[entry.budget_id] = committed.get(entry.budget_id, Decimal(0)) + entry.committed_delta
    budgets = [
        LedgerEntry(local_authority=authority, budget=pot, kind=EntryKind.BUDGET_SET, created_by=actor,
                    budget_delta=(committed.get(pot.pk, Decimal(0)) * Decimal("1.25")).quantize(CENTS) + 1000,
                    created_at=year_start, memo="Bench budget")
        for pot in pots
    ]  # fmt: skip

    with transaction.atomic(), explicit_created_at():
        if not with_guard:
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE funding_ledgerentry DISABLE TRIGGER funding_ledger_insert_guard")
        LedgerEntry.objects.bulk_create(budgets)
        for index in range(0, len(commitments), BATCH):
            LedgerEntry.objects.bulk_create(commitments[index : index + BATCH])
        shuffled = commitments[:]
        rng.shuffle(shuffled)
        paid = shuffled[:n_payments]
        released = shuffled[n_payments : n_payments + n_releases]
        corrections = [
            LedgerEntry(local_authority=authority, budget_id=c.budget_id, kind=EntryKind.PAYMENT, corrects=c,
                        paid_delta=(c.committed_delta / 2).quantize(CENTS), school_id=c.school_id, pupil_id=c.pupil_id,
                        created_by=actor, created_at=when(c.created_at))
            for c in paid
        ] + [
            LedgerEntry(local_authority=authority, budget_id=c.budget_id, kind=EntryKind.RELEASE, corrects=c,
                        committed_delta=-(c.committed_delta / 5).quantize(CENTS), school_id=c.school_id,
                        pupil_id=c.pupil_id, created_by=actor, created_at=when(c.created_at), memo="Bench release")
            for c in released
        ] + [
            LedgerEntry(local_authority=authority, budget_id=c.budget_id, kind=EntryKind.CLAWBACK, corrects=c,
                        committed_delta=-Decimal("100.00"), paid_delta=-Decimal("100.00"), school_id=c.school_id,
                        pupil_id=c.pupil_id, created_by=actor, created_at=when(c.created_at), memo="Bench clawback")
            for c in paid[:n_clawbacks]
        ]  # fmt: skip
        for index in range(0, len(corrections), BATCH):
            LedgerEntry.objects.bulk_create(corrections[index : index + BATCH])
        with connection.cursor() as cursor:
            if not with_guard:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # run the deferred foreign key checks now
                cursor.execute("ALTER TABLE funding_ledgerentry ENABLE TRIGGER funding_ledger_insert_guard")
                cursor.execute("ALTER TABLE funding_budgettotals DISABLE TRIGGER funding_budgettotals_guard")
                cursor.execute(TOTALS_REBUILD, [authority.pk])
                cursor.execute("ALTER TABLE funding_budgettotals ENABLE TRIGGER funding_budgettotals_guard")
            cursor.execute(GUARD_CHECK, [authority.pk])
            (broken,) = cursor.fetchone()  # type: ignore[misc]
            if broken:
                raise SystemExit(f"{broken} ledger entries break the ledger guard: nothing was loaded")
            cursor.execute(TOTALS_CHECK, [authority.pk])
            (wrong,) = cursor.fetchone()  # type: ignore[misc]
            if wrong:
                raise SystemExit(f"{wrong} pots' running totals differ from their ledgers: nothing was loaded")
            cursor.execute("ANALYZE funding_ledgerentry")
    total = LedgerEntry.objects.filter(local_authority=authority).count()
    guard = "with the guard trigger" if with_guard else "guard trigger off, every prefix checked"
    print(f"built {total:,} ledger entries on {len(pots)} pots ({guard}) in {time.perf_counter() - started:.1f} s")
    return pots


def time_build(authority: LocalAuthority, year: datetime.date, locality: Locality | None, label: str) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-report-") as directory:
        with CaptureQueriesContext(connection) as queries:
            files = reports.build_files(
                local_authority_id=authority.pk, locality_id=locality.pk if locality else None, year_start=year,
                directory=Path(directory),
            )  # fmt: skip
        t = files.timings
        sizes = " ".join(f"{fmt} {path.stat().st_size / 1e6:.1f} MB" for fmt, path in files.by_format().items())
        print(
            f"{label:<22} {files.data.commitment_count:>11,} {t['figures']:8.2f} {t['csv']:6.2f} {t['xlsx']:6.2f} "
            f"{t['pdf']:6.2f} {t['total']:7.2f} {len(queries):8d}   {sizes}"
        )


class _Rollback(Exception):
    """Raised to undo the approval timings: the bench tenant's ledger stays as it was built."""


def _median_ms(timings: list[float]) -> float:
    return statistics.median(timings) * 1000


def time_approvals(authority: LocalAuthority, year: datetime.date, runs: int = 15) -> None:
    """One approval (the request workflow's approve, which writes the commitment through funding.ledger
    and the guard trigger) on the locality pot with the most entries, and one ledger commitment on that
    pot and on a new, empty pot. All inside one transaction that is rolled back afterwards."""
    pot = (
        Budget.objects.filter(local_authority=authority, financial_year_start=year, kind=PotKind.LOCALITY)
        .annotate(n=models.Count("entries"))
        .order_by("-n", "pk")
        .first()
    )
    assert pot is not None and pot.locality is not None
    school = pot.locality.schools.order_by("name").first()
    assert school is not None
    senco = bench.user_with(authority, "bench-approval-senco@example.org", Role.SENCO, school=school)
    lead = bench.user_with(authority, "bench-approval-lead@example.org", Role.AREA_SEND_LEAD, locality=pot.locality)
    officer = bench.user_with(authority, "bench-la@example.org", Role.LA_OFFICER)
    senco_scope = scope_for_membership(senco.memberships.get(local_authority=authority))
    lead_scope = scope_for_membership(lead.memberships.get(local_authority=authority))
    pupils = list(Pupil.objects.filter(school=school, on_register=True).order_by("pk")[:runs])
    start, end = year, year + datetime.timedelta(days=30)
    approve, commit_big, commit_empty = [], [], []
    entries = pot.entries.count()
    try:
        with transaction.atomic():
            for pupil in pupils:
                draft = services.request_save_draft(
                    actor=senco, scope=senco_scope, school_id=school.pk, pupil_id=pupil.pk,
                    amount_requested=Decimal("100.00"), period_start=start, period_end=end,
                    purpose="Bench approval", outcomes_served="Bench",
                )  # fmt: skip
                services.request_transition(actor=senco, scope=senco_scope, request_id=draft.pk, action="submit")
                started = time.perf_counter()
                services.request_transition(
                    actor=lead, scope=lead_scope, request_id=draft.pk, action="approve", amount=Decimal("100.00"),
                    start=start, end=end,
                )  # fmt: skip
                approve.append(time.perf_counter() - started)
            empty = Budget.objects.create(
                local_authority=authority,
                kind=PotKind.TOP_UP,
                name="Bench empty pot",
                financial_year_start=datetime.date(year.year + 5, year.month, 1),
            )
            ledger.budget_set(actor=officer, budget_id=empty.pk, amount=Decimal("1000000.00"))
            for budget, timings in ((pot, commit_big), (empty, commit_empty)):
                for _ in range(runs):
                    started = time.perf_counter()
                    ledger.commit(actor=officer, budget_id=budget.pk, amount=Decimal("1.00"), memo="Bench")
                    timings.append(time.perf_counter() - started)
            raise _Rollback
    except _Rollback:
        pass
    print(f"\nOne approval on {pot.name} ({entries:,} entries), median of {runs}: {_median_ms(approve):.1f} ms")
    print(f"ledger.commit alone: {_median_ms(commit_big):.1f} ms on that pot, {_median_ms(commit_empty):.1f} ms on a "
          "pot with one entry")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pupils", type=int, default=40_000)
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--with-guard", action="store_true", help="keep the ledger guard trigger on while loading")
    parser.add_argument("--approvals-only", action="store_true", help="time the approvals, not the reports")
    args = parser.parse_args()
    authority = bench.build(args.pupils)
    year = financial_year_start(timezone.localdate(), authority.financial_year_start_month)
    build_ledger(authority, year, args.entries, with_guard=args.with_guard)
    if args.approvals_only:
        time_approvals(authority, year)
        return
    entries = LedgerEntry.objects.filter(local_authority=authority).count()
    print(f"\nBudget reports for {authority.name}: {Pupil.objects.filter(local_authority=authority).count():,} pupils, "
          f"{entries:,} ledger entries (seconds)")  # fmt: skip
    print(f"{'report':<22} {'commitments':>11} {'figures':>8} {'csv':>6} {'xlsx':>6} {'pdf':>6} {'total':>7} "
          f"{'queries':>8}")  # fmt: skip
    time_build(authority, year, None, "whole tenant")
    time_build(
        authority, year, Locality.objects.filter(local_authority=authority).order_by("name").first(), "one locality"
    )
    report = BudgetReport.objects.create(local_authority=authority, financial_year_start=year)
    started = time.perf_counter()
    outcome = report_build(report_id=report.pk, task_id="bench")
    print(f"\nthe Celery task's work, whole tenant, files stored: {time.perf_counter() - started:.2f} s ({outcome})")
    time_approvals(authority, year)


if __name__ == "__main__":
    main()
