"""The pupil timeline in plain words: school and need names, GOV.UK dates, no internal ids; the audit rows
themselves keep ids and codes, never a child's name. The record page's query count does not grow with it."""

import datetime
import re
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from pupils import cycle_services, record_services, services
from pupils.cycles import cycle_review, cycle_start
from pupils.tests.casework import TODAY, scope_of
from tests import factories as f
from tests.fixtures import client_for

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
SCHOOL_ID = re.compile(r"school \d", re.IGNORECASE)


def timeline_lines(page):
    start = page.index('data-testid="timeline"')
    block = page[start : page.index("</ol>", start)]
    return [re.sub(r"<[^>]+>", "", item).strip() for item in block.split("<li>")[1:]]


def record_page(client, pupil, **params):
    return client.get(reverse("pupils:detail", args=[pupil.pk]), params).content.decode()


def test_every_kind_of_change_reads_in_plain_words(tenant):
    oakfield = f.make_school(tenant.authority, tenant.locality_1, name="Oakfield Primary")
    riverside = f.make_school(tenant.authority, tenant.locality_1, name="Riverside Academy")
    senco = f.make_user(tenant.authority, "senco", school=oakfield)
    f.grant(senco, tenant.authority, "senco", school=riverside)
    scope = scope_of(senco)
    pupil = services.pupil_add(
        actor=senco, scope=scope, school_id=oakfield.pk, upn=f.make_upn(oakfield), first_name="Ada",
        last_name="Lovelace", date_of_birth=datetime.date(2016, 5, 4), nc_year=4, sen_status="K",
        primary_need_code="SLCN",
    )  # fmt: skip
    services.pupil_update(
        actor=senco, scope=scope, pupil_id=pupil.pk, upn=pupil.upn, first_name="Adah", last_name="Lovelace",
        date_of_birth=datetime.date(2016, 5, 5), nc_year=4, sen_status="K", primary_need_code="ASD",
    )  # fmt: skip
    cycle = cycle_start(actor=senco, scope=scope, pupil_id=pupil.pk, started_on=TODAY - datetime.timedelta(days=60),
                        review_on=TODAY - datetime.timedelta(days=1))  # fmt: skip
    cycle_services.evidence_add(actor=senco, scope=scope, cycle_id=cycle.pk, kind="observation",
                                recorded_on=datetime.date(2026, 3, 3), summary="Ada finds starting hard")  # fmt: skip
    scored = cycle_services.evidence_add(actor=senco, scope=scope, cycle_id=cycle.pk, kind="standardised",
                                         recorded_on=TODAY, summary="Reading", standardised_score=82)  # fmt: skip
    cycle_services.evidence_remove(actor=senco, scope=scope, evidence_id=scored.pk)
    outcome = cycle_services.outcome_add(actor=senco, scope=scope, cycle_id=cycle.pk, description="Reads aloud",
                                         achieve_by=TODAY, measured_by="Running record")  # fmt: skip
    provision = cycle_services.provision_add(
        actor=senco, scope=scope, cycle_id=cycle.pk, description="Phonics", delivered_by="ta", group_size=1,
        sessions_per_week=3, minutes_per_session=30, weeks=38, hourly_cost=Decimal("18.50"), fixed_cost=None,
        outcome_id=outcome.pk,
    )  # fmt: skip
    equipment = cycle_services.equipment_add(actor=senco, scope=scope, cycle_id=cycle.pk, description="Slope",
                                             cost=Decimal("25.00"), bought_on=TODAY)  # fmt: skip
    cycle_services.equipment_remove(actor=senco, scope=scope, equipment_id=equipment.pk)
    cycle_services.provision_remove(actor=senco, scope=scope, provision_id=provision.pk)
    spare = cycle_services.outcome_add(actor=senco, scope=scope, cycle_id=cycle.pk, description="Writes a line",
                                       achieve_by=TODAY, measured_by="Books")  # fmt: skip
    cycle_services.provision_add(
        actor=senco, scope=scope, cycle_id=cycle.pk, description="Handwriting", delivered_by="teacher",
        group_size=2, sessions_per_week=None, minutes_per_session=None, weeks=None, hourly_cost=None,
        fixed_cost=Decimal("300.00"), outcome_id=spare.pk,
    )  # fmt: skip
    cycle_services.outcome_remove(actor=senco, scope=scope, outcome_id=spare.pk)
    cycle_review(actor=senco, scope=scope, cycle_id=cycle.pk, reviewed_on=TODAY, decision="continue", notes="",
                 next_review_on=TODAY + datetime.timedelta(days=42), progress={outcome.pk: ("partly", "")})  # fmt: skip
    record_services.parents_informed_record(actor=senco, scope=scope, pupil_id=pupil.pk, informed_on=TODAY,
                                            informed_how="meeting")  # fmt: skip
    moved_on = TODAY - datetime.timedelta(days=1)
    services.pupil_move(actor=senco, scope=scope, pupil_id=pupil.pk, to_school_id=riverside.pk, moved_on=moved_on,
                        reason="Family moved")  # fmt: skip
    services.pupil_remove(actor=senco, scope=scope, pupil_id=pupil.pk, removed_on=TODAY, reason="Progress")
    services.pupil_return(actor=senco, scope=scope, pupil_id=pupil.pk)

    lines = timeline_lines(record_page(client_for(senco), pupil))
    assert len(lines) >= 18
    for line in lines:
        assert not SCHOOL_ID.search(line), line
        assert not ISO_DATE.search(line), line
        assert not re.search(r"\b(Evidence|Outcome|Provision|Equipment) \d", line), line  # no internal ids
    text = "\n".join(lines)
    assert "Added to the SEN register at Oakfield Primary" in text
    assert (
        "Changed first name; date of birth from 4 May 2016 to 5 May 2016; primary need from "
        "Speech, language and communication needs to Autistic spectrum disorder"
    ) in text
    assert "Observation evidence added to cycle 1 (dated 3 March 2026)" in text
    assert f"A standardised test score (dated {TODAY.day} {TODAY:%B %Y}) removed from cycle 1" in text
    assert "Provision added to cycle 1 towards an outcome: delivered by teaching assistant, £1,054.50 a year" in text
    assert "the provision towards it stays, no longer linked to an outcome" in text
    assert f"Moved from Oakfield Primary to Riverside Academy on {moved_on.day} {moved_on:%B %Y}" in text
    assert f"Removed from the SEN register on {TODAY.day} {TODAY:%B %Y}" in text
    assert f"Returned to the SEN register (it had been removed on {TODAY.day} {TODAY:%B %Y})" in text
    assert f"by {senco.full_name}" in record_page(client_for(senco), pupil)

    # The audit rows are unchanged: ids and codes, never the child's name.
    for event in AuditEvent.objects.filter(object_type="pupils.pupil", object_id=str(pupil.pk)):
        assert "Ada" not in event.summary and "Lovelace" not in event.summary
        assert "Ada" not in str(event.changes) and "Lovelace" not in str(event.changes)


