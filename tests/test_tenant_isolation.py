"""A user of tenant A never reaches tenant B: every object URL answers 404 and lists never show B's rows."""

import pytest
from django.urls import reverse

from tests.fixtures import client_for

ROLES = ["senco", "area_lead", "panel_member", "la_officer", "finance_officer", "specialist"]


def object_urls(t):
    return [
        reverse("pupils:detail", args=[t.pupil_1.pk]),
        reverse("localities:school-detail", args=[t.school_1.pk]),
        reverse("localities:locality-detail", args=[t.locality_1.pk]),
        reverse("panels:detail", args=[t.panel.pk]),
        reverse("api-pupil-detail", args=[t.pupil_1.pk]),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_tenant_b_object_url_is_404_for_every_tenant_a_role(world, role):
    client = client_for(world.a.users[role])
    for url in object_urls(world.b):
        response = client.get(url)
        # A role without the page at all gets 403 before any lookup; with it, the object is simply not found.
        assert response.status_code in (403, 404), url
        assert response.status_code != 200


@pytest.mark.parametrize("role", ["la_officer", "area_lead", "senco"])
def test_object_urls_of_other_tenant_are_404_not_403(world, role):
    """Roles that can open these pages get 404 (not 403) for B's ids, so ids cannot be probed."""
    client = client_for(world.a.users[role])
    assert client.get(reverse("pupils:detail", args=[world.b.pupil_1.pk])).status_code == 404
    assert client.get(reverse("localities:school-detail", args=[world.b.school_1.pk])).status_code == 404
    assert client.get(reverse("api-pupil-detail", args=[world.b.pupil_1.pk])).status_code == 404


def test_lists_never_include_other_tenant_rows(world):
    client = client_for(world.a.users["la_officer"])
    pupils = client.get(reverse("pupils:list")).content.decode()
    schools = client.get(reverse("localities:school-list")).content.decode()
    localities = client.get(reverse("localities:locality-list")).content.decode()
    panels = client.get(reverse("panels:list")).content.decode()
    for pupil in (world.a.pupil_1, world.a.pupil_2, world.a.pupil_3):
        assert pupil.last_name in pupils
    for pupil in (world.b.pupil_1, world.b.pupil_2, world.b.pupil_3):
        assert pupil.last_name not in pupils
    assert world.a.school_1.name in schools and world.b.school_1.name not in schools
    assert world.a.locality_1.name in localities and world.b.locality_1.name not in localities
    assert world.a.panel.name in panels and world.b.panel.name not in panels


def test_api_lists_never_include_other_tenant_rows(world):
    client = client_for(world.a.users["la_officer"])
    pupil_ids = {row["id"] for row in client.get(reverse("api-pupil-list")).json()["results"]}
    school_ids = {row["id"] for row in client.get(reverse("api-school-list")).json()["results"]}
    assert pupil_ids == {world.a.pupil_1.pk, world.a.pupil_2.pk, world.a.pupil_3.pk}
    assert school_ids == {world.a.school_1.pk, world.a.school_2.pk, world.a.school_3.pk}


def test_user_in_two_tenants_sees_only_the_chosen_one(world):
    from accounts.models import Role
    from tests.factories import grant

    user = world.a.users["la_officer"]
    grant(user, world.b.authority, Role.LA_OFFICER)
    client = client_for(user)
    # With two memberships and none chosen, the user is asked which authority to work in.
    response = client.get(reverse("pupils:list"))
    assert response.status_code == 302 and response.url == reverse("accounts:choose-authority")
    page = client.get(reverse("accounts:choose-authority")).content.decode()
    assert world.a.authority.name in page and world.b.authority.name in page

    client.post(reverse("accounts:choose-authority"), {"local_authority": world.b.authority.pk})
    pupils = client.get(reverse("pupils:list")).content.decode()
    assert world.b.pupil_1.last_name in pupils and world.a.pupil_1.last_name not in pupils
    assert client.get(reverse("pupils:detail", args=[world.a.pupil_1.pk])).status_code == 404
    assert world.b.authority.name in client.get(reverse("home")).content.decode()


def test_choosing_an_authority_you_do_not_belong_to_is_refused(world):
    client = client_for(world.a.users["la_officer"])
    from accounts.models import Role
    from tests.factories import grant, make_authority

    grant(world.a.users["la_officer"], make_authority(), Role.LA_OFFICER)
    response = client.post(reverse("accounts:choose-authority"), {"local_authority": world.b.authority.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert client.get(reverse("pupils:list")).status_code == 302
