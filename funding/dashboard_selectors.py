"""Reads for the Area SEND Lead's queue and dashboard, the budget pages and the LA overview. Every figure
is a sum of ledger entries (never a stored balance); every list is a queryset the page paginates, with
a fixed number of queries whatever its length."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, NullIf, TruncMonth
from django.http import Http404
from django.utils import timezone

from accounts.scoping import Scope, visible
from funding.banding_models import Band
from funding.models import (
    Budget,
    EntryKind,
    FundingRequest,
    LedgerEntry,
    PotKind,
    RequestStatus,
    Route,
    financial_year_label,
)
from funding.request_selectors import for_whom, pupil_visible_annotation
from funding.selectors import ZERO, BudgetBalance, budgets_with_balances
from funding.years import financial_year_end, financial_year_start
from localities.models import Locality, School
from pupils.models import Pupil, SenStatus

AGEING_WORKING_DAYS = 10
RECENTLY_DECIDED_DAYS = 30

# Working days --------------------------------------------------------------------------------------------


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Weekdays after `start` up to and including `end` (Monday to Friday; bank holidays are not known
    to the service). Submitted on a Monday, it has waited 5 working days the next Monday."""
    if end <= start:
        return 0
    weeks, rest = divmod((end - start).days, 7)
    return weeks * 5 + sum(1 for offset in range(1, rest + 1) if (start.weekday() + offset) % 7 < 5)


def ageing_cutoff(today: datetime.date, working_days: int = AGEING_WORKING_DAYS) -> datetime.datetime:
    """The moment before which a request submitted has waited more than `working_days` by `today`."""
    day, counted = today, 0
    while counted <= working_days:
        if day.weekday() < 5:
            counted += 1
        day -= datetime.timedelta(days=1)
    # `day` is the latest submission date with more than `working_days` weekdays after it.
    next_day = day + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(next_day, datetime.time.min))


# The queue -------------------------------------------------------------------------------------------------

UNDECIDED = (RequestStatus.SUBMITTED, RequestStatus.MORE_INFORMATION)
GROUPS = {
    "new": "New",
    "waiting": "Waiting for information",
    "ageing": f"Over {AGEING_WORKING_DAYS} working days",
    "decided": "Recently decided",
}


@dataclass(frozen=True)
class QueueCounts:
    new: int = 0
    waiting: int = 0
    ageing: int = 0
    decided: int = 0

    def get(self, group: str) -> int:
        return int(getattr(self, group))


def _queue_base(scope: Scope, locality_ids: Iterable[int] | None) -> QuerySet[FundingRequest]:
    """Requests of these localities' schools (all the tenant's localities with None) the scope may read."""
    requests = visible(FundingRequest, scope)
    if locality_ids is not None:
        requests = requests.filter(school__locality_id__in=list(locality_ids))
    else:
        requests = requests.filter(school__locality__isnull=False)
    return requests


def _decided_since(now: datetime.datetime) -> Q:
    """Approved or declined by the Area SEND Lead, or referred on to the central panel, lately. Referring
    is the Area SEND Lead's decision and stamps decided_at like the others (funding.services._refer); a
    referral recorded before it did has only its last change to go by."""
    since = now - datetime.timedelta(days=RECENTLY_DECIDED_DAYS)
    decided = Q(route=Route.LOCALITY, status__in=[RequestStatus.APPROVED, RequestStatus.DECLINED])
    referred = Q(route=Route.EXCEPTIONAL_PANEL, status=RequestStatus.REFERRED)
    when = Q(decided_at__gte=since) | Q(decided_at__isnull=True, updated_at__gte=since)
    return decided & Q(decided_at__gte=since) | referred & when


def _group_condition(group: str, today: datetime.date, now: datetime.datetime) -> Q:
    locality = Q(route=Route.LOCALITY)
    if group == "new":
        return locality & Q(status=RequestStatus.SUBMITTED)
    if group == "waiting":
        return locality & Q(status=RequestStatus.MORE_INFORMATION)
    if group == "ageing":
        return locality & Q(status__in=UNDECIDED, submitted_at__lt=ageing_cutoff(today))
    return _decided_since(now)


