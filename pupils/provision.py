"""Reads for the costed provision map: per pupil and per school, against the notional SEN threshold."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.scoping import Scope, visible
from localities.models import LocalAuthority, ProvisionKind, School
from pupils.costs import (
    CostLine,
    PartYear,
    PupilCosts,
    TopUpEligibility,
    annual_cost,
    hours_a_year,
    part_year,
    scheme_refusals,
    top_up_eligibility,
)

__all__ = ["annual_cost", "pupil_provision_map", "school_provision_map"]
from pupils.models import Cycle, CycleStatus, Equipment, GroupIntervention, ProvisionEntry, Pupil
from send_portal.text import long_date

# Members who share a group's cost: on the register at the group's school (services also drop a pupil
# from their groups on a move or removal; this keeps the arithmetic right whatever the history).
TAKING_PART = Count("pupils", filter=Q(pupils__on_register=True, pupils__school_id=F("school_id")), distinct=True)


def _provision_line(entry: ProvisionEntry) -> CostLine:
    if entry.fixed_cost is not None:
        detail = f"fixed cost £{entry.fixed_cost:,.2f} a year"
    else:
        detail = (
            f"{entry.sessions_per_week} x {entry.minutes_per_session} minutes a week for {entry.weeks} weeks "
            f"({hours_a_year(entry)} hours) at £{entry.hourly_cost:,.2f} an hour"
        )
    if entry.group_size > 1:
        detail += f", shared by a group of {entry.group_size}"
    return CostLine("provision", entry.description, detail, annual_cost(entry, shared_by=entry.group_size))


def _group_line(group: GroupIntervention, members: int) -> CostLine:
    return CostLine(
        "group",
        group.name,
        f"school group intervention, £{annual_cost(group):,.2f} a year shared by {members} pupil"
        f"{'s' if members != 1 else ''}",
        annual_cost(group, shared_by=max(members, 1)),
    )


def costs_for_pupils(
    pupils: list[Pupil], threshold: Decimal, ids_query: QuerySet[Any, Any] | None = None
) -> dict[int, PupilCosts]:
    """Annual cost of the provision in place for each pupil: their open cycle's provision and equipment,
    and their share of running group interventions. Four queries, whatever the number of pupils.
    `ids_query` selects the same pupils' ids in SQL (a subquery instead of a long list of ids)."""
    result = {pupil.pk: PupilCosts(threshold=threshold) for pupil in pupils}
    ids: Any = ids_query if ids_query is not None else list(result)
    open_cycle = Q(cycle__pupil_id__in=ids, cycle__status=CycleStatus.OPEN)
    # The pupil's id comes with each row (not its cycle as a second object: the register's top-up filter
    # runs this over thousands of pupils).
    for entry in ProvisionEntry.objects.filter(open_cycle).annotate(pupil_ref=F("cycle__pupil_id")):
        result[entry.pupil_ref].lines.append(_provision_line(entry))
    for item in Equipment.objects.filter(open_cycle).annotate(pupil_ref=F("cycle__pupil_id")):
        result[item.pupil_ref].lines.append(
            CostLine("equipment", item.description, f"bought {long_date(item.bought_on)}", item.cost)
        )
    memberships = defaultdict(list)
    for pupil_id, group_id in GroupIntervention.pupils.through.objects.filter(
        pupil_id__in=ids, groupintervention__is_running=True
    ).values_list("pupil_id", "groupintervention_id"):
        memberships[group_id].append(pupil_id)
    # Count every member (not only the pupils asked about): the cost is shared by the whole group.
    groups = GroupIntervention.objects.filter(pk__in=list(memberships)).annotate(member_count=TAKING_PART)
    for group in groups:
        for pupil_id in memberships[group.pk]:
            result[pupil_id].lines.append(_group_line(group, group.member_count))
    return result


def completed_cycle_counts(pupils: list[Pupil], ids_query: QuerySet[Any, Any] | None = None) -> dict[int, int]:
    rows = (
        Cycle.objects.filter(pupil_id__in=ids_query if ids_query is not None else pupils, status=CycleStatus.REVIEWED)
        .values("pupil_id")
        .annotate(n=Count("pk"))
        .values_list("pupil_id", "n")
    )
    counts = dict.fromkeys((pupil.pk for pupil in pupils), 0)
    counts.update(dict(rows))
    return counts


@dataclass(frozen=True)
class PupilProvisionMap:
    pupil: Pupil
    costs: PupilCosts
    completed_cycles: int
    eligibility: TopUpEligibility


def part_years_for(pupils: list[Pupil], authority: LocalAuthority) -> dict[int, PartYear | None]:
    """For each pupil, the part of this financial year they are on roll at their school, when they joined
    it (a new admission or a move within the tenant) or left the register part-way through; None for a
    pupil on roll all year. No query: the dates are on the pupil."""
    year_start, year_end = authority.financial_year_containing(timezone.localdate())
    return {
        pupil.pk: part_year(
            authority.notional_sen_threshold,
            joined=pupil.joined_school_on,
            left=pupil.removed_on if not pupil.on_register else None,
            year_start=year_start,
            year_end=year_end,
        )
        for pupil in pupils
    }


