"""Demo data: five tenants configured from the five seed schemes, with synthetic pupils.

Every name is invented and every UPN is synthetic (valid check letter, no real child). Running it
twice changes nothing: every row is found by its natural key before it is created, and the casework,
funding and panel work, written through the services, are each skipped when they are already there.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm

from accounts.models import Membership, PanelRole, Role, RoleAssignment, User
from accounts.scoping import Scope, scope_for_membership
from localities.models import (
    ApportionBy,
    Governance,
    LocalAuthority,
    Locality,
    Phase,
    ProvisionKind,
    School,
    SendArea,
    StaffTraining,
)
from panels.models import Panel, PanelKind
from pupils.cycle_services import provision_add
from pupils.cycles import cycle_review, cycle_start
from pupils.models import (
    Cycle,
    CycleStatus,
    GroupIntervention,
    InformedBy,
    NeedType,
    Outcome,
    ProvisionEntry,
    Pupil,
    SenStatus,
)
from pupils.record_services import parents_informed_record
from pupils.upn import check_letter


@dataclass
class SchemeSeed:
    name: str
    la_code: str
    slug: str
    scheme_name: str
    summary: str
    localities: list[str]
    schools_per_locality: list[int]
    panels: list[tuple[str, str]]
    early_adopter_schools_only: bool = False
    runs_locality_budgets: bool = False
    ehcp_issued_before_excluded: datetime.date | None = None
    threshold: Decimal = Decimal("6000.00")
    min_cycles: int = 2
    apportion_by: str = ApportionBy.DAYS
    above_threshold_to_top_up_panel: bool = False
    area_leads: int = 1
    extra_schools: list[tuple[str, str]] = field(default_factory=list)  # (provision kind, phase)


SCHEMES = [
    SchemeSeed(
        name="Croydon",
        la_code="306",
        slug="croydon",
        scheme_name="Locality SEND Support",
        summary="Early-adopter mainstream schools in four locality groups share devolved budgets for pupils "
        "with emerging needs. Two Area SEND Leads allocate them; an LA multi-disciplinary panel distributes "
        "a central sum for complex and exceptional needs.",
        localities=["North Croydon", "Central Croydon", "East Croydon", "South Croydon"],
        schools_per_locality=[9, 8, 8, 8],
        panels=[("Complex and Exceptional Needs Panel", PanelKind.EXCEPTIONAL_NEEDS)],
        early_adopter_schools_only=True,
        runs_locality_budgets=True,
        ehcp_issued_before_excluded=datetime.date(2020, 11, 1),
        area_leads=2,
        extra_schools=[(ProvisionKind.SPECIAL, Phase.ALL_THROUGH), (ProvisionKind.ENHANCED_LEARNING, Phase.PRIMARY)],
    ),
    SchemeSeed(
        name="Stockton-on-Tees",
        la_code="808",
        slug="stockton",
        scheme_name="SEN Support and High Needs top-up",
        summary="Schools follow the graduated approach at SEN Support and fund the first £6,000 from their "
        "notional SEN budget; above that they apply with evidence to the One Point Panel for top-up. The "
        'expectation is that "communication with families is integral to all decision making".',
        localities=["Billingham and Norton", "Stockton Town", "Thornaby and Ingleby"],
        schools_per_locality=[4, 4, 4],
        panels=[("One Point Panel", PanelKind.HIGH_NEEDS_TOP_UP)],
        # "If costs of providing this support ... exceeds the £6,000 then the schools can apply ... for additional
        # High Needs support in the form of a top-up": the panel decides, and top-up is often paid monthly.
        threshold=Decimal("6000.00"),
        above_threshold_to_top_up_panel=True,
        apportion_by=ApportionBy.MONTHS,
    ),
    SchemeSeed(
        name="Northumberland",
        la_code="929",
        slug="northumberland",
        scheme_name="SEND Support Services SLA",
        summary='From September 2020 specialist teaching services give a core offer "free at the point of '
        'delivery" alongside a limited traded offer, so that "schools can be universally supported with specialist '
        'advice to inform their provision for learners with SEND". "Learner in Context" visits help identify need '
        "and plan provision; Educational Psychology has a core partnership offer for all schools.",
        localities=["North Northumberland", "West Northumberland", "South East Northumberland"],
        schools_per_locality=[4, 4, 4],
        panels=[("High Needs Panel", PanelKind.HIGH_NEEDS_TOP_UP)],
        # A Learner in Context visit shapes the first cycle's plan, so one completed cycle is enough evidence.
        min_cycles=1,
    ),
    SchemeSeed(
        name="Norfolk",
        la_code="926",
        slug="norfolk",
        scheme_name="Local First Inclusion",
        summary='A six-year programme (2023 to 2029) whose local support teams give outreach and "earlier help to '
        'prevent needs escalating", with more specialist resource bases and school-led alternative provision, so '
        'that children get "the right support for their particular needs in their local area first", within a '
        "high-needs budget of about £150m for 2023/24 and a £73.6m deficit.",
        localities=["Norwich", "West Norfolk", "North Norfolk", "Breckland and South Norfolk"],
        schools_per_locality=[3, 3, 3, 3],
        panels=[("Local Inclusion Panel", PanelKind.HIGH_NEEDS_TOP_UP)],
        # Local help first: support above the notional threshold goes to the Local Inclusion Panel.
        above_threshold_to_top_up_panel=True,
    ),
    SchemeSeed(
        name="Northamptonshire",
        la_code="928",
        slug="northamptonshire",
        scheme_name="20:20 Vision",
        summary='The 20:20 Vision: "to engage with children, young people and their families to promote early '
        'identification and support that meets need" and "to improve the quality and timeliness of multi-agency '
        'assessments", with pathways to assessment that are "transparent and clear", co-produced with parents.',
        localities=["Northampton", "Kettering and Corby", "Daventry and South Northamptonshire"],
        schools_per_locality=[4, 4, 4],
        panels=[("SEND Support Panel", PanelKind.HIGH_NEEDS_TOP_UP)],
        # The other apportioning rule, to show it: awards split across financial years by whole months.
        apportion_by=ApportionBy.MONTHS,
    ),
]

SCHOOL_STEMS = [
    "Oakfield", "Beechwood", "Riverside", "Hillcrest", "Meadowbank", "Ashgrove", "Kingsway", "Larkspur",
    "Fernhill", "Brookside", "Elmhurst", "Highfield", "Willowbrook", "Rosemead", "Thornfield", "Cedar Park",
    "Stonebridge", "Wellgate", "Foxley", "Hazelwood", "Marlow Green", "Orchard Vale", "Pinecroft", "Quarry Hill",
    "Redwood", "Southgate", "Tanners Lane", "Upton Heath", "Valley Road", "Westfield", "Yew Tree", "Ambleside",
    "Birchfield", "Claremont", "Dovecote", "Eastbrook", "Fairholme", "Glebe",
]  # fmt: skip
FIRST_NAMES = [
    "Amara", "Ben", "Chloe", "Dev", "Ella", "Finn", "Grace", "Harun", "Isla", "Jayden", "Kai", "Layla", "Milo",
    "Nia", "Oscar", "Priya", "Quinn", "Rosa", "Sami", "Tia", "Umar", "Viola", "Wren", "Xander", "Yusuf", "Zara",
]  # fmt: skip
LAST_NAMES = [
    "Adebayo", "Barker", "Chowdhury", "Dawson", "Evans", "Fletcher", "Gill", "Hughes", "Iqbal", "Jones", "Kowalski",
    "Lewis", "Mensah", "Nowak", "O'Brien", "Patel", "Quigley", "Robinson", "Singh", "Taylor", "Underwood", "Vaughan",
    "Walsh", "Yilmaz", "Zielinski",
]  # fmt: skip
PRIMARY_NEEDS_AT_K = ["SLCN", "SEMH", "MLD", "SPLD", "ASD", "NSA", "OTH", "PD", "HI", "VI"]
PRIMARY_NEEDS_AT_E = ["ASD", "SEMH", "SLCN", "SLD", "PMLD", "MSI", "PD"]

ROLE_USERS = [
    (Role.SENCO, "senco", "SENCO"),
    (Role.AREA_SEND_LEAD, "area-lead", "Area SEND Lead"),
    (Role.PANEL_MEMBER, "panel-member", "Panel member"),
    (Role.LA_OFFICER, "la-officer", "LA officer"),
    (Role.FINANCE_OFFICER, "finance", "Finance officer"),
    (Role.SPECIALIST, "specialist", "Educational Psychologist"),
]
SHARED_SPECIALIST_EMAIL = "ep.consultant@example.org"


@dataclass
class DemoResult:
    password: str
    users: list[tuple[str, str, str]] = field(default_factory=list)  # (email, authority, role)
    # (authority, panel, the emails of its members besides the chair): printed one line a council.
    panels: list[tuple[str, str, list[str]]] = field(default_factory=list)


def _upn(la_code: str, establishment: str, serial: int) -> str:
    body = f"{la_code}{establishment}{19 + serial % 4:02d}{serial % 1000:03d}"
    return check_letter(body) + body


def _user(email: str, full_name: str, password_hash: str) -> User:
    """The demo user with this email, made with the demo password's hash. Every demo user shares one known
    password, so it is hashed once (a PBKDF2 hash takes about half a second, several dozen users here)."""
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, None, full_name=full_name)
        user.password = password_hash
        user.save(update_fields=["password"])
    return user


def _grant(user: User, authority: LocalAuthority, role: str, **scope: Any) -> Membership:
    membership, _ = Membership.objects.get_or_create(user=user, local_authority=authority)
    RoleAssignment.objects.get_or_create(membership=membership, role=role, **scope)
    return membership


def _casework(membership: Membership, school: School, rng: random.Random) -> None:
    """Cycles, provision, views and training at the SENCO's school, so the demo shows real work.
    Runs once per school (skipped when the school already has cycles)."""
    if Cycle.objects.filter(pupil__school=school).exists():
        return
    senco = membership.user
    scope = scope_for_membership(membership)
    today = datetime.date.today()
    pupils = list(Pupil.objects.filter(school=school, sen_status=SenStatus.SEN_SUPPORT).order_by("pk"))
    for index, pupil in enumerate(pupils):
        if index % 2 == 0:
            parents_informed_record(
                actor=senco, scope=scope, pupil_id=pupil.pk, informed_on=today - datetime.timedelta(days=200),
                informed_how=InformedBy.MEETING,
            )  # fmt: skip
        reviewed = 2 if index < 3 else (1 if index < 5 else 0)
        start = today - datetime.timedelta(days=90 * reviewed + 40)
        cycle = cycle_start(actor=senco, scope=scope, pupil_id=pupil.pk, started_on=start,
                            review_on=start + datetime.timedelta(days=84))  # fmt: skip
        for _ in range(reviewed):
            outcome = Outcome.objects.create(
                local_authority_id=pupil.local_authority_id, cycle=cycle, achieve_by=cycle.review_on,
                description=rng.choice(DEMO_OUTCOMES), measured_by="Termly assessment and class observation",
            )  # fmt: skip
            cycle = cycle_review(  # type: ignore[assignment]
                actor=senco, scope=scope, cycle_id=cycle.pk, reviewed_on=cycle.review_on, decision="continue",
                notes="Progress made; continue with the adapted plan.",
                next_review_on=cycle.review_on + datetime.timedelta(days=90 if index != 3 else 40),
                progress={o.pk: ("partly", "") for o in cycle.outcomes.all()} | {outcome.pk: ("partly", "")},
            )  # fmt: skip
        if not cycle.outcomes.exists():
            Outcome.objects.create(
                local_authority_id=pupil.local_authority_id, cycle=cycle, achieve_by=cycle.review_on,
                description=rng.choice(DEMO_OUTCOMES), measured_by="Termly assessment",
            )  # fmt: skip
        hourly = Decimal("19.50") if index else Decimal("48.00")  # the first pupil needs intensive support
        ProvisionEntry.objects.create(
            local_authority_id=pupil.local_authority_id, cycle=cycle, description=rng.choice(DEMO_PROVISION),
            delivered_by="ta", group_size=1 if index < 2 else 3, sessions_per_week=5 if index < 2 else 2,
            minutes_per_session=60 if index < 2 else 30, weeks=38, hourly_cost=hourly,
        )  # fmt: skip
    group = GroupIntervention.objects.create(
        local_authority_id=school.local_authority_id, school=school, name="Social communication group (Lego therapy)",
        delivered_by="ta", sessions_per_week=2, minutes_per_session=45, weeks=36, hourly_cost=Decimal("19.50"),
    )  # fmt: skip
    group.pupils.set(pupils[3:7])
    for staff, course, area in DEMO_TRAINING:
        StaffTraining.objects.create(
            local_authority_id=school.local_authority_id, school=school, staff_name=staff, course=course,
            completed_on=today - datetime.timedelta(days=rng.randint(20, 400)), send_area=area,
        )  # fmt: skip


LOCALITY_POT = Decimal("250000.00")
CENTRAL_POT = Decimal("400000.00")


def _funding(authority: LocalAuthority, localities: list[Locality], panels: list[Panel], school: School) -> None:
    """Budgets for this and next financial year, and requests in each state at the SENCO's school.
    Runs once per tenant (skipped when the tenant already has budgets)."""
    from funding import ledger, services
    from funding.models import Budget, PotKind
    from funding.years import financial_year_start

    if Budget.objects.filter(local_authority=authority).exists():
        return
    officer = User.objects.get(email=f"la-officer.{_slug(authority)}@example.org")
    this_year = financial_year_start(datetime.date.today(), authority.financial_year_start_month)
    for year in (this_year, datetime.date(this_year.year + 1, this_year.month, 1)):
        if authority.runs_locality_budgets:  # Croydon: devolved locality budgets plus the central pot
            for locality in localities:
                pot = Budget.objects.create(
                    local_authority=authority,
                    kind=PotKind.LOCALITY,
                    locality=locality,
                    name=f"{locality.name} locality budget",
                    financial_year_start=year,
                )
                ledger.budget_set(actor=officer, budget_id=pot.pk, amount=LOCALITY_POT, memo="Devolved budget")
        kind = PotKind.EXCEPTIONAL_NEEDS if panels[0].kind == "exceptional_needs" else PotKind.TOP_UP
        pot = Budget.objects.create(
            local_authority=authority,
            kind=kind,
            panel=panels[0],
            name=f"{panels[0].name} pot",
            financial_year_start=year,
        )
        ledger.budget_set(actor=officer, budget_id=pot.pk, amount=CENTRAL_POT, memo="High needs block allocation")
    senco_membership = Membership.objects.get(local_authority=authority, roles__role=Role.SENCO, roles__school=school)
    senco = senco_membership.user
    scope = scope_for_membership(senco_membership)
    pupils = list(Pupil.objects.filter(school=school, on_register=True).order_by("pk"))
    period = (this_year, this_year + datetime.timedelta(days=200))
    for index, (pupil, amount, purpose) in enumerate(
        zip(pupils[:4], DEMO_REQUEST_AMOUNTS, DEMO_PROVISION, strict=False)
    ):
        request = services.request_save_draft(
            actor=senco,
            scope=scope,
            school_id=school.pk,
            pupil_id=pupil.pk,
            amount_requested=amount,
            period_start=period[0],
            period_end=period[1],
            purpose=f"{purpose}, 2 sessions a week",
            outcomes_served="Make expected progress in reading and take part in class discussion",
        )
        if index == 3:
            continue  # left as a draft
        try:
            request = services.request_transition(actor=senco, scope=scope, request_id=request.pk, action="submit")
        except ValidationError:
            continue  # not eligible under this scheme's rules: stays a draft, with its reasons shown
        lead_membership = Membership.objects.filter(
            local_authority=authority, roles__role=Role.AREA_SEND_LEAD, roles__locality=school.locality
        ).first()
        if lead_membership is None or request.route != "locality":
            continue
        lead_scope = scope_for_membership(lead_membership)
        if index == 0:
            services.request_transition(
                actor=lead_membership.user,
                scope=lead_scope,
                request_id=request.pk,
                action="approve",
                amount=amount,
                start=period[0],
                end=period[1],
                conditions="A short report on progress at the next review",
            )
        elif index == 1:
            services.request_transition(
                actor=lead_membership.user,
                scope=lead_scope,
                request_id=request.pk,
                action="ask_for_information",
                message="Please attach the speech and language therapist's latest advice.",
            )


# The panel: its members and its work ------------------------------------------------------------------

# Each panel is multi-disciplinary: the demo "Panel member" user chairs it, and these sit with them.
PANEL_SEATS = [
    (PanelRole.EDUCATIONAL_PSYCHOLOGIST, "panel-ep", "Panel Educational Psychologist"),
    (PanelRole.HEALTH, "panel-health", "Panel health member"),
    (PanelRole.SOCIAL_CARE, "panel-social-care", "Panel social care member"),
    (PanelRole.HEADTEACHER_REPRESENTATIVE, "panel-head", "Headteacher representative"),
]


def _seat(user: User, authority: LocalAuthority, panel: Panel, place: str) -> Membership:
    """A place on the panel, given once (an LA officer's later change of place is kept)."""
    membership, _ = Membership.objects.get_or_create(user=user, local_authority=authority)
    RoleAssignment.objects.get_or_create(
        membership=membership, role=Role.PANEL_MEMBER, panel=panel, defaults={"panel_role": place}
    )
    return membership


def _panel_members(
    scheme: SchemeSeed, authority: LocalAuthority, panel: Panel, head_school: School, password_hash: str
) -> list[User]:
    """The panel's members besides its chair. The headteacher representative is also the SENCO of
    `head_school`, so issuing the papers records their conflict of interest on that school's cases."""
    members = []
    for place, prefix, title in PANEL_SEATS:
        user = _user(f"{prefix}.{scheme.slug}@example.org", f"{title} ({scheme.name})", password_hash)
        _seat(user, authority, panel, place)
        if place == PanelRole.HEADTEACHER_REPRESENTATIVE:
            _grant(user, authority, Role.SENCO, school=head_school)
        members.append(user)
    return members


@dataclass
class _Person:
    user: User
    scope: Scope


def _person(email: str, authority: LocalAuthority) -> _Person:
    membership = Membership.objects.get(user__email=email, local_authority=authority)
    return _Person(membership.user, scope_for_membership(membership))


# Support that takes a pupil's provision above every scheme's notional threshold (£7,410 a year).
ONE_TO_ONE: dict[str, Any] = {
    "description": "1:1 teaching assistant support in class and at unstructured times",
    "delivered_by": "ta", "group_size": 1, "sessions_per_week": 5, "minutes_per_session": 120, "weeks": 38,
    "hourly_cost": Decimal("19.50"), "fixed_cost": None,
}  # fmt: skip


def _panel_request(
    senco: _Person, school: School, *, pupil: Pupil | None = None, group: GroupIntervention | None = None,
    amount: Decimal, purpose: str, outcomes: str,
) -> int:  # fmt: skip
    """A request the school submits for the panel: straight to a top-up panel, or (Croydon) to the locality,
    whose Area SEND Lead refers it to the central panel."""
    from funding import services as funding_services
    from funding.models import FundingRequest

    if pupil is not None:
        cycle = pupil.cycles.get(status=CycleStatus.OPEN)
        if not ProvisionEntry.objects.filter(cycle=cycle, description=ONE_TO_ONE["description"]).exists():
            provision_add(actor=senco.user, scope=senco.scope, cycle_id=cycle.pk, **ONE_TO_ONE)
    today = timezone.localdate()
    draft = funding_services.request_save_draft(
        actor=senco.user, scope=senco.scope, school_id=school.pk, pupil_id=pupil.pk if pupil else None,
        group_intervention_id=group.pk if group else None, amount_requested=amount, period_start=today,
        period_end=today + datetime.timedelta(days=182), purpose=purpose, outcomes_served=outcomes,
    )  # fmt: skip
    funding_services.request_transition(actor=senco.user, scope=senco.scope, request_id=draft.pk, action="submit")
    if FundingRequest.objects.get(pk=draft.pk).route == "locality":
        lead_membership = Membership.objects.get(
            local_authority_id=school.local_authority_id, roles__role=Role.AREA_SEND_LEAD,
            roles__locality=school.locality_id,
        )  # fmt: skip
        funding_services.request_transition(
            actor=lead_membership.user, scope=scope_for_membership(lead_membership), request_id=draft.pk,
            action="refer", reason="Complex needs beyond what the locality budget can meet: for the central panel",
        )  # fmt: skip
    return draft.pk


def _ten_oclock(days: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def _panel_journey(
    authority: LocalAuthority, panel: Panel, school: School, head_school: School, rng: random.Random
) -> None:
    """The panel at work, through the panel and funding services as its people would do it: a meeting held
    with its minutes approved (an approval, a decline the school then asked to have reviewed, a declared
    conflict of interest), the next meeting with its papers issued and members' recommendations in, and a
    later one whose agenda is still open with requests waiting. Runs once per panel (skipped once any of its
    meetings has an agenda, so an older demo database's bare meeting does not stop it). The packs are built by
    Celery once the demo's transaction commits."""
    from funding import services as funding_services
    from panels import services
    from panels.models import PanelMeeting

    if panel.meetings.filter(items__isnull=False).exists():
        return
    slug = _slug(authority)
    officer, chair, senco = (_person(f"{who}.{slug}@example.org", authority)
                             for who in ("la-officer", "panel-member", "senco"))  # fmt: skip
    ep, health, social_care, head = (_person(f"{prefix}.{slug}@example.org", authority) for _, prefix, _ in PANEL_SEATS)
    # The headteacher representative's school has casework too: its requests are on the agendas.
    _casework(Membership.objects.get(pk=head.scope.membership_id), head_school, rng)
    pupils = list(Pupil.objects.filter(school=school, sen_status=SenStatus.SEN_SUPPORT).order_by("pk")[1:3])
    head_pupils = list(Pupil.objects.filter(school=head_school, sen_status=SenStatus.SEN_SUPPORT).order_by("pk")[:2])
    group = GroupIntervention.objects.filter(school=school).order_by("pk").first()
    approved, declined, conflicted, for_group, waiting = (
        _panel_request(senco, school, pupil=pupils[0], amount=Decimal("6500.00"),
                       purpose="A teaching assistant 1:1 for 10 hours a week, with a speech and language programme",
                       outcomes="Uses a communication book to ask for help; joins a small-group activity daily"),
        _panel_request(senco, school, pupil=pupils[1], amount=Decimal("4800.00"),
                       purpose="Specialist teacher outreach, one morning a week, and a sensory circuit",
                       outcomes="Stays in class for whole lessons; manages transitions with a visual timetable"),
        _panel_request(head, head_school, pupil=head_pupils[0], amount=Decimal("8200.00"),
                       purpose="A trained teaching assistant for unstructured times and a nurture group place",
                       outcomes="Plays alongside peers at break times; fewer exits from class each week"),
        _panel_request(senco, school, group=group, amount=Decimal("3600.00"),
                       purpose="A second social communication group, run by a speech and language therapist",
                       outcomes="Takes turns in conversation with a peer; names feelings using a feelings chart"),
        _panel_request(head, head_school, pupil=head_pupils[1], amount=Decimal("5200.00"),
                       purpose="Precision teaching 1:1 daily, and an assessment by the advisory teacher",
                       outcomes="Reads the first 100 high-frequency words; writes a sentence independently"),
    )  # fmt: skip
    place = {"venue": "Council offices, committee room 1", "online_link": ""}

    def schedule(days: int, **where: str) -> PanelMeeting:
        return services.meeting_schedule(
            actor=officer.user, scope=officer.scope, panel_id=panel.pk, meets_at=_ten_oclock(days), **(where or place)
        )

    def issue(meeting: PanelMeeting, request_ids: list[int]) -> dict[int, int]:
        """The agenda and its papers: the agenda item of each request."""
        services.agenda_add(actor=officer.user, scope=officer.scope, meeting_id=meeting.pk, request_ids=request_ids)
        services.papers_issue(actor=officer.user, scope=officer.scope, meeting_id=meeting.pk)
        return dict(meeting.items.values_list("funding_request_id", "pk"))

    def recommend(member: _Person, item_id: int, choice: str, comment: str, amount: Decimal | None = None) -> None:
        services.recommendation_record(
            actor=member.user, scope=member.scope, item_id=item_id, choice=choice, amount=amount, comment=comment
        )

    # The meeting held: papers and recommendations beforehand, a conflict declared, then the meeting itself.
    held = schedule(1)
    items = issue(held, [approved, declined])
    recommend(ep, items[approved], "support", "The EP report shows needs well above what the school can meet alone.")
    recommend(health, items[declined], "more_information", "I would like to see the paediatrician's latest letter.")
    services.conflict_declare(
        actor=social_care.user, scope=social_care.scope, item_id=items[approved],
        reason="I know the family through the children's centre where I worked until last year.",
    )  # fmt: skip
    # Its day comes (as in panels.tests.scenario): the meeting starts now, and attendance is taken.
    PanelMeeting.objects.filter(pk=held.pk).update(meets_at=timezone.now() - datetime.timedelta(seconds=1))
    services.attendance_record(
        actor=officer.user, scope=officer.scope, meeting_id=held.pk,
        present_ids=[chair.user.pk, ep.user.pk, health.user.pk, social_care.user.pk],
    )  # fmt: skip
    services.decision_record(
        actor=chair.user, scope=chair.scope, item_id=items[approved], outcome="approve",
        conditions="A short report on progress to the panel after the pupil's next review.",
    )  # fmt: skip
    services.decision_record(
        actor=chair.user, scope=chair.scope, item_id=items[declined], outcome="decline",
        reasons="The support asked for can be met from the school's notional SEN budget with the locality's "
        "outreach service. The panel would like to see the outcome of the next review first.",
    )  # fmt: skip
    services.minutes_approve(actor=chair.user, scope=chair.scope, meeting_id=held.pk)
    # The school asks the panel to look again: the request waits for a later agenda.
    funding_services.request_transition(
        actor=senco.user, scope=senco.scope, request_id=declined, action="ask_for_review",
        reason="A new report from the educational psychologist shows the pupil's needs have increased this term.",
    )  # fmt: skip

    # The next meeting: papers issued (the headteacher representative's conflict recorded), views coming in.
    upcoming = schedule(7)
    items = issue(upcoming, [conflicted, for_group])
    recommend(ep, items[conflicted], "support", "Consistent with the outcomes of the last two reviews.")
    recommend(social_care, items[conflicted], "different_amount", "Fewer nurture group sessions would meet the need.",
              amount=Decimal("6000.00"))  # fmt: skip
    recommend(head, items[for_group], "support", "Other schools in the locality could share the group's places.")

    # A later meeting: its agenda is open, and the review and other requests still wait for a place.
    later = schedule(
        28, venue="Council offices, committee room 2", online_link=f"https://meet.example.org/{slug}-panel"
    )
    services.agenda_add(actor=officer.user, scope=officer.scope, meeting_id=later.pk, request_ids=[waiting])


def _slug(authority: LocalAuthority) -> str:
    return next(scheme.slug for scheme in SCHEMES if scheme.la_code == authority.la_code)


DEMO_REQUEST_AMOUNTS = [Decimal("3200.00"), Decimal("1850.00"), Decimal("2400.00"), Decimal("900.00")]


DEMO_OUTCOMES = [
    "Read and spell the first 100 high-frequency words",
    "Ask an adult for help using a help card in class",
    "Join a group activity for 10 minutes without leaving",
    "Use a visual timetable to move between lessons independently",
    "Write three sentences with capital letters and full stops",
]
DEMO_PROVISION = [
    "Precision teaching for reading", "Speech and language programme", "Emotional literacy support (ELSA)",
    "Fine motor skills group", "Numeracy catch-up (1:1)",
]  # fmt: skip
DEMO_TRAINING = [
    ("A. Teacher", "Autism awareness", SendArea.COMMUNICATION),
    ("B. Assistant", "Precision teaching", SendArea.COGNITION),
    ("C. Mentor", "Emotion coaching", SendArea.SEMH),
]


@transaction.atomic
def demo_data_load(*, password: str) -> DemoResult:
    result = DemoResult(password=password)
    password_hash = make_password(password)
    needs = {need.code: need for need in NeedType.objects.all()}
    school_number = 0
    for scheme in SCHEMES:
        rng = random.Random(scheme.la_code)  # noqa: S311 - synthetic data, not security
        authority, _ = LocalAuthority.objects.get_or_create(
            la_code=scheme.la_code,
            defaults={
                "name": scheme.name,
                "scheme_name": scheme.scheme_name,
                "scheme_summary": scheme.summary,
                "notional_sen_threshold": scheme.threshold,
                "min_completed_cycles_for_top_up": scheme.min_cycles,
                "early_adopter_schools_only": scheme.early_adopter_schools_only,
                "runs_locality_budgets": scheme.runs_locality_budgets,
                "ehcp_issued_before_excluded": scheme.ehcp_issued_before_excluded,
                "apportion_by": scheme.apportion_by,
                "above_threshold_to_top_up_panel": scheme.above_threshold_to_top_up_panel,
            },
        )
        localities = []
        schools: list[School] = []
        establishment = 2000
        for locality_name, school_count in zip(scheme.localities, scheme.schools_per_locality, strict=True):
            locality, _ = Locality.objects.get_or_create(local_authority=authority, name=locality_name)
            localities.append(locality)
            for index in range(school_count):
                establishment += 1
                school_number += 1
                secondary = index % 4 == 3
                stem = SCHOOL_STEMS[(school_number * 7) % len(SCHOOL_STEMS)]
                school, _ = School.objects.get_or_create(
                    urn=f"9{scheme.la_code[1:]}{establishment % 1000:03d}",
                    defaults={
                        "local_authority": authority,
                        "establishment_number": f"{establishment}" if not secondary else f"{establishment + 2000}",
                        "name": f"{stem} {'Academy' if secondary else 'Primary School'}",
                        "phase": Phase.SECONDARY if secondary else Phase.PRIMARY,
                        "governance": Governance.ACADEMY if secondary or index % 3 == 0 else Governance.MAINTAINED,
                        "is_early_adopter": scheme.early_adopter_schools_only,
                        "locality": locality,
                    },
                )
                schools.append(school)
        for kind, phase in scheme.extra_schools:
            establishment += 1
            label = (
                "Special School" if kind == ProvisionKind.SPECIAL else "Primary School (Enhanced Learning Provision)"
            )
            school, _ = School.objects.get_or_create(
                urn=f"9{scheme.la_code[1:]}{establishment % 1000:03d}",
                defaults={
                    "local_authority": authority,
                    "establishment_number": f"{7000 + establishment % 1000}",
                    "name": f"{SCHOOL_STEMS[establishment % len(SCHOOL_STEMS)]} {label}",
                    "phase": phase,
                    "provision_kind": kind,
                    "locality": localities[0],
                },
            )
            schools.append(school)
        panels = [
            Panel.objects.get_or_create(local_authority=authority, name=name, defaults={"kind": kind})[0]
            for name, kind in scheme.panels
        ]

        pupils = []
        today = datetime.date.today()
        for school in schools:
            for serial in range(8):
                year = rng.randint(7, 11) if school.phase == Phase.SECONDARY else rng.randint(0, 6)
                status = SenStatus.EHC_PLAN if serial == 7 else SenStatus.SEN_SUPPORT
                need_code = rng.choice(PRIMARY_NEEDS_AT_E if status == SenStatus.EHC_PLAN else PRIMARY_NEEDS_AT_K)
                birth_year = today.year - year - 5 - (1 if today.month >= 9 else 0)
                pupils.append(
                    Pupil(
                        local_authority=authority,
                        school=school,
                        upn=_upn(scheme.la_code, school.establishment_number, serial + school.pk * 10),
                        first_name=rng.choice(FIRST_NAMES),
                        last_name=rng.choice(LAST_NAMES),
                        date_of_birth=datetime.date(birth_year, rng.randint(9, 12), rng.randint(1, 28)),
                        nc_year=year,
                        sen_status=status,
                        primary_need=needs[need_code],
                        ehcp_issued_on=datetime.date(2019 + serial % 5, 3, 14)
                        if status == SenStatus.EHC_PLAN
                        else None,
                    )
                )
        Pupil.objects.bulk_create(pupils, ignore_conflicts=True)

        for role, prefix, title in ROLE_USERS:
            count = scheme.area_leads if role == Role.AREA_SEND_LEAD else 1
            for number in range(1, count + 1):
                suffix = f"-{number}" if count > 1 else ""
                email = f"{prefix}{suffix}.{scheme.slug}@example.org"
                user = _user(email, f"{title}{suffix.replace('-', ' ')} ({scheme.name})", password_hash)
                if role == Role.SENCO:
                    senco_membership = _grant(user, authority, role, school=schools[0])
                    _casework(senco_membership, schools[0], rng)
                elif role == Role.AREA_SEND_LEAD:
                    share = localities[number - 1 :: count]
                    for locality in share:
                        _grant(user, authority, role, locality=locality)
                elif role == Role.PANEL_MEMBER:
                    _seat(user, authority, panels[0], PanelRole.CHAIR)
                else:
                    membership = _grant(user, authority, role)
                    if role == Role.SPECIALIST:
                        for pupil in Pupil.objects.filter(school=schools[1]).order_by("pk")[:3]:
                            assign_perm("pupils.view_pupil", membership.user, pupil)
                result.users.append((email, scheme.name, str(Role(role).label)))
        members = _panel_members(scheme, authority, panels[0], schools[1], password_hash)
        result.panels.append((scheme.name, panels[0].name, [member.email for member in members]))
        _funding(authority, localities, panels, schools[0])
        _panel_journey(authority, panels[0], schools[0], schools[1], rng)

    # One specialist working for two councils, to show choosing which one to work in.
    consultant = _user(SHARED_SPECIALIST_EMAIL, "Consultant Educational Psychologist", password_hash)
    for la_code in ("926", "928"):
        authority = LocalAuthority.objects.get(la_code=la_code)
        _grant(consultant, authority, Role.SPECIALIST)
    result.users.append((SHARED_SPECIALIST_EMAIL, "Norfolk and Northamptonshire", "Specialist"))
    return result