def queue_requests(
    *, scope: Scope, group: str, locality_ids: Iterable[int] | None = None, today: datetime.date | None = None
) -> QuerySet[FundingRequest]:
    """One group of the queue. Undecided requests oldest first (the longest wait at the top); decided
    ones newest decision first. Backed by the (route, status, submitted_at) index."""
    today = today or timezone.localdate()
    now = timezone.now()
    requests = (
        _queue_base(scope, scope.locality_ids if locality_ids is None else locality_ids)
        .filter(_group_condition(group, today, now))
        .select_related("school", "pupil", "group_intervention")
        .annotate(pupil_visible=pupil_visible_annotation(scope))
    )
    if group == "decided":
        return requests.order_by(Coalesce("decided_at", "updated_at").desc(), "-pk")
    return requests.order_by("submitted_at", "pk")


def _count_kwargs(today: datetime.date, now: datetime.datetime) -> dict[str, Any]:
    return {group: Count("pk", filter=_group_condition(group, today, now)) for group in GROUPS}


def queue_counts(
    *, scope: Scope, locality_ids: Iterable[int] | None = None, today: datetime.date | None = None
) -> QueueCounts:
    """How many requests are in each group (one query)."""
    today = today or timezone.localdate()
    counts = _queue_base(scope, scope.locality_ids if locality_ids is None else locality_ids).aggregate(
        **_count_kwargs(today, timezone.now())
    )
    return QueueCounts(**counts)


def queue_counts_by_locality(
    *, scope: Scope, locality_ids: Iterable[int] | None, today: datetime.date | None = None
) -> dict[int, QueueCounts]:
    """The same counts for each locality (one query); None for every locality of the tenant."""
    today = today or timezone.localdate()
    rows = (
        _queue_base(scope, locality_ids)
        .values("school__locality_id")
        .annotate(**_count_kwargs(today, timezone.now()))
        .order_by()
    )
    return {row.pop("school__locality_id"): QueueCounts(**row) for row in rows}


@dataclass(frozen=True)
class QueueRow:
    request: FundingRequest
    working_days: int | None

    @property
    def ageing(self) -> bool:
        return self.working_days is not None and self.working_days > AGEING_WORKING_DAYS

    @property
    def for_whom(self) -> str:
        """The pupil's name only for a lead who may read the pupil (as on the request list)."""
        return for_whom(self.request, pupil_visible=bool(getattr(self.request, "pupil_visible", False)))


def queue_rows(requests: Iterable[FundingRequest], today: datetime.date | None = None) -> list[QueueRow]:
    """Rows of a queue page with the working days each undecided request has waited (no queries)."""
    today = today or timezone.localdate()
    return [
        QueueRow(
            request=r,
            working_days=working_days_between(timezone.localtime(r.submitted_at).date(), today)
            if r.submitted_at and r.status in UNDECIDED
            else None,
        )
        for r in requests
    ]


# Deciding -------------------------------------------------------------------------------------------------


def request_for_decision(*, scope: Scope, pk: Any) -> FundingRequest:
    """A request of one of the Area SEND Lead's localities; 404 for anything else (another locality's,
    another council's, a draft, or nothing at all)."""
    funding_request = (
        visible(FundingRequest, scope)
        .filter(pk=pk, school__locality_id__in=scope.locality_ids)
        .exclude(status=RequestStatus.DRAFT)
        .select_related("school", "pupil", "group_intervention", "indicative_band", "panel")
        .annotate(pupil_visible=pupil_visible_annotation(scope))
        .first()
        if str(pk).isdigit()
        else None
    )
    if funding_request is None:
        raise Http404
    return funding_request


def bands_for(*, scope: Scope) -> list[Band]:
    """The council's bands, lowest first (empty when it does not use banding)."""
    return list(visible(Band, scope).order_by("min_score", "pk"))


def pots_for_period(
    *, scope: Scope, funding_request: FundingRequest, start: datetime.date, end: datetime.date, start_month: int
) -> list[Budget]:
    """The locality pots an approval for start..end would draw on, with their balances (one query)."""
    years: list[datetime.date] = []
    year = financial_year_start(start, start_month)
    while year <= end and len(years) < 3:  # an approval spans two years at most; a typo must not loop
        years.append(year)
        year = datetime.date(year.year + 1, start_month, 1)
    if funding_request.school.locality_id is None:
        return []
    return list(
        with_available(budgets_with_balances(scope=scope)).filter(
            kind=PotKind.LOCALITY, locality_id=funding_request.school.locality_id, financial_year_start__in=years
        )
    )


# Budgets --------------------------------------------------------------------------------------------------


def with_available(budgets: QuerySet[Budget]) -> QuerySet[Budget]:
    """Budgets annotated by budgets_with_balances, plus what is still available to commit."""
    return budgets.annotate(total_available=F("total_budget") - F("total_committed"))