def provision_maps(
    pupils: list[Pupil], authority: LocalAuthority | None = None, ids_query: QuerySet[Any, Any] | None = None
) -> list[PupilProvisionMap]:
    """Each pupil's costed provision and top-up eligibility (pupils of one tenant: `authority`, or the
    first pupil's; `ids_query`, if given, selects the same pupils' ids in SQL)."""
    if not pupils:
        return []
    authority = authority or pupils[0].local_authority
    costs = costs_for_pupils(pupils, authority.notional_sen_threshold, ids_query)
    for pupil_id, part in part_years_for(pupils, authority).items():
        costs[pupil_id].part_year = part
    completed = completed_cycle_counts(pupils, ids_query)
    return [
        PupilProvisionMap(
            pupil=pupil,
            costs=costs[pupil.pk],
            completed_cycles=completed[pupil.pk],
            eligibility=top_up_eligibility(
                costs=costs[pupil.pk],
                completed_cycles=completed[pupil.pk],
                cycles_needed=authority.min_completed_cycles_for_top_up,
                on_register=pupil.on_register,
                scheme_refusals=scheme_refusals(
                    early_adopter_schools_only=authority.early_adopter_schools_only,
                    ehcp_issued_before_excluded=authority.ehcp_issued_before_excluded,
                    school_name=pupil.school.name,
                    school_is_early_adopter=pupil.school.is_early_adopter,
                    school_is_mainstream=pupil.school.provision_kind == ProvisionKind.MAINSTREAM,
                    ehcp_issued_on=pupil.ehcp_issued_on,
                ),
            ),
        )
        for pupil in pupils
    ]


def pupil_provision_map(*, pupil: Pupil) -> PupilProvisionMap:
    return provision_maps([pupil])[0]


def pupils_flagged_for_top_up(*, pupils: QuerySet[Pupil], authority: LocalAuthority) -> list[Pupil]:
    """The pupils of `pupils` flagged as eligible for a top-up request, in name order.

    The rule is top_up_eligibility's, applied in Python to the cost lines (one source of truth for the
    record page, the school map, the dashboard and the register filter). The database first narrows to
    the only pupils it can apply to: on the register, with the tenant's number of completed cycles (a
    count on the (pupil, status) index of cycles). Five queries or so, whatever the number of pupils."""
    candidates = pupils.filter(on_register=True)
    needed = authority.min_completed_cycles_for_top_up
    if needed > 0:
        completed = (
            Cycle.objects.filter(pupil_id=OuterRef("pk"), status=CycleStatus.REVIEWED)
            .order_by()
            .values("pupil_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        candidates = candidates.annotate(completed=Subquery(completed)).filter(completed__gte=needed)
    # Only the school comes with each pupil (its name and kind are in the scheme's rules).
    rows = list(candidates.select_related(None).select_related("school").order_by("last_name", "first_name", "pk"))
    ids_query = candidates.order_by().values("pk")
    return [row.pupil for row in provision_maps(rows, authority, ids_query) if row.eligibility.eligible]


@dataclass(frozen=True)
class SchoolProvisionMap:
    school: School
    pupils: list[PupilProvisionMap]
    groups: list[tuple[GroupIntervention, int, Decimal]]  # group, members, annual cost
    threshold: Decimal | None  # the tenant's yearly notional threshold, against every pupil's yearly cost

    @property
    def total(self) -> Decimal:
        return sum((row.costs.total for row in self.pupils), Decimal("0.00"))

    @property
    def above_threshold(self) -> Decimal:
        return sum((row.costs.above_threshold for row in self.pupils), Decimal("0.00"))

    @property
    def eligible_count(self) -> int:
        return sum(1 for row in self.pupils if row.eligibility.eligible)

    def chart(self, limit: int = 15) -> CostChart | None:
        """Bars for the costliest pupils against the notional threshold, scaled for an SVG 600 wide."""
        rows = sorted(self.pupils, key=lambda row: row.costs.total, reverse=True)[:limit]
        rows = [row for row in rows if row.costs.total > 0]
        if not rows or self.threshold is None:
            return None
        # One line for the whole school: the yearly threshold, against which the bars' yearly costs are
        # flagged (a part-year pupil's pro-rated threshold is on their own record, not one pupil's line here).
        threshold = self.threshold
        scale_max = max(rows[0].costs.total, threshold) * Decimal("1.05")
        plot = 380  # pixels of bar area after the 200-pixel label column

        def x(amount: Decimal) -> int:
            return 200 + int(plot * amount / scale_max)

        bars = [
            ChartBar(
                label=f"{row.pupil.last_name}, {row.pupil.first_name}"[:28],
                amount=row.costs.total,
                y=30 + 26 * index,
                width=max(x(row.costs.total) - 200, 1),
                above=row.costs.total > threshold,
            )
            for index, row in enumerate(rows)
        ]
        return CostChart(bars=bars, threshold=threshold, threshold_x=x(threshold), height=50 + 26 * len(bars))


@dataclass(frozen=True)
class ChartBar:
    label: str
    amount: Decimal
    y: int
    width: int
    above: bool


@dataclass(frozen=True)
class CostChart:
    bars: list[ChartBar]
    threshold: Decimal
    threshold_x: int
    height: int


def school_provision_map(*, scope: Scope, school: School) -> SchoolProvisionMap:
    pupils = list(
        visible(Pupil, scope)
        .filter(school=school, on_register=True)
        .select_related("local_authority", "primary_need", "school")
        .order_by("last_name", "first_name", "pk")
    )
    groups = list(
        visible(GroupIntervention, scope)
        .filter(school=school)
        .annotate(member_count=TAKING_PART)
        .order_by("-is_running", "name", "pk")
    )
    return SchoolProvisionMap(
        school=school,
        pupils=provision_maps(pupils),
        groups=[(g, g.member_count, annual_cost(g)) for g in groups],
        # The pupils came with their tenant; without pupils there is no chart to draw the line on.
        threshold=pupils[0].local_authority.notional_sen_threshold if pupils else None,
    )
