"""Who may open and post each SEN register page: SENCOs change their own schools' pupils only; Area SEND
Leads and LA officers read (and export); another school's or tenant's pupil is simply not found."""

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from pupils.models import Pupil, PupilSchoolMove
from tests.fixtures import client_for

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404
ROLES = ["senco", "area_lead", "panel_member", "la_officer", "finance_officer", "specialist"]
READ_ONLY = {"area_lead": FORBIDDEN, "panel_member": FORBIDDEN, "la_officer": FORBIDDEN,
             "finance_officer": FORBIDDEN, "specialist": FORBIDDEN}  # fmt: skip

# page -> (url builder, {role: status}) for GET
PAGES = {
    "add": (lambda t: reverse("pupils:add"), {"senco": OK, **READ_ONLY}),
    "edit own": (lambda t: reverse("pupils:edit", args=[t.pupil_1.pk]), {"senco": OK, **READ_ONLY}),
    "move own": (lambda t: reverse("pupils:move", args=[t.pupil_1.pk]), {"senco": OK, **READ_ONLY}),
    "remove own": (lambda t: reverse("pupils:remove", args=[t.pupil_1.pk]), {"senco": OK, **READ_ONLY}),
    "return own": (lambda t: reverse("pupils:return", args=[t.pupil_1.pk]), {"senco": OK, **READ_ONLY}),
    "edit other school": (lambda t: reverse("pupils:edit", args=[t.pupil_2.pk]), {"senco": NOT_FOUND, **READ_ONLY}),
    "move other school": (lambda t: reverse("pupils:move", args=[t.pupil_2.pk]), {"senco": NOT_FOUND, **READ_ONLY}),
    "remove other school": (
        lambda t: reverse("pupils:remove", args=[t.pupil_2.pk]), {"senco": NOT_FOUND, **READ_ONLY}),
    "return other school": (
        lambda t: reverse("pupils:return", args=[t.pupil_2.pk]), {"senco": NOT_FOUND, **READ_ONLY}),
    "edit missing": (lambda t: reverse("pupils:edit", args=[999999999]), {"senco": NOT_FOUND}),
    "export": (lambda t: reverse("pupils:export"), {
        "senco": OK, "area_lead": OK, "la_officer": OK, "panel_member": FORBIDDEN,
        "finance_officer": FORBIDDEN, "specialist": FORBIDDEN}),
    "list": (lambda t: reverse("pupils:list"), {
        "senco": OK, "area_lead": OK, "la_officer": OK, "specialist": OK, "panel_member": FORBIDDEN,
        "finance_officer": FORBIDDEN}),
}  # fmt: skip

CASES = [(page, role, status) for page, (_, expected) in PAGES.items() for role, status in expected.items()]


@pytest.mark.parametrize(("page", "role", "expected"), CASES, ids=[f"{p}-{r}" for p, r, _ in CASES])
def test_register_permission_matrix(tenant, page, role, expected):
    url = PAGES[page][0](tenant)
    assert client_for(tenant.users[role]).get(url).status_code == expected


@pytest.mark.parametrize("page", list(PAGES))
def test_signed_out_visitors_are_sent_to_sign_in(tenant, client, page):
    response = client.get(PAGES[page][0](tenant))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:sign-in"))


def _posts(t):
    today = timezone.localdate()
    date = {"_0": str(today.day), "_1": str(today.month), "_2": str(today.year)}
    return {
        "edit": {"upn": t.pupil_1.upn, "first_name": "Changed", "last_name": "Changed", "nc_year": "5",
                 "sen_status": "K", "primary_need": "SLCN", **{f"date_of_birth{k}": v for k, v in
                                                            {"_0": "1", "_1": "1", "_2": "2015"}.items()}},
        "move": {"to_school": str(t.school_3.pk), "reason": "Moved", **{f"moved_on{k}": v for k, v in date.items()}},
        "remove": {"reason": "Gone", **{f"removed_on{k}": v for k, v in date.items()}},
        "return": {},
    }  # fmt: skip


def _unchanged(pupil, school):
    pupil.refresh_from_db()
    return pupil.first_name != "Changed" and pupil.school == school and pupil.on_register


@pytest.mark.parametrize("action", ["edit", "move", "remove", "return"])
@pytest.mark.parametrize("role", ["area_lead", "la_officer", "finance_officer", "specialist", "panel_member"])
def test_roles_other_than_senco_cannot_change_a_pupil(tenant, action, role):
    response = client_for(tenant.users[role]).post(
        reverse(f"pupils:{action}", args=[tenant.pupil_1.pk]), _posts(tenant)[action]
    )
    assert response.status_code == FORBIDDEN
    assert _unchanged(tenant.pupil_1, tenant.school_1)
    assert not AuditEvent.objects.exclude(action="pupil_viewed").exists()


@pytest.mark.parametrize("action", ["edit", "move", "remove", "return"])
def test_senco_cannot_change_another_schools_pupil(tenant, action):
    response = client_for(tenant.users["senco"]).post(
        reverse(f"pupils:{action}", args=[tenant.pupil_2.pk]), _posts(tenant)[action]
    )
    assert response.status_code == NOT_FOUND
    assert _unchanged(tenant.pupil_2, tenant.school_2)
    assert not PupilSchoolMove.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.parametrize("action", ["edit", "move", "remove", "return"])
def test_other_tenants_senco_gets_404_and_changes_nothing(world, action):
    client = client_for(world.b.users["senco"])
    url = reverse(f"pupils:{action}", args=[world.a.pupil_1.pk])
    assert client.get(url).status_code == NOT_FOUND
    assert client.post(url, _posts(world.a)[action]).status_code == NOT_FOUND
    assert _unchanged(world.a.pupil_1, world.a.school_1)
    assert not AuditEvent.objects.exists()


def test_other_tenants_senco_cannot_add_a_pupil_to_this_tenants_school(world):
    a = world.a
    today = timezone.localdate()
    data = {"school": str(a.school_1.pk), "upn": "A123", "first_name": "X", "last_name": "Intruder",
            "date_of_birth_0": "1", "date_of_birth_1": "1", "date_of_birth_2": "2015", "nc_year": "4",
            "sen_status": "K", "primary_need": "SLCN", "sen_support_since_2": str(today.year)}  # fmt: skip
    response = client_for(world.b.users["senco"]).post(reverse("pupils:add"), data)
    assert response.status_code == 200 and "Select one of your schools" in response.content.decode()
    assert not Pupil.objects.filter(last_name="Intruder").exists()


def test_senco_cannot_move_their_pupil_into_another_tenant(world):
    a, b = world.a, world.b
    data = _posts(a)["move"] | {"to_school": str(b.school_1.pk)}
    response = client_for(a.users["senco"]).post(reverse("pupils:move", args=[a.pupil_1.pk]), data)
    assert response.status_code == 200
    assert _unchanged(a.pupil_1, a.school_1)