def test_the_record_page_costs_the_same_queries_with_1_or_20_timeline_entries(tenant):
    senco = tenant.users["senco"]
    scope = scope_of(senco)
    client = client_for(senco)
    pupil = tenant.pupil_1
    record_services.parents_informed_record(actor=senco, scope=scope, pupil_id=pupil.pk, informed_on=TODAY,
                                            informed_how="letter")  # fmt: skip

    def count():
        with CaptureQueriesContext(connection) as queries:
            page = record_page(client, pupil)
        return len(queries), len(timeline_lines(page))

    few, shown = count()
    assert shown == 1
    needs = ["ASD", "SLCN"]
    for n in range(5):
        services.pupil_update(actor=senco, scope=scope, pupil_id=pupil.pk, upn=pupil.upn,
                              first_name=pupil.first_name, last_name=pupil.last_name,
                              date_of_birth=pupil.date_of_birth, nc_year=4, sen_status="K",
                              primary_need_code=needs[n % 2])  # fmt: skip
        record_services.pupil_voice_add(actor=senco, scope=scope, pupil_id=pupil.pk, voice_of="child",
                                        recorded_on=TODAY, views="Fine")  # fmt: skip
        record_services.pupil_contact_add(actor=senco, scope=scope, pupil_id=pupil.pk, name="Sam", relationship="aunt",
                                          phone="1")  # fmt: skip
    schools = [tenant.school_2, tenant.school_1]
    f.grant(senco, tenant.authority, "senco", school=tenant.school_2)
    scope = scope_of(senco)
    for n in range(4):
        services.pupil_move(actor=senco, scope=scope, pupil_id=pupil.pk, to_school_id=schools[n % 2].pk,
                            moved_on=TODAY, reason="Back and forth")  # fmt: skip
    many, shown = count()
    assert shown == 20  # a full page (and more on the next)
    assert few == many, (few, many)
    # The second page is in words too.
    assert len(timeline_lines(record_page(client, pupil, page=2))) >= 1
