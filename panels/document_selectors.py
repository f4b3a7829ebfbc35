"""What the panel's three documents say: the panel pack, the minutes and the decision letter, assembled from
the database into plain dataclasses that the templates in templates/panels/pdf/ only lay out.

Reads are batched: a pack costs the same handful of queries for 1 case as for 20 (tests pin it). Where a
document must not name the pupil (a pseudonymised pack, and the minutes always), every piece of free text
people typed passes through the pupil's `Redactor` on its way into the dataclasses, so no template can
print a name or UPN by mistake.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch
from django.utils import timezone

from accounts.models import PanelRole, Role, RoleAssignment
from funding.models import (
    Band,
    BandingDomain,
    EntryKind,
    FundingRequest,
    LedgerEntry,
    PotKind,
    RequestEvent,
    RequestScore,
)
from funding.models import RequestStatus as RS
from funding.workflow import ACTIONS
from localities.models import LocalAuthority
from panels.models import (
    AgendaItem,
    Attendance,
    ConflictOfInterest,
    DecisionOutcome,
    PanelDecision,
    PanelMeeting,
    Recommendation,
    RecommendationChoice,
)
from pupils.models import Cycle, EvidenceItem, GroupIntervention, Outcome, Pupil
from pupils.provision import PupilProvisionMap, provision_maps
from send_portal.text import long_date

ZERO = Decimal("0.00")
# How long a school has to ask for a review of a panel's decision (the letter says so).
REVIEW_WINDOW_WORKING_DAYS = 20
OFFICIAL_SENSITIVE = "Official sensitive: contains personal data of children"
UPN_REMOVED = "[UPN removed]"
NO_REFERRAL = "Submitted to the panel by the school (no Area SEND Lead referral)"
REVIEWABLE = (DecisionOutcome.APPROVE, DecisionOutcome.APPROVE_DIFFERENT_AMOUNT, DecisionOutcome.DECLINE)


# Names out of free text -----------------------------------------------------------------------------------

# A name matches only as a whole word: not inside a longer run of letters ("Al" is not replaced in
# "Alfie"), but digits, underscores and punctuation around it do not protect it (Alfie_Brown_EP.pdf).
_LETTER = r"[^\W\d_]"


def initials(first_name: str, last_name: str) -> str:
    """Initials like "A. B.": the first letter of the first name and of the last name."""
    letters = [next((c for c in name if c.isalpha()), "") for name in (first_name, last_name)]
    return " ".join(f"{letter.upper()}." for letter in letters if letter)


def _name_variants(*names: str) -> list[str]:
    """The full name, each name, and each part of a name of several parts (Mary Ann, Smith-Jones), longest
    first so the full name is replaced before its parts. Single letters are left alone."""
    found: dict[str, None] = {}
    for name in names:
        name = " ".join(name.split())
        if len(name) > 1:
            found[name.casefold()] = None
        for part in re.split(r"[\s\-]+", name):
            part = part.strip(".'’")
            if len(part) > 1:
                found[part.casefold()] = None
    return sorted(found, key=len, reverse=True)


@dataclass(frozen=True)
class Redactor:
    """Replaces pupils' UPNs with a marker and their names (whole words, any case) with their initials.
    Errs towards removing too much: a surname that is also a word (May, Hope) goes wherever it appears."""

    rules: tuple[tuple[re.Pattern[str], str], ...] = ()

    @classmethod
    def for_pupils(cls, pupils: Iterable[Pupil], *, names: bool = True) -> Redactor:
        pupils = list(pupils)
        rules = [
            (re.compile(re.escape(pupil.upn.strip()), re.IGNORECASE), UPN_REMOVED)
            for pupil in pupils
            if pupil.upn.strip()
        ]
        for pupil in pupils if names else []:
            variants = _name_variants(pupil.full_name, pupil.first_name, pupil.last_name)
            if variants:
                alternatives = "|".join(re.escape(v) for v in variants)
                pattern = re.compile(rf"(?<!{_LETTER})(?:{alternatives})(?!{_LETTER})", re.IGNORECASE)
                rules.append((pattern, initials(pupil.first_name, pupil.last_name) or "the pupil"))
        return cls(tuple(rules))

    @classmethod
    def for_pupil(cls, pupil: Pupil) -> Redactor:
        return cls.for_pupils([pupil])

    def __call__(self, text: str | None) -> str:
        text = text or ""
        for pattern, replacement in self.rules:
            text = pattern.sub(replacement, text)
        return text


NO_REDACTION = Redactor()


def _redactor_for(
    funding_request: FundingRequest, group_members: dict[int, list[Pupil]], *, names: bool = True
) -> Redactor:
    """The request's pupil, or every pupil of the group intervention it is for."""
    if funding_request.pupil is not None:
        return Redactor.for_pupils([funding_request.pupil], names=names)
    return Redactor.for_pupils(group_members.get(funding_request.group_intervention_id or 0, []), names=names)