def this_financial_year(start_month: int, today: datetime.date | None = None) -> datetime.date:
    return financial_year_start(today or timezone.localdate(), start_month)


def year_choices(*, scope: Scope, start_month: int) -> list[tuple[datetime.date, str]]:
    """Financial years to filter by: every year the scope has a pot for, plus this year and the next
    (one query on the (local_authority, financial_year_start, kind) index)."""
    this_year = this_financial_year(start_month)
    years = set(visible(Budget, scope).order_by().values_list("financial_year_start", flat=True).distinct()) | {
        this_year,
        datetime.date(this_year.year + 1, start_month, 1),
    }
    return [(year, financial_year_label(year)) for year in sorted(years, reverse=True)]


def year_from_query(value: str | None, *, start_month: int) -> datetime.date:
    """The financial year asked for (?year=2026), or this one."""
    if value and value.isdigit() and 2000 <= int(value) <= 2100:
        return datetime.date(int(value), start_month, 1)
    return this_financial_year(start_month)


def budget_list(*, scope: Scope, year: datetime.date) -> QuerySet[Budget]:
    """The pots of one financial year this scope may read, each with budget, committed, paid and
    available (one query for the page)."""
    return with_available(budgets_with_balances(scope=scope, financial_year_start=year))


def budget_with_balance(*, scope: Scope, pk: Any) -> Budget:
    """One pot with its balances (one query); 404 outside the scope."""
    budget = with_available(budgets_with_balances(scope=scope)).filter(pk=pk).first() if str(pk).isdigit() else None
    if budget is None:
        raise Http404
    return budget


def budget_entries(*, scope: Scope, budget: Budget) -> QuerySet[LedgerEntry]:
    """A pot's ledger, newest first, on the (budget, created_at) index; each entry with the one it
    corrects, and whether it has been reversed (one query for the page)."""
    reversals = LedgerEntry.objects.filter(corrects=OuterRef("pk"), kind=EntryKind.REVERSAL)
    return (
        visible(LedgerEntry, scope)
        .filter(budget=budget)
        .select_related("school", "created_by", "corrects")
        .annotate(is_reversed=Exists(reversals))
        .order_by("-created_at", "-pk")
    )


def transfer_targets(*, scope: Scope, budget: Budget) -> list[Budget]:
    """The other pots of the council for the same financial year."""
    return list(
        visible(Budget, scope)
        .filter(financial_year_start=budget.financial_year_start)
        .exclude(pk=budget.pk)
        .order_by("kind", "name", "pk")
    )


def localities_for_choice(*, scope: Scope) -> list[Locality]:
    return list(visible(Locality, scope).order_by("name", "pk"))


def panels_for_choice(*, scope: Scope) -> list[Any]:
    from panels.models import Panel

    return list(visible(Panel, scope).order_by("name", "pk"))


# Charts -----------------------------------------------------------------------------------------------------

CHART_WIDTH = 680
PLOT_LEFT, PLOT_TOP, PLOT_BOTTOM = 70, 36, 246
SLOT = 50  # 12 months across 600 pixels
BAR_WIDTH = 34


@dataclass(frozen=True)
class MonthBar:
    label: str  # "April 2026"
    short: str  # "Apr"
    in_month: Decimal
    to_date: Decimal
    available: Decimal
    x: int
    y: int
    height: int
    label_x: int


@dataclass(frozen=True)
class CommitmentChart:
    """Commitments to date at the end of each month of a financial year, as bars, against the budget."""

    id: str
    bars: list[MonthBar]
    budget: Decimal
    budget_y: int
    baseline_y: int = PLOT_BOTTOM
    plot_left: int = PLOT_LEFT
    plot_right: int = PLOT_LEFT + 12 * SLOT
    bar_width: int = BAR_WIDTH
    month_label_y: int = PLOT_BOTTOM + 20
    width: int = CHART_WIDTH
    height: int = 280

    @property
    def committed(self) -> Decimal:
        return self.bars[-1].to_date if self.bars else ZERO


def _months(year: datetime.date, today: datetime.date) -> list[datetime.date]:
    """The months of the financial year so far (all twelve for a past year; the first for a future one)."""
    months: list[datetime.date] = []
    month = year
    last = financial_year_end(year)
    current = today.replace(day=1)
    while month <= last and (month <= current or not months):
        months.append(month)
        month = datetime.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return months


