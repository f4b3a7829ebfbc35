"""A panel and its world for panel tests: Croydon's path, a locality request referred by the Area SEND
Lead to the central (complex and exceptional needs) panel, whose pot pays for what the panel approves."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import PanelRole, Role
from funding import services as funding_services
from funding.models import FundingRequest, PotKind
from funding.years import financial_year_start
from panels import services
from panels.models import PanelKind, PanelMeeting
from pupils.tests.casework import scope_of
from tests import factories as f

TODAY = datetime.date.today()


@dataclass
class PanelWorld:
    tenant: Any
    panel: Any
    pot: Any
    officer: Any
    chair: Any
    members: list[Any]  # every member, the chair first
    sencos: dict[int, Any]  # school id -> SENCO
    requests: list[Any] = field(default_factory=list)
    meeting: Any = None

    def scope(self, user: Any) -> Any:
        return scope_of(user)


def build(tenant: Any, *, cases: int = 2, members: int = 4, pot: str = "50000.00") -> PanelWorld:
    authority = tenant.authority
    panel = f.make_panel(authority, kind=PanelKind.EXCEPTIONAL_NEEDS, name=f"Exceptional needs {authority.pk}")
    officer = tenant.users["la_officer"]
    central = f.make_budget(authority, kind=PotKind.EXCEPTIONAL_NEEDS, panel=panel, amount=pot, actor=officer)
    f.make_budget(authority, locality=tenant.locality_1, amount="100000.00", actor=officer)
    places = [PanelRole.CHAIR, PanelRole.EDUCATIONAL_PSYCHOLOGIST, PanelRole.HEALTH, PanelRole.HEADTEACHER_REPRESENTATIVE,
              PanelRole.SOCIAL_CARE, PanelRole.FINANCE]  # fmt: skip
    people = []
    for index in range(members):
        user = f.make_user(authority, Role.PANEL_MEMBER, panel=panel, panel_role=places[index % len(places)])
        people.append(user)
    world = PanelWorld(tenant, panel, central, officer, people[0], people, {tenant.school_1.pk: tenant.users["senco"]})
    schools = [tenant.school_1, tenant.school_2]  # both in the Area SEND Lead's locality
    for index in range(cases):
        pupil = f.make_pupil(schools[index % 2])
        world.requests.append(referred_request(world, amount=Decimal("1000.00") + index, pupil=pupil))
    return world


def senco_of(world: PanelWorld, school: Any) -> Any:
    if school.pk not in world.sencos:
        world.sencos[school.pk] = f.make_user(world.tenant.authority, Role.SENCO, school=school)
    return world.sencos[school.pk]


def referred_request(world: PanelWorld, *, amount: Decimal = Decimal("1000.00"), pupil: Any = None) -> Any:
    """A request submitted to the locality and referred by its Area SEND Lead to the central panel."""
    tenant = world.tenant
    pupil = pupil or f.make_pupil(tenant.school_1)
    senco = senco_of(world, pupil.school)
    start = financial_year_start(TODAY, tenant.authority.financial_year_start_month)
    year_end = start.replace(year=start.year + 1) - datetime.timedelta(days=1)
    draft = funding_services.request_save_draft(
        actor=senco, scope=scope_of(senco), school_id=pupil.school_id, pupil_id=pupil.pk, amount_requested=amount,
        period_start=max(TODAY, start), period_end=min(year_end, TODAY + datetime.timedelta(days=180)),
        purpose="Speech and language therapy, 1 session a week", outcomes_served="Uses 3-word sentences in class",
    )  # fmt: skip
    funding_services.request_transition(actor=senco, scope=scope_of(senco), request_id=draft.pk, action="submit")
    lead = tenant.users["area_lead"]
    funding_services.request_transition(
        actor=lead, scope=scope_of(lead), request_id=draft.pk, action="refer", reason="Complex needs: beyond us"
    )
    return FundingRequest.objects.get(pk=draft.pk)


def schedule(world: PanelWorld, *, days: int = 7) -> PanelMeeting:
    return services.meeting_schedule(
        actor=world.officer, scope=scope_of(world.officer), panel_id=world.panel.pk,
        meets_at=timezone.now() + datetime.timedelta(days=days), venue="Town Hall, Room 2", online_link="",
    )  # fmt: skip


def issued_meeting(world: PanelWorld) -> PanelMeeting:
    """A meeting with every request of the world on its agenda and its papers issued."""
    meeting = schedule(world)
    scope = scope_of(world.officer)
    services.agenda_add(
        actor=world.officer, scope=scope, meeting_id=meeting.pk, request_ids=[r.pk for r in world.requests]
    )
    services.papers_issue(actor=world.officer, scope=scope, meeting_id=meeting.pk)
    world.meeting = PanelMeeting.objects.get(pk=meeting.pk)
    return world.meeting


def start_meeting(world: PanelWorld, *, present: list[Any] | None = None) -> PanelMeeting:
    """The meeting's day has come (its time moved to an hour ago) and attendance is recorded."""
    meeting = world.meeting or issued_meeting(world)
    PanelMeeting.objects.filter(pk=meeting.pk).update(meets_at=timezone.now() - datetime.timedelta(hours=1))
    people = world.members if present is None else present
    services.attendance_record(
        actor=world.officer, scope=scope_of(world.officer), meeting_id=meeting.pk, present_ids=[u.pk for u in people]
    )
    world.meeting = PanelMeeting.objects.get(pk=meeting.pk)
    return world.meeting


def item_of(world: PanelWorld, funding_request: Any) -> Any:
    return world.meeting.items.get(funding_request=funding_request)