def _group_members(requests: Iterable[FundingRequest]) -> dict[int, list[Pupil]]:
    """The pupils of the group interventions among `requests` (one query, none when there are none)."""
    group_ids = {r.group_intervention_id for r in requests if r.group_intervention_id}
    members: dict[int, list[Pupil]] = defaultdict(list)
    if group_ids:
        through = GroupIntervention.pupils.through.objects.filter(groupintervention_id__in=group_ids)
        for row in through.select_related("pupil"):
            members[row.groupintervention_id].append(row.pupil)
    return members


def pupil_label(pupil: Pupil) -> str:
    """How the minutes (and a pseudonymised pack) name a pupil: "A. B., pupil reference 123"."""
    return f"{initials(pupil.first_name, pupil.last_name)}, pupil reference {pupil.pk}"


# Decisions in words ---------------------------------------------------------------------------------------


def _period(start: datetime.date | None, end: datetime.date | None) -> str:
    return f"from {long_date(start)} to {long_date(end)}" if start and end else ""


def _pounds(amount: Decimal | None) -> str:
    return f"£{(amount or ZERO):,.2f}"


def decision_summary(decision: PanelDecision) -> str:
    """One line for the minutes: "Approved £2,400.00 from 1 April 2026 to 30 September 2026"."""
    if decision.outcome == DecisionOutcome.APPROVE:
        return f"Approved {_pounds(decision.amount)} {_period(decision.period_start, decision.period_end)}"
    if decision.outcome == DecisionOutcome.APPROVE_DIFFERENT_AMOUNT:
        return (
            f"Approved a different amount, {_pounds(decision.amount)}, "
            f"{_period(decision.period_start, decision.period_end)}"
        )
    if decision.outcome == DecisionOutcome.DECLINE:
        return "Declined"
    if decision.outcome == DecisionOutcome.DEFER:
        deferred = decision.deferred_to
        when = long_date(timezone.localdate(deferred.meets_at)) if deferred else "a later date"
        return f"Deferred to the meeting on {when}"
    return "More evidence asked for from the school"


# The panel pack ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaLine:
    position: int
    withheld: bool
    request_number: int | None = None
    school: str = ""
    year: str = ""
    amount: Decimal | None = None
    is_review: bool = False


@dataclass(frozen=True)
class PupilSummary:
    name: str  # full name, or initials when pseudonymised
    reference: str  # "UPN X", or "Pupil reference N" when pseudonymised
    school: str
    year: str
    sen_status: str
    primary_need: str
    secondary_need: str
    ehcp_issued_on: datetime.date | None


@dataclass(frozen=True)
class OutcomeRow:
    description: str
    achieve_by: datetime.date
    measured_by: str
    progress: str
    progress_notes: str


@dataclass(frozen=True)
class CycleRow:
    number: int
    status: str
    is_open: bool
    started_on: datetime.date
    review_on: datetime.date
    reviewed_on: datetime.date | None
    decision: str
    review_notes: str
    outcomes: list[OutcomeRow]


@dataclass(frozen=True)
class CostRow:
    description: str
    detail: str
    cost: Decimal


@dataclass(frozen=True)
class ProvisionTable:
    title: str
    explanation: str
    lines: list[CostRow]
    total: Decimal
    threshold: Decimal
    above_threshold: Decimal

    def same_lines(self, other: ProvisionTable) -> bool:
        return self.lines == other.lines and (self.total, self.threshold) == (other.total, other.threshold)


@dataclass(frozen=True)
class EvidenceRow:
    kind: str
    recorded_on: datetime.date
    cycle_number: int
    summary: str
    source: str
    standardised_score: int | None
    file_name: str


@dataclass(frozen=True)
class ScoreRow:
    domain: str
    level: int | None
    descriptor: str
    rationale: str