def commitment_chart(
    *, chart_id: str, year: datetime.date, budget: Decimal, by_month: dict[datetime.date, Decimal], today: datetime.date
) -> CommitmentChart | None:
    """Bars of commitments to date month by month (entries before the year count in its first month,
    entries after its last month in that month) against a line at the budget."""
    months = _months(year, today)
    if not months:
        return None
    in_month = dict.fromkeys(months, ZERO)
    for month, amount in by_month.items():
        key = min(max(month, months[0]), months[-1])
        in_month[key] += amount
    running = ZERO
    totals = []
    for month in months:
        running += in_month[month]
        totals.append(max(running, ZERO))
    top = max([budget, *totals])
    if top <= 0:
        return None
    scale = top * Decimal("1.1")
    plot = PLOT_BOTTOM - PLOT_TOP

    def y(amount: Decimal) -> int:
        return PLOT_BOTTOM - int(plot * amount / scale)

    bars = [
        MonthBar(
            label=f"{month:%B %Y}",
            short=f"{month:%b}",
            in_month=in_month[month],
            to_date=total,
            available=budget - total,
            x=PLOT_LEFT + SLOT * index + (SLOT - BAR_WIDTH) // 2,
            y=y(total),
            height=max(PLOT_BOTTOM - y(total), 1 if total > 0 else 0),
            label_x=PLOT_LEFT + SLOT * index + SLOT // 2,
        )
        for index, (month, total) in enumerate(zip(months, totals, strict=True))
    ]
    return CommitmentChart(id=chart_id, bars=bars, budget=budget, budget_y=y(budget))


@dataclass(frozen=True)
class SpendBar:
    label: str
    amount: Decimal
    y: int
    width: int


@dataclass(frozen=True)
class SpendChart:
    """Horizontal bars of committed money by school (the costliest first), as templates/pupils/cost_chart."""

    id: str
    bars: list[SpendBar]

    @property
    def height(self) -> int:
        return 20 + 26 * len(self.bars)


def school_spend_chart(*, chart_id: str, rows: list[SchoolSpend], limit: int = 15) -> SpendChart | None:
    ranked = sorted((row for row in rows if row.committed > 0), key=lambda row: (-row.committed, row.name))[:limit]
    if not ranked:
        return None
    scale = ranked[0].committed * Decimal("1.05")
    bars = [
        SpendBar(
            label=row.name[:28],
            amount=row.committed,
            y=10 + 26 * index,
            width=max(int(340 * row.committed / scale), 1),
        )
        for index, row in enumerate(ranked)
    ]
    return SpendChart(id=chart_id, bars=bars)


# Dashboard figures ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchoolSpend:
    school_id: int | None  # None: money committed to no school
    name: str
    committed: Decimal = ZERO
    paid: Decimal = ZERO
    in_locality: bool = True  # False: a school that has since moved to another locality


@dataclass(frozen=True)
class NeedSpend:
    label: str
    committed: Decimal
    paid: Decimal
    share: Decimal  # per cent of what is committed


@dataclass
class LocalityFigures:
    locality: Locality
    budget: Budget | None
    balance: BudgetBalance
    queue: QueueCounts
    chart: CommitmentChart | None = None
    schools: list[SchoolSpend] = field(default_factory=list)
    school_chart: SpendChart | None = None
    needs: list[NeedSpend] = field(default_factory=list)


def _balance(budget: Budget | None) -> BudgetBalance:
    if budget is None:
        return BudgetBalance(ZERO, ZERO, ZERO)
    return BudgetBalance(budget.total_budget, budget.total_committed, budget.total_paid)  # type: ignore[attr-defined]


def _by_month(entries: QuerySet[LedgerEntry], key: str | None) -> dict[Any, dict[datetime.date, Decimal]]:
    """Net commitments per month of entry, for each value of `key` (one query, (budget, created_at))."""
    rows = (
        entries.annotate(month=TruncMonth("created_at"))
        .values(*([key] if key else []), "month")
        .annotate(committed=Sum("committed_delta"))
        .order_by()
    )
    result: dict[Any, dict[datetime.date, Decimal]] = defaultdict(dict)
    for row in rows:
        month = timezone.localtime(row["month"]).date() if isinstance(row["month"], datetime.datetime) else row["month"]
        group = row[key] if key else None
        result[group][month] = result[group].get(month, ZERO) + row["committed"]
    return result


