"""Changing a school group intervention's name, pattern and cost: the school's SENCO only, every change
audited (the name only as "changed": it is free text), each member's share following the new cost."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from pupils.models import GroupIntervention
from pupils.record_services import group_intervention_create, group_intervention_set_members, group_intervention_update
from pupils.tests.casework import scope_of
from tests import factories as f
from tests.fixtures import client_for

CHANGED = {"name": "Lego therapy (Tuesdays)", "delivered_by": "teacher", "sessions_per_week": "2",
           "minutes_per_session": "45", "weeks": "36", "hourly_cost": "30.00", "fixed_cost": ""}  # fmt: skip


@pytest.fixture
def group(tenant):
    senco = tenant.users["senco"]
    scope = scope_of(senco)
    group = group_intervention_create(actor=senco, scope=scope, school_id=tenant.school_1.pk, name="Lego therapy",
                                      delivered_by="ta", fixed_cost=Decimal("900.00"))  # fmt: skip
    other = f.make_pupil(tenant.school_1)
    group_intervention_set_members(actor=senco, scope=scope, group_id=group.pk,
                                   pupil_ids=[tenant.pupil_1.pk, other.pk], is_running=True)  # fmt: skip
    return group


def test_the_senco_changes_name_pattern_and_cost_and_each_share_follows(tenant, group):
    client = client_for(tenant.users["senco"])
    detail = reverse("pupils:group-detail", args=[group.pk])
    edit = reverse("pupils:group-edit", args=[group.pk])
    assert f'href="{edit}"' in client.get(detail).content.decode()
    page = client.get(edit).content.decode()
    assert 'value="Lego therapy"' in page and 'value="900.00"' in page  # the form starts from what is saved
    response = client.post(edit, CHANGED, follow=True)
    assert response.redirect_chain[-1][0] == detail
    page = response.content.decode()
    assert "Group intervention changed" in page and "Lego therapy (Tuesdays)" in page
    # 2 x 45 minutes x 36 weeks = 54 hours x £30 = £1,620, shared by 2 = £810
    assert "£1,620.00, £810.00 for each of 2 pupils" in page
    assert "£810.00" in client.get(reverse("pupils:detail", args=[tenant.pupil_1.pk])).content.decode()
    group.refresh_from_db()
    assert (group.name, group.delivered_by, group.hourly_cost, group.fixed_cost) == (
        "Lego therapy (Tuesdays)", "teacher", Decimal("30.00"), None
    )  # fmt: skip
    event = AuditEvent.objects.get(action="group_intervention_changed", object_type="pupils.groupintervention",
                                   summary__contains="changed:")  # fmt: skip
    assert event.summary == (
        f"Group intervention {group.pk} changed: name, who delivers it, sessions a week, minutes a session, "
        "weeks a year, hourly cost, fixed cost"
    )
    assert "name" not in event.changes and "Lego" not in str(event.changes)
    assert event.changes["fixed_cost"] == ["900.00", None] and event.changes["hourly_cost"] == [None, "30.00"]


def test_saving_without_changes_leaves_no_audit_row(tenant, group):
    before = AuditEvent.objects.count()
    client_for(tenant.users["senco"]).post(reverse("pupils:group-edit", args=[group.pk]), {
        "name": "Lego therapy", "delivered_by": "ta", "fixed_cost": "900.00"})  # fmt: skip
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "id_name", "Enter the name of the intervention"),
        ({"minutes_per_session": "601"}, "id_minutes_per_session", "Minutes per session must be 600 or fewer"),
        ({"hourly_cost": "-1"}, "id_hourly_cost", "Hourly cost cannot be negative"),
        ({"fixed_cost": "10"}, "id_fixed_cost", "Enter either an hourly cost or a fixed cost for the year, not both"),
        ({"weeks": ""}, "id_weeks", "Enter the number of weeks a year to cost it at an hourly rate"),
    ],
)
def test_bad_changes_are_refused_on_the_field_and_nothing_changes(tenant, group, changes, field, message):
    page = client_for(tenant.users["senco"]).post(reverse("pupils:group-edit", args=[group.pk]),
                                                  {**CHANGED, **changes}).content.decode()  # fmt: skip
    assert "<title>Error: " in page
    assert f'href="#{field}">{message}' in page
    group.refresh_from_db()
    assert group.name == "Lego therapy" and group.fixed_cost == Decimal("900.00")


def test_the_service_checks_the_rules_itself(tenant, group):
    senco = tenant.users["senco"]
    with pytest.raises(ValidationError) as excinfo:
        group_intervention_update(actor=senco, scope=scope_of(senco), group_id=group.pk, name="X", delivered_by="ta",
                                  sessions_per_week=1, minutes_per_session=700, weeks=1, hourly_cost=Decimal("1"),
                                  fixed_cost=None)  # fmt: skip
    assert "minutes_per_session" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        group_intervention_update(actor=senco, scope=scope_of(senco), group_id=group.pk, name=" ", delivered_by="ta",
                                  hourly_cost=None, fixed_cost=Decimal("-5"))  # fmt: skip
    assert set(excinfo.value.message_dict) == {"name", "fixed_cost"}


WHO = [
    ("senco", 200), ("senco_of_another_school", 404), ("area_lead", 403), ("la_officer", 403),
    ("finance_officer", 403), ("panel_member", 403), ("specialist", 403), ("other_tenant_senco", 404),
]  # fmt: skip


def _user(world, who):
    if who == "other_tenant_senco":
        return world.b.users["senco"]
    if who == "senco_of_another_school":
        return f.make_user(world.a.authority, "senco", school=world.a.school_2)
    return world.a.users[who]


@pytest.mark.parametrize(("who", "expected"), WHO)
def test_group_edit_permission_matrix(world, group, who, expected):
    client = client_for(_user(world, who))
    url = reverse("pupils:group-edit", args=[group.pk])
    assert client.get(url).status_code == expected
    response = client.post(url, CHANGED)
    assert response.status_code == (302 if expected == 200 else expected)
    group.refresh_from_db()
    assert (group.name == CHANGED["name"]) is (expected == 200)


def test_a_group_of_another_tenant_is_not_found(world):
    senco_b = world.b.users["senco"]
    group_b = group_intervention_create(actor=senco_b, scope=scope_of(senco_b), school_id=world.b.school_1.pk,
                                        name="B", delivered_by="ta", fixed_cost=Decimal("1"))  # fmt: skip
    assert client_for(world.a.users["senco"]).get(reverse("pupils:group-edit", args=[group_b.pk])).status_code == 404
    assert GroupIntervention.objects.get(pk=group_b.pk).name == "B"