@dataclass(frozen=True)
class Banding:
    indicative: str  # "Band 2 (£4,000.00 a year above the notional threshold)", or why there is none
    score: Decimal
    rows: list[ScoreRow]


@dataclass(frozen=True)
class Said:
    """Someone's words on the request: the Area SEND Lead's referral, or the school's reason for a review."""

    who: str
    when: datetime.datetime
    message: str


@dataclass(frozen=True)
class EarlierDecision:
    meeting_on: datetime.date
    summary: str
    reasons: str
    correction_reason: str


@dataclass
class PackCase:
    item_id: int
    position: int
    request_number: int
    school: str
    year: str
    is_review: bool
    pupil: PupilSummary | None
    group: str  # a request for a group intervention: its name and size
    cycles: list[CycleRow]
    completed_cycles: int
    cycles_needed: int
    submitted_map: ProvisionTable | None
    live_map: ProvisionTable | None
    amount: Decimal
    period_start: datetime.date
    period_end: datetime.date
    submitted_at: datetime.datetime | None
    route: str
    purpose: str
    outcomes_served: str
    eligible: bool | None
    eligibility_reasons: list[str]
    banding: Banding | None
    referral: Said | None
    review_asked: Said | None
    earlier_decisions: list[EarlierDecision]
    evidence: list[EvidenceRow]

    @property
    def no_referral(self) -> str:
        return NO_REFERRAL

    @property
    def maps_agree(self) -> bool:
        return (
            self.submitted_map is not None
            and self.live_map is not None
            and self.submitted_map.same_lines(self.live_map)
        )


@dataclass
class PackData:
    authority: str
    panel: str
    meets_at: datetime.datetime
    venue: str
    online_link: str
    pseudonymised: bool
    agenda: list[AgendaLine]
    cases: list[PackCase]
    withheld: int
    generated_at: datetime.datetime
    marking: str = OFFICIAL_SENSITIVE

    @property
    def withheld_text(self) -> str:
        if not self.withheld:
            return ""
        cases = "case" if self.withheld == 1 else "cases"
        return f"This copy leaves out {self.withheld} {cases} on which you declared a conflict of interest"


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return ZERO


def _snapshot_map(
    snapshot: dict[str, Any], submitted_at: datetime.datetime | None, clean: Redactor
) -> ProvisionTable | None:
    if not snapshot or "provision" not in snapshot:
        return None
    when = long_date(timezone.localdate(submitted_at)) if submitted_at else "submission"
    return ProvisionTable(
        title="Costed provision map attached when the request was submitted",
        explanation=f"As the school's casework stood on {when}, copied onto the request so it cannot change.",
        lines=[
            CostRow(clean(line.get("description")), clean(line.get("detail")), _decimal(line.get("cost")))
            for line in snapshot.get("provision", [])
        ],
        total=_decimal(snapshot.get("total")),
        threshold=_decimal(snapshot.get("threshold")),
        above_threshold=_decimal(snapshot.get("above_threshold")),
    )


def _live_map(provision_map: PupilProvisionMap, clean: Redactor, today: datetime.date) -> ProvisionTable:
    costs = provision_map.costs
    return ProvisionTable(
        title="Costed provision map now",
        explanation=f"The provision in place on {long_date(today)}, from the pupil's open cycle and group "
        "interventions, against this year's notional threshold.",
        lines=[CostRow(clean(line.description), clean(line.detail), line.cost) for line in costs.lines],
        total=costs.total,
        threshold=costs.threshold,
        above_threshold=costs.above_threshold,
    )


def _file_name(item: EvidenceItem) -> str:
    if item.document_name:
        return item.document_name
    return item.document.name.rsplit("/", 1)[-1] if item.document else ""


def _banding_for(
    funding_request: FundingRequest, domains: list[BandingDomain], scores: dict[int, dict[int, RequestScore]],
    clean: Redactor,
) -> Banding:  # fmt: skip
    band = funding_request.indicative_band
    request_scores = scores.get(funding_request.pk, {})
    rows = []
    total = Decimal("0")
    for domain in domains:
        score = request_scores.get(domain.pk)
        descriptor = ""
        if score is not None:
            total += domain.weight * score.level
            descriptor = next((lv.descriptor for lv in domain.levels.all() if lv.level == score.level), "")
        rows.append(
            ScoreRow(domain.name, score.level if score else None, descriptor, clean(score.rationale if score else ""))
        )
    indicative = (
        f"{band.name} ({_pounds(band.annual_tariff)} a year above the notional threshold)"
        if band is not None
        else "No indicative band: the school's scores do not reach a band"
    )
    return Banding(indicative=indicative, score=total, rows=rows)