def _needs(rows: Iterable[dict[str, Any]]) -> list[NeedSpend]:
    rows = list(rows)
    total = sum((row["committed"] for row in rows), ZERO)
    result = []
    for row in sorted(rows, key=lambda r: (-r["committed"], r["code"] or "~", not r["has_pupil"])):
        if row["code"]:
            label = f"{row['name']} ({row['code']})"
        elif not row["has_pupil"]:
            label = "Group interventions and money not for one pupil"
        else:
            label = "No primary need recorded"
        share = (row["committed"] * 100 / total).quantize(Decimal("0.1")) if total else Decimal("0.0")
        result.append(NeedSpend(label=label, committed=row["committed"], paid=row["paid"], share=share))
    return result


def _need_rows(entries: QuerySet[LedgerEntry], *group: str) -> QuerySet[Any]:
    """Sums by the primary need of the pupil each entry is for (their need now, not when it was written)."""
    return (
        entries.annotate(
            code=F("pupil__primary_need__code"),
            name=F("pupil__primary_need__name"),
            has_pupil=ExpressionWrapper(Q(pupil__isnull=False), output_field=BooleanField()),
        )
        .values(*group, "code", "name", "has_pupil")
        .annotate(committed=Coalesce(Sum("committed_delta"), ZERO), paid=Coalesce(Sum("paid_delta"), ZERO))
        .order_by()
    )


def locality_dashboard(
    *, scope: Scope, localities: list[Locality], year: datetime.date, today: datetime.date | None = None
) -> list[LocalityFigures]:
    """For each locality: its pot for the year (budget, committed, paid, available), its queue, a chart
    of commitments by month against the budget, spend by school (with a chart) and by primary need.
    Eight queries whatever the number of localities, schools, requests or ledger entries."""
    today = today or timezone.localdate()
    ids = [locality.pk for locality in localities]
    pots: dict[int, Budget] = {
        pot.locality_id or 0: pot
        for pot in budget_list(scope=scope, year=year).filter(kind=PotKind.LOCALITY, locality_id__in=ids)
    }
    queues = queue_counts_by_locality(scope=scope, locality_ids=ids, today=today)
    figures = {
        locality.pk: LocalityFigures(
            locality=locality,
            budget=pots.get(locality.pk),
            balance=_balance(pots.get(locality.pk)),
            queue=queues.get(locality.pk, QueueCounts()),
        )
        for locality in localities
    }
    schools: dict[int, list[School]] = defaultdict(list)
    for school in visible(School, scope).filter(locality_id__in=ids).order_by("name", "pk"):
        assert school.locality_id is not None
        schools[school.locality_id].append(school)
    if pots:
        pot_locality = {pot.pk: locality_id for locality_id, pot in pots.items()}
        entries = visible(LedgerEntry, scope).filter(budget_id__in=list(pot_locality))
        months = _by_month(entries, "budget_id")
        spend: dict[int, dict[int | None, SchoolSpend]] = defaultdict(dict)
        for row in (
            entries.values("budget_id", "school_id", "school__name")
            .annotate(committed=Coalesce(Sum("committed_delta"), ZERO), paid=Coalesce(Sum("paid_delta"), ZERO))
            .order_by()
        ):
            name = row["school__name"] or "Not for one school"
            spend[pot_locality[row["budget_id"]]][row["school_id"]] = SchoolSpend(
                row["school_id"], name, row["committed"], row["paid"], in_locality=False
            )
        needs: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in _need_rows(entries, "budget_id"):
            needs[pot_locality[row["budget_id"]]].append(row)
        for pot in pots.values():
            assert pot.locality_id is not None
            item = figures[pot.locality_id]
            item.chart = commitment_chart(
                chart_id=f"commitments-{pot.locality_id}", year=year, budget=item.balance.budget,
                by_month=months.get(pot.pk, {}), today=today,
            )  # fmt: skip
            item.needs = _needs(needs[pot.locality_id])
    else:
        spend = defaultdict(dict)
    for locality_id, item in figures.items():
        # Every school of the locality (those with nothing committed too: equity of reach), then any
        # money committed from the pot to a school now elsewhere, or to no school.
        spent = spend[locality_id]
        item.schools = [
            replace(spent.pop(school.pk), name=school.name, in_locality=True)
            if school.pk in spent
            else SchoolSpend(school.pk, school.name)
            for school in schools[locality_id]
        ]
        item.schools += sorted(spent.values(), key=lambda row: (row.school_id is None, row.name))
        item.school_chart = school_spend_chart(chart_id=f"schools-{locality_id}", rows=item.schools)
    return [figures[locality.pk] for locality in localities]


