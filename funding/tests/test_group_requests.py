"""A request for a group intervention carries the group's casework (its cost, and each pupil's year group,
needs and completed cycles, never their names), and the scheme's EHC plan rule applies to every pupil in it."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import RequestStatus
from funding.tests.test_request_pages import create_draft, text
from pupils.models import GroupIntervention, NeedType
from pupils.tests.casework import completed_cycles
from tests import factories as f
from tests.fixtures import client_for

D = Decimal


@pytest.fixture
def group(tenant):
    """Lego therapy at school_1: 2 x 45 minutes a week for 30 weeks at £24 an hour (£1,080 a year), for three
    pupils on the register; a fourth has left the register and no longer shares the cost."""
    f.make_budget(tenant.authority, locality=tenant.locality_1, amount="10000.00", actor=tenant.users["la_officer"])
    senco = tenant.users["senco"]
    second = f.make_pupil(tenant.school_1, nc_year=6, primary_need=NeedType.objects.get(code="ASD"),
                          secondary_need=NeedType.objects.get(code="SEMH"), sen_status="E",
                          ehcp_issued_on=datetime.date(2019, 5, 1))  # fmt: skip
    third = f.make_pupil(tenant.school_1, nc_year=2, primary_need=NeedType.objects.get(code="MLD"), sen_status="E",
                         ehcp_issued_on=datetime.date(2022, 1, 10))  # fmt: skip
    left = f.make_pupil(tenant.school_1, on_register=False, removed_on=datetime.date.today(), removal_reason="Left")
    completed_cycles(senco, tenant.pupil_1, 2)
    completed_cycles(senco, second, 1)
    group = GroupIntervention.objects.create(
        local_authority=tenant.authority, school=tenant.school_1, name="Lego therapy", delivered_by="ta",
        sessions_per_week=2, minutes_per_session=45, weeks=30, hourly_cost=D("24.00"),
    )  # fmt: skip
    group.pupils.add(tenant.pupil_1, second, third, left)
    group.members = [tenant.pupil_1, second, third, left]
    return group


def test_the_group_s_casework_is_attached_at_submission_and_shown_without_names(tenant, group):
    client = client_for(tenant.users["senco"])
    funding_request = create_draft(tenant, client, pupil=f"group-{group.pk}", amount_requested="1080.00")
    assert client.post(reverse("funding:request-submit", args=[funding_request.pk])).status_code == 302
    funding_request.refresh_from_db()
    assert funding_request.status == RequestStatus.SUBMITTED
    snapshot = funding_request.snapshot
    assert snapshot["group"] == {
        "name": "Lego therapy", "pupils": 3, "delivered_by": "Teaching assistant",
        "costed": "2 x 45 minutes a week for 30 weeks (45.00 hours) at £24.00 an hour",
        "annual_cost": "1080.00", "cost_per_pupil": "360.00",
    }  # fmt: skip
    assert [(m["year"], m["primary_need"], m["completed_cycles"]) for m in snapshot["members"]] == [
        ("Year 2", "Moderate learning difficulty (MLD)", 0),
        ("Year 4", "Speech, language and communication needs (SLCN)", 2),
        ("Year 6", "Autistic spectrum disorder (ASD)", 1),
    ]
    assert snapshot["members"][2]["secondary_need"] == "Social, emotional and mental health (SEMH)"
    assert "first_name" not in str(snapshot) and all(p.last_name not in str(snapshot) for p in group.members)

    for who in ("senco", "area_lead", "la_officer"):
        words = text(client_for(tenant.users[who]).get(reverse("funding:request-detail", args=[funding_request.pk])))
        assert "Pupils taking part 3" in words and "Cost a year £1,080.00" in words, who
        assert "Cost a year for each pupil £360.00" in words
        assert "Year 6 EHC plan Autistic spectrum disorder (ASD) Social, emotional and mental health (SEMH) 1" in words
        assert "Year 4 SEN Support Speech, language and communication needs (SLCN) None recorded 2" in words
        assert all(p.last_name not in words and p.first_name not in words for p in group.members), who
    # Finance officers see what it costs, not the children's needs.
    words = text(
        client_for(tenant.users["finance_officer"]).get(reverse("funding:request-detail", args=[funding_request.pk]))
    )
    assert "Cost a year £1,080.00" in words and "Autistic spectrum disorder" not in words


def test_the_ehcp_rule_applies_to_each_pupil_in_the_group_and_says_how_many_not_who(tenant, group):
    tenant.authority.ehcp_issued_before_excluded = datetime.date(2020, 11, 1)
    tenant.authority.save()
    client = client_for(tenant.users["senco"])
    funding_request = create_draft(tenant, client, pupil=f"group-{group.pk}", amount_requested="1080.00")
    reason = (
        "1 of the 3 pupils in the group has an EHC plan issued before 1 November 2020: the scheme does not fund "
        "plans issued before then, so it cannot fund a group they are part of."
    )
    detail = reverse("funding:request-detail", args=[funding_request.pk])
    assert reason in text(client.get(detail))  # the draft already says so
    response = client.post(reverse("funding:request-submit", args=[funding_request.pk]))
    assert response.status_code == 200
    words = text(response)
    assert "This request cannot be submitted:" in words and reason in words
    assert all(p.last_name not in words for p in group.members)
    funding_request.refresh_from_db()
    assert funding_request.status == RequestStatus.DRAFT and funding_request.snapshot == {}
    # A second pupil with an early plan: the count follows.
    third = group.members[2]
    third.ehcp_issued_on = datetime.date(2020, 10, 31)
    third.save()
    assert "2 of the 3 pupils in the group have EHC plans issued before 1 November 2020" in text(client.get(detail))


def test_a_request_submitted_before_the_group_s_costs_were_attached_still_shows(tenant, group):
    """Older snapshots have the group's name and size only."""
    client = client_for(tenant.users["senco"])
    funding_request = create_draft(tenant, client, pupil=f"group-{group.pk}")
    client.post(reverse("funding:request-submit", args=[funding_request.pk]))
    type(funding_request).objects.filter(pk=funding_request.pk).update(
        snapshot={"group": {"name": "Lego therapy", "pupils": 3}}
    )
    words = text(client.get(reverse("funding:request-detail", args=[funding_request.pk])))
    assert "Group intervention Lego therapy" in words and "Pupils taking part 3" in words
    assert "Cost a year" not in words