def _pupil_summary(pupil: Pupil, *, pseudonymised: bool) -> PupilSummary:
    return PupilSummary(
        name=initials(pupil.first_name, pupil.last_name) if pseudonymised else pupil.full_name,
        reference=f"Pupil reference {pupil.pk}" if pseudonymised else f"UPN {pupil.upn}",
        school=pupil.school.name,
        year=pupil.get_nc_year_display(),
        sen_status=pupil.get_sen_status_display(),
        primary_need=str(pupil.primary_need) if pupil.primary_need else "None recorded",
        secondary_need=str(pupil.secondary_need) if pupil.secondary_need else "None recorded",
        ehcp_issued_on=pupil.ehcp_issued_on,
    )


def _year_of(funding_request: FundingRequest) -> str:
    return funding_request.pupil.get_nc_year_display() if funding_request.pupil else "Group"


def _group_label(funding_request: FundingRequest) -> str:
    group = funding_request.group_intervention
    if group is None:
        return ""
    pupils = (funding_request.snapshot or {}).get("group", {}).get("pupils")
    size = f", {pupils} pupil{'s' if pupils != 1 else ''} at submission" if isinstance(pupils, int) else ""
    return f"Group intervention: {group.name}{size}"


def pack_data(*, meeting_id: int, excluded_item_ids: Iterable[int], pseudonymised: bool) -> PackData:
    """Everything the pack prints, for the cases this version includes. A constant number of queries (about
    fifteen) whatever the number of cases; excluded cases are read only for their position."""
    meeting = PanelMeeting.objects.select_related("panel", "local_authority").get(pk=meeting_id)
    authority = meeting.local_authority
    excluded = set(excluded_item_ids)
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related(
            "funding_request__school",
            "funding_request__pupil__school",
            "funding_request__pupil__primary_need",
            "funding_request__pupil__secondary_need",
            "funding_request__group_intervention",
            "funding_request__indicative_band",
        )
        .order_by("position", "pk")
    )
    included = [item for item in items if item.pk not in excluded]
    requests = [item.funding_request for item in included]
    request_ids = [r.pk for r in requests]
    pupils = list({r.pupil.pk: r.pupil for r in requests if r.pupil is not None}.values())
    for pupil in pupils:
        pupil.local_authority = authority  # provision_maps reads the tenant's threshold from the first pupil
    pupil_ids = [p.pk for p in pupils]
    group_members = _group_members(requests) if pseudonymised else {}

    cycles_by_pupil: dict[int, list[Cycle]] = defaultdict(list)
    if pupil_ids:
        cycles = (
            Cycle.objects.filter(pupil_id__in=pupil_ids)
            .order_by("pupil_id", "number")
            .prefetch_related(
                Prefetch("outcomes", queryset=Outcome.objects.order_by("achieve_by", "pk")),
                Prefetch("evidence", queryset=EvidenceItem.objects.order_by("recorded_on", "pk")),
            )
        )
        for cycle in cycles:
            cycles_by_pupil[cycle.pupil_id].append(cycle)
    maps = {m.pupil.pk: m for m in provision_maps(pupils)}

    referrals: dict[int, Said] = {}
    reviews: dict[int, Said] = {}
    events = (
        RequestEvent.objects.filter(request_id__in=request_ids, to_status__in=[RS.REFERRED, RS.REVIEW_REQUESTED])
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    earlier: dict[int, list[EarlierDecision]] = defaultdict(list)
    banding_on = False
    domains: list[BandingDomain] = []
    scores: dict[int, dict[int, RequestScore]] = defaultdict(dict)
    if request_ids:
        for event in events:
            target = referrals if event.to_status == RS.REFERRED else reviews
            target[event.request_id] = Said(event.actor.full_name, event.created_at, event.message)
        decisions = (
            PanelDecision.objects.filter(funding_request_id__in=request_ids)
            .exclude(agenda_item__meeting_id=meeting.pk)
            .select_related("agenda_item__meeting", "deferred_to")
            .order_by("decided_at", "pk")
        )
        for decision in decisions:
            earlier[decision.funding_request_id].append(
                EarlierDecision(
                    meeting_on=timezone.localdate(decision.agenda_item.meeting.meets_at),
                    summary=decision_summary(decision),
                    reasons=decision.reasons,
                    correction_reason=decision.correction_reason,
                )
            )
        banding_on = Band.objects.filter(local_authority_id=authority.pk).exists()
        if banding_on:
            domains = list(BandingDomain.objects.filter(local_authority_id=authority.pk).prefetch_related("levels"))
            for score in RequestScore.objects.filter(funding_request_id__in=request_ids):
                scores[score.funding_request_id][score.domain_id] = score

    today = timezone.localdate()
    cases = []
    for item in included:
        r = item.funding_request
        pupil = r.pupil
        clean = _redactor_for(r, group_members) if pseudonymised else NO_REDACTION
        pupil_cycles = cycles_by_pupil.get(pupil.pk, []) if pupil else []
        provision_map = maps.get(pupil.pk) if pupil else None

        def scrub(decision: EarlierDecision, clean: Redactor = clean) -> EarlierDecision:
            return EarlierDecision(
                decision.meeting_on, decision.summary, clean(decision.reasons), clean(decision.correction_reason)
            )

        def said(event: Said | None, clean: Redactor = clean) -> Said | None:
            return Said(event.who, event.when, clean(event.message)) if event else None

        cases.append(
            PackCase(
                item_id=item.pk,
                position=item.position,
                request_number=r.pk,
                school=r.school.name,
                year=_year_of(r),
                is_review=item.is_review,
                pupil=_pupil_summary(pupil, pseudonymised=pseudonymised) if pupil else None,
                group=_group_label(r),
                cycles=[
                    CycleRow(
                        number=c.number,
                        status=c.get_status_display(),
                        is_open=c.status == "open",
                        started_on=c.started_on,
                        review_on=c.review_on,
                        reviewed_on=c.reviewed_on,
                        decision=c.get_decision_display() if c.decision else "",
                        review_notes=clean(c.review_notes),
                        outcomes=[
                            OutcomeRow(
                                description=clean(o.description),
                                achieve_by=o.achieve_by,
                                measured_by=clean(o.measured_by),
                                progress=o.get_progress_display() if o.progress else "",
                                progress_notes=clean(o.progress_notes),
                            )
                            for o in c.outcomes.all()
                        ],
                    )
                    for c in pupil_cycles
                ],
                completed_cycles=provision_map.completed_cycles if provision_map else 0,
                cycles_needed=authority.min_completed_cycles_for_top_up,
                submitted_map=_snapshot_map(r.snapshot or {}, r.submitted_at, clean),
                live_map=_live_map(provision_map, clean, today) if provision_map else None,
                amount=r.amount_requested,
                period_start=r.period_start,
                period_end=r.period_end,
                submitted_at=r.submitted_at,
                route=r.get_route_display(),
                purpose=clean(r.purpose),
                outcomes_served=clean(r.outcomes_served),
                eligible=(r.eligibility or {}).get("eligible"),
                eligibility_reasons=[clean(str(reason)) for reason in (r.eligibility or {}).get("reasons", [])],
                banding=_banding_for(r, domains, scores, clean) if banding_on else None,
                referral=said(referrals.get(r.pk)),
                review_asked=said(reviews.get(r.pk)),
                earlier_decisions=[scrub(d) for d in earlier.get(r.pk, [])],
                evidence=[
                    EvidenceRow(
                        kind=e.get_kind_display(),
                        recorded_on=e.recorded_on,
                        cycle_number=c.number,
                        summary=clean(e.summary),
                        source=clean(e.source),
                        standardised_score=e.standardised_score,
                        file_name=clean(_file_name(e)),
                    )
                    for c in pupil_cycles
                    for e in c.evidence.all()
                ],
            )
        )
    agenda = [
        AgendaLine(position=item.position, withheld=True)
        if item.pk in excluded
        else AgendaLine(
            position=item.position,
            withheld=False,
            request_number=item.funding_request_id,
            school=item.funding_request.school.name,
            year=_year_of(item.funding_request),
            amount=item.funding_request.amount_requested,
            is_review=item.is_review,
        )
        for item in items
    ]
    return PackData(
        authority=authority.name,
        panel=meeting.panel.name,
        meets_at=meeting.meets_at,
        venue=meeting.venue,
        online_link=meeting.online_link,
        pseudonymised=pseudonymised,
        agenda=agenda,
        cases=cases,
        withheld=sum(1 for line in agenda if line.withheld),
        generated_at=timezone.now(),
    )


# The minutes ------------------------------------------------------------------------------------------------


def _place(role: str) -> str:
    return PanelRole(role).label if role in PanelRole.values else "Member"


@dataclass(frozen=True)
class AttendanceLine:
    name: str
    place: str


@dataclass(frozen=True)
class DecisionView:
    outcome: str
    summary: str
    amount: Decimal | None
    period_start: datetime.date | None
    period_end: datetime.date | None
    conditions: str
    reasons: str
    band: str
    band_reason: str
    deferred_to: datetime.date | None
    decided_by: str
    decided_at: datetime.datetime
    corrected_after_minutes: bool


@dataclass(frozen=True)
class ChangeLine:
    position: int
    request_number: int
    text: str  # "Changed from X to Y because: ..."
    by: str
    at: datetime.datetime


@dataclass
class MinutesCase:
    position: int
    request_number: int
    school: str
    pupil: str
    year: str
    amount_requested: Decimal
    is_review: bool
    withdrawn: bool
    conflicts: list[str]
    present_without_conflict: int
    recommendations: list[tuple[str, int]]
    decision: DecisionView | None
    changes: list[ChangeLine]


@dataclass
class MinutesData:
    authority: str
    panel: str
    meets_at: datetime.datetime
    venue: str
    online_link: str
    status_line: str
    approved: bool
    present: list[AttendanceLine]
    apologies: list[AttendanceLine]
    attendance_recorded: bool
    quorum: int
    cases: list[MinutesCase]
    corrections: list[ChangeLine]
    generated_at: datetime.datetime
    marking: str = OFFICIAL_SENSITIVE


def _band_text(band: Band | None) -> str:
    return f"{band.name} ({_pounds(band.annual_tariff)} a year)" if band is not None else ""


def _decision_view(decision: PanelDecision, clean: Redactor, indicative_band_id: int | None) -> DecisionView:
    # A band reason is the reason for setting a band other than the indicative one; one left over from an
    # earlier decision (funding.services keeps it when the band goes back to the indicative one) is not shown.
    differs = decision.band_id is not None and decision.band_id != indicative_band_id
    return DecisionView(
        outcome=decision.get_outcome_display(),
        summary=decision_summary(decision),
        amount=decision.amount,
        period_start=decision.period_start,
        period_end=decision.period_end,
        conditions=clean(decision.conditions),
        reasons=clean(decision.reasons),
        band=_band_text(decision.band),
        band_reason=clean(decision.band_reason) if differs else "",
        deferred_to=timezone.localdate(decision.deferred_to.meets_at) if decision.deferred_to else None,
        decided_by=decision.decided_by.full_name,
        decided_at=decision.decided_at,
        corrected_after_minutes=False,
    )


def minutes_data(*, meeting_id: int) -> MinutesData:
    """The minutes of one meeting, in a constant number of queries. Pupils appear only by initials and
    pupil reference, and free text is cleaned of their names and UPNs (minutes circulate widely)."""
    meeting = PanelMeeting.objects.select_related("panel", "local_authority", "minutes_approved_by").get(pk=meeting_id)
    authority: LocalAuthority = meeting.local_authority
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("funding_request__school", "funding_request__pupil", "funding_request__group_intervention")
        .order_by("position", "pk")
    )
    group_members = _group_members(item.funding_request for item in items)
    places = dict(
        RoleAssignment.objects.filter(role=Role.PANEL_MEMBER, panel_id=meeting.panel_id).values_list(
            "membership__user_id", "panel_role"
        )
    )
    attendance = list(Attendance.objects.filter(meeting=meeting).select_related("member").order_by("member__full_name"))
    for row in attendance:
        places.setdefault(row.member_id, row.panel_role)
    present_ids = {row.member_id for row in attendance if row.present}
    conflicts: dict[int, list[ConflictOfInterest]] = defaultdict(list)
    for conflict in ConflictOfInterest.objects.filter(agenda_item__meeting=meeting).select_related("member"):
        conflicts[conflict.agenda_item_id].append(conflict)
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    for row in (
        Recommendation.objects.filter(agenda_item__meeting=meeting)
        .values("agenda_item_id", "choice")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[row["agenda_item_id"]][row["choice"]] = row["n"]
    decisions: dict[int, list[PanelDecision]] = defaultdict(list)
    for decision in (
        PanelDecision.objects.filter(agenda_item__meeting=meeting)
        .select_related("band", "deferred_to", "decided_by")
        .order_by("decided_at", "pk")
    ):
        decisions[decision.agenda_item_id].append(decision)

    cases: list[MinutesCase] = []
    corrections: list[ChangeLine] = []
    for item in items:
        r = item.funding_request
        clean = _redactor_for(r, group_members)
        item_conflicts = conflicts.get(item.pk, [])
        chain = decisions.get(item.pk, [])
        replaced = {d.corrects_id for d in chain if d.corrects_id}
        in_force = next((d for d in reversed(chain) if d.pk not in replaced), None)
        by_id = {d.pk: d for d in chain}
        changes: list[ChangeLine] = []
        for d in chain:
            if d.corrects_id is None or d.corrects_id not in by_id:
                continue
            line = ChangeLine(
                position=item.position,
                request_number=r.pk,
                text=f"Changed from {decision_summary(by_id[d.corrects_id])} to {decision_summary(d)} because: "
                f"{clean(d.correction_reason)}",
                by=d.decided_by.full_name,
                at=d.decided_at,
            )
            (corrections if d.after_minutes else changes).append(line)
        view = None
        if in_force is not None:
            view = _decision_view(in_force, clean, r.indicative_band_id)
            if in_force.after_minutes and in_force.corrects_id:
                view = replace(view, corrected_after_minutes=True)
        cases.append(
            MinutesCase(
                position=item.position,
                request_number=r.pk,
                school=r.school.name,
                pupil=pupil_label(r.pupil) if r.pupil else _group_label(r),
                year=_year_of(r),
                amount_requested=r.amount_requested,
                is_review=item.is_review,
                withdrawn=r.status == RS.WITHDRAWN and in_force is None,
                conflicts=[
                    f"{c.member.full_name} ({_place(places.get(c.member_id, ''))}) declared a conflict of interest "
                    f"and took no part: {clean(c.reason)}"
                    for c in item_conflicts
                ],
                present_without_conflict=len(present_ids - {c.member_id for c in item_conflicts}),
                recommendations=[
                    (str(label), counts[item.pk].get(value, 0)) for value, label in RecommendationChoice.choices
                ],
                decision=view,
                changes=changes,
            )
        )
    approver = meeting.minutes_approved_by
    status_line = (
        f"Approved by {approver.full_name if approver else 'the panel'} on "
        f"{long_date(timezone.localdate(meeting.minutes_approved_at))}"
        if meeting.minutes_approved and meeting.minutes_approved_at
        else "Draft minutes"
    )
    return MinutesData(
        authority=authority.name,
        panel=meeting.panel.name,
        meets_at=meeting.meets_at,
        venue=meeting.venue,
        online_link=meeting.online_link,
        status_line=status_line,
        approved=meeting.minutes_approved,
        present=[AttendanceLine(a.member.full_name, _place(a.panel_role)) for a in attendance if a.present],
        apologies=[AttendanceLine(a.member.full_name, _place(a.panel_role)) for a in attendance if not a.present],
        attendance_recorded=meeting.attendance_recorded_at is not None,
        quorum=authority.panel_quorum,
        cases=cases,
        corrections=corrections,
        generated_at=timezone.now(),
    )


# The decision letter ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pot:
    name: str
    kind: str
    year: str


@dataclass
class LetterData:
    authority: str
    panel: str
    meeting_on: datetime.date
    letter_on: datetime.date
    school: str
    recipients: list[str]
    request_number: int
    subject: str
    outcome: str
    headline: str  # the decision in one plain sentence
    amount: Decimal | None
    amount_requested: Decimal
    period_start: datetime.date | None
    period_end: datetime.date | None
    conditions: str
    reasons: str
    band: str
    band_tariff: Decimal | None
    band_reason: str
    band_differs: str  # "The school's scores gave X; the panel set Y." when they differ
    pots: list[Pot]
    route_pot: str
    replaces_letter_of: datetime.date | None
    correction_reason: str
    reviewable: bool
    review_button: str = ACTIONS["ask_for_review"].label
    answer_button: str = ACTIONS["answer"].label
    review_days: int = REVIEW_WINDOW_WORKING_DAYS
    marking: str = "Official sensitive"


def _headline(decision: PanelDecision, funding_request: FundingRequest) -> str:
    period = _period(decision.period_start, decision.period_end)
    if decision.outcome == DecisionOutcome.APPROVE:
        return f"The panel approved {_pounds(decision.amount)} {period}."
    if decision.outcome == DecisionOutcome.APPROVE_DIFFERENT_AMOUNT:
        less = (
            "less than" if (decision.amount or ZERO) < funding_request.amount_requested else "instead of"
        )  # the panel never approves more than asked (funding.services refuses it)
        return (
            f"The panel approved {_pounds(decision.amount)} {period}, {less} the "
            f"{_pounds(funding_request.amount_requested)} asked for."
        )
    if decision.outcome == DecisionOutcome.DECLINE:
        return "The panel declined the request."
    if decision.outcome == DecisionOutcome.DEFER:
        when = long_date(timezone.localdate(decision.deferred_to.meets_at)) if decision.deferred_to else "a later date"
        return f"The panel deferred the request to its meeting on {when}."
    return "The panel needs more evidence before it can decide:"


def letter_data(*, decision_id: int) -> LetterData:
    decision = PanelDecision.objects.select_related(
        "agenda_item__meeting__panel",
        "funding_request__school",
        "funding_request__pupil",
        "funding_request__group_intervention",
        "funding_request__indicative_band",
        "local_authority",
        "band",
        "deferred_to",
        "corrects",
    ).get(pk=decision_id)
    r = decision.funding_request
    meeting = decision.agenda_item.meeting
    # The school knows its pupil: names stay, but no UPN, even where someone typed one.
    clean = _redactor_for(r, _group_members([r]), names=False)
    recipients = list(
        RoleAssignment.objects.filter(
            role=Role.SENCO, school_id=r.school_id, membership__is_active=True, membership__user__is_active=True
        )
        .order_by("membership__user__full_name")
        .values_list("membership__user__full_name", flat=True)
        .distinct()
    )
    pots: list[Pot] = []
    if decision.approves:
        seen: set[int] = set()
        for entry in (
            LedgerEntry.objects.filter(funding_request=r, kind=EntryKind.COMMITMENT)
            .select_related("budget")
            .order_by("budget__financial_year_start", "pk")
        ):
            if entry.budget_id not in seen:
                seen.add(entry.budget_id)
                start = entry.budget.financial_year_start
                pots.append(
                    Pot(entry.budget.name, entry.budget.get_kind_display(), f"{start.year} to {start.year + 1}")
                )
    who = (
        f"{r.pupil.full_name} ({r.pupil.get_nc_year_display()})"
        if r.pupil
        else (r.group_intervention.name if r.group_intervention else "a group intervention")
    )
    band_differs = ""
    if decision.band is not None and decision.band_id != r.indicative_band_id:
        indicative = r.indicative_band.name if r.indicative_band else "no band"
        band_differs = f"The school's scores gave {indicative}; the panel set {decision.band.name}."
    return LetterData(
        authority=decision.local_authority.name,
        panel=meeting.panel.name,
        meeting_on=timezone.localdate(meeting.meets_at),
        letter_on=timezone.localdate(decision.decided_at),
        school=r.school.name,
        recipients=recipients,
        request_number=r.pk,
        subject=f"Funding request {r.pk} for {who}",
        outcome=decision.outcome,
        headline=_headline(decision, r),
        amount=decision.amount,
        amount_requested=r.amount_requested,
        period_start=decision.period_start,
        period_end=decision.period_end,
        conditions=clean(decision.conditions),
        reasons=clean(decision.reasons),
        band=decision.band.name if decision.band else "",
        band_tariff=decision.band.annual_tariff if decision.band else None,
        band_reason=clean(decision.band_reason),
        band_differs=band_differs,
        pots=pots,
        route_pot=PotKind(r.route).label.removesuffix(" budget"),
        replaces_letter_of=timezone.localdate(decision.corrects.decided_at) if decision.corrects else None,
        correction_reason=clean(decision.correction_reason),
        # The school can ask for a review of a final decision (funding.workflow: from approved or declined).
        reviewable=decision.outcome in REVIEWABLE,
    )