def dashboard_localities(*, scope: Scope, locality_id: Any = None) -> list[Locality]:
    """The localities a dashboard shows: one asked for (404 outside the scope), else the Area SEND
    Lead's own."""
    localities = visible(Locality, scope).order_by("name", "pk")
    if locality_id not in (None, ""):
        chosen = localities.filter(pk=locality_id).first() if str(locality_id).isdigit() else None
        if chosen is None:
            raise Http404
        return [chosen]
    return list(localities.filter(pk__in=scope.locality_ids))


# The LA overview ------------------------------------------------------------------------------------------


@dataclass
class Overview:
    year: datetime.date
    balance: BudgetBalance
    queue: QueueCounts
    chart: CommitmentChart | None
    needs: list[NeedSpend]
    queues_by_locality: dict[int, QueueCounts]


def la_overview(*, scope: Scope, year: datetime.date, today: datetime.date | None = None) -> Overview:
    """Whole-council figures for a financial year: totals of every pot, the queue of every locality, a
    chart of commitments by month against the total budget, spend by primary need (five queries)."""
    today = today or timezone.localdate()
    pots = visible(Budget, scope).filter(financial_year_start=year)
    totals = pots.aggregate(
        budget=Coalesce(Sum("entries__budget_delta"), ZERO),
        committed=Coalesce(Sum("entries__committed_delta"), ZERO),
        paid=Coalesce(Sum("entries__paid_delta"), ZERO),
    )
    balance = BudgetBalance(totals["budget"], totals["committed"], totals["paid"])
    queues = queue_counts_by_locality(scope=scope, locality_ids=None, today=today)
    queue = QueueCounts(**{group: sum(q.get(group) for q in queues.values()) for group in GROUPS})
    entries = visible(LedgerEntry, scope).filter(budget__in=pots.values("pk"))
    months = _by_month(entries, None).get(None, {})
    chart = commitment_chart(chart_id="commitments-all", year=year, budget=balance.budget, by_month=months, today=today)
    needs = _needs(_need_rows(entries))
    return Overview(year=year, balance=balance, queue=queue, chart=chart, needs=needs, queues_by_locality=queues)


SCHOOL_SORTS = {
    "per_pupil_desc": "Spend per pupil, highest first",
    "per_pupil_asc": "Spend per pupil, lowest first",
    "name": "School name",
}


def spend_per_pupil_by_school(
    *, scope: Scope, year: datetime.date, sort: str = "per_pupil_desc", locality_id: int | None = None
) -> QuerySet[School]:
    """Each school with what was committed to it for the financial year (from every pot of that year)
    and its pupils at SEN Support on the register, and the one divided by the other: the equity of
    reach figure. A school with no pupils at SEN Support has no figure and sorts last.

    Each school's sums come from indexes ((school, budget) on the ledger; (school, on_register,
    sen_status) on pupils); the sort is on the computed figure, over the council's schools."""
    year_pots = visible(Budget, scope).filter(financial_year_start=year).values("pk")
    committed = (
        LedgerEntry.objects.filter(school_id=OuterRef("pk"), budget_id__in=year_pots)
        .order_by()
        .values("school_id")
        .annotate(total=Sum("committed_delta"))
        .values("total")
    )
    at_sen_support = (
        Pupil.objects.filter(school_id=OuterRef("pk"), on_register=True, sen_status=SenStatus.SEN_SUPPORT)
        .order_by()
        .values("school_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    money: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)
    schools = (
        visible(School, scope)
        .select_related("locality")
        .annotate(
            committed=Coalesce(Subquery(committed, output_field=money), ZERO),
            sen_support=Coalesce(Subquery(at_sen_support, output_field=IntegerField()), 0),
        )
        .annotate(
            per_pupil=ExpressionWrapper(
                F("committed") / NullIf(F("sen_support"), 0), output_field=DecimalField(max_digits=14, decimal_places=2)
            )
        )
    )
    if locality_id:
        schools = schools.filter(locality_id=locality_id)
    if sort == "name":
        return schools.order_by("name", "pk")
    if sort == "per_pupil_asc":
        return schools.order_by(F("per_pupil").asc(nulls_last=True), "name", "pk")
    return schools.order_by(F("per_pupil").desc(nulls_last=True), "name", "pk")
