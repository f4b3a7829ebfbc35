"""Inside a tenant, each role sees only what its schools, localities, panels or referrals allow."""

from django.urls import reverse

from accounts.models import Role
from accounts.scoping import scope_for_membership, visible
from localities.models import School
from pupils.models import Pupil
from pupils.services import pupil_refer_to_specialist
from tests.fixtures import client_for


def _visible_pupils(user):
    return set(visible(Pupil, scope_for_membership(user.memberships.get())))


def test_senco_sees_only_their_schools_pupils(tenant):
    senco = tenant.users["senco"]
    assert _visible_pupils(senco) == {tenant.pupil_1}
    client = client_for(senco)
    page = client.get(reverse("pupils:list")).content.decode()
    assert tenant.pupil_1.last_name in page
    assert tenant.pupil_2.last_name not in page  # same locality, other school
    assert client.get(reverse("pupils:detail", args=[tenant.pupil_2.pk])).status_code == 404
    assert client.get(reverse("pupils:detail", args=[tenant.pupil_3.pk])).status_code == 404


def test_area_send_lead_sees_only_their_localities_pupils(tenant):
    lead = tenant.users["area_lead"]
    assert _visible_pupils(lead) == {tenant.pupil_1, tenant.pupil_2}
    client = client_for(lead)
    assert client.get(reverse("pupils:detail", args=[tenant.pupil_2.pk])).status_code == 200
    assert client.get(reverse("pupils:detail", args=[tenant.pupil_3.pk])).status_code == 404
    assert client.get(reverse("localities:locality-detail", args=[tenant.locality_2.pk])).status_code == 404


def test_area_send_lead_sees_schools_of_their_localities_only(tenant):
    scope = scope_for_membership(tenant.users["area_lead"].memberships.get())
    assert set(visible(School, scope)) == {tenant.school_1, tenant.school_2}


def test_la_officer_sees_every_pupil_of_the_tenant(tenant):
    assert _visible_pupils(tenant.users["la_officer"]) == {tenant.pupil_1, tenant.pupil_2, tenant.pupil_3}


def test_finance_officer_sees_schools_but_no_pupil_records(tenant):
    finance = tenant.users["finance_officer"]
    assert _visible_pupils(finance) == set()
    client = client_for(finance)
    assert client.get(reverse("pupils:list")).status_code == 403
    assert client.get(reverse("localities:school-detail", args=[tenant.school_3.pk])).status_code == 200


def test_specialist_sees_only_pupils_referred_to_them(tenant):
    specialist = tenant.users["specialist"]
    assert _visible_pupils(specialist) == set()
    pupil_refer_to_specialist(
        actor=tenant.users["la_officer"], pupil=tenant.pupil_3, specialist=specialist.memberships.get()
    )
    assert _visible_pupils(specialist) == {tenant.pupil_3}
    client = client_for(specialist)
    assert client.get(reverse("pupils:detail", args=[tenant.pupil_3.pk])).status_code == 200
    assert client.get(reverse("pupils:detail", args=[tenant.pupil_1.pk])).status_code == 404


def test_referral_to_a_specialist_of_another_tenant_is_refused(world):
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        pupil_refer_to_specialist(
            actor=world.a.users["la_officer"],
            pupil=world.a.pupil_1,
            specialist=world.b.users["specialist"].memberships.get(),
        )
    assert _visible_pupils(world.b.users["specialist"]) == set()


def test_panel_member_sees_only_their_panel(tenant):
    client = client_for(tenant.users["panel_member"])
    assert client.get(reverse("panels:detail", args=[tenant.panel.pk])).status_code == 200
    assert client.get(reverse("panels:detail", args=[tenant.other_panel.pk])).status_code == 404
    page = client.get(reverse("panels:list")).content.decode()
    assert tenant.panel.name in page and tenant.other_panel.name not in page


def test_role_assignment_scope_must_match_role(tenant):
    import pytest
    from django.db import IntegrityError, transaction

    from accounts.models import RoleAssignment

    membership = tenant.users["la_officer"].memberships.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(membership=membership, role=Role.SENCO)  # a SENCO needs a school
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(membership=membership, role=Role.LA_OFFICER, school=tenant.school_1)


def test_locality_page_names_its_area_send_leads(tenant):
    page = client_for(tenant.users["la_officer"]).get(
        reverse("localities:locality-detail", args=[tenant.locality_1.pk])
    )
    assert tenant.users["area_lead"].full_name in page.content.decode()
    other = client_for(tenant.users["la_officer"]).get(
        reverse("localities:locality-detail", args=[tenant.locality_2.pk])
    )
    assert "No Area SEND Lead is assigned" in other.content.decode()
