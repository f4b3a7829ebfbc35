"""The register, record, provision map, group, training and dashboard pages, with and without errors,
have no WCAG 2.2 AA violations axe can find (rendered by the test client, checked in Chromium)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from localities.models import StaffTraining
from pupils import services
from pupils.record_services import group_intervention_create, group_intervention_set_members
from pupils.tests.casework import TODAY, add_equipment, add_provision, completed_cycles, scope_of
from pupils.tests.test_cycle_accessibility import violations_of
from tests.fixtures import client_for

pytestmark = pytest.mark.browser


def test_casework_pages_are_accessible(tenant):
    senco_user = tenant.users["senco"]
    scope = scope_of(senco_user)
    cycle = completed_cycles(senco_user, tenant.pupil_1, 2, provision_cost="7000.00")
    add_provision(cycle, group_size=3)
    add_equipment(cycle)
    group = group_intervention_create(actor=senco_user, scope=scope, school_id=tenant.school_1.pk, name="Lego",
                                      delivered_by="ta", fixed_cost=Decimal("900"))  # fmt: skip
    group_intervention_set_members(actor=senco_user, scope=scope, group_id=group.pk, pupil_ids=[tenant.pupil_1.pk],
                                   is_running=True)  # fmt: skip
    training = StaffTraining.objects.create(local_authority=tenant.authority, school=tenant.school_1, staff_name="A B",
                                            course="Autism awareness", completed_on=TODAY, send_area="general")  # fmt: skip
    senco = client_for(senco_user)
    pupil = tenant.pupil_1.pk
    school = tenant.school_1.pk

    def get(url):
        response = senco.get(url)
        assert response.status_code == 200, url
        return response.content.decode()

    def post(url, data):
        response = senco.post(url, data)
        assert response.status_code == 200, url  # a form shown again with its errors
        return response.content.decode()

    pages = {
        "home dashboard": get(reverse("home")),
        "register": get(reverse("pupils:list")),
        "register filtered": get(reverse("pupils:list") + "?review=overdue&sort=review"),
        "add pupil": get(reverse("pupils:add")),
        "add pupil errors": post(reverse("pupils:add"), {"upn": "A801200005001"}),
        "edit pupil": get(reverse("pupils:edit", args=[pupil])),
        "move pupil errors": post(reverse("pupils:move", args=[pupil]), {}),
        "remove pupil errors": post(reverse("pupils:remove", args=[pupil]), {}),
        "pupil record": get(reverse("pupils:detail", args=[pupil])),
        "parents informed errors": post(reverse("pupils:parents-informed", args=[pupil]), {"informed_on_0": "31"}),
        "views errors": post(reverse("pupils:voice-add", args=[pupil]), {}),
        "contact errors": post(reverse("pupils:contact-add", args=[pupil]), {"email": "not-an-email"}),
        "school provision map": get(reverse("pupils:school-provision-map", args=[school])),
        "group": get(reverse("pupils:group-detail", args=[group.pk])),
        "group add errors": post(reverse("pupils:group-add", args=[school]), {"minutes_per_session": "900"}),
        "school with training": get(reverse("localities:school-detail", args=[school])),
        "training errors": post(reverse("localities:training-add", args=[school]), {}),
        "register filtered by parents and top-up": get(
            reverse("pupils:list") + "?parents=not_informed&top_up=eligible"
        ),
        "group edit errors": post(reverse("pupils:group-edit", args=[group.pk]), {"name": "", "hourly_cost": "-1"}),
        "training edit errors": post(reverse("localities:training-edit", args=[school, training.pk]), {"course": ""}),
        "training remove": get(reverse("localities:training-remove", args=[school, training.pk])),
    }
    services.pupil_remove(actor=senco_user, scope=scope, pupil_id=pupil, removed_on=TODAY, reason="Progress")
    pages["removed pupil's record"] = get(reverse("pupils:detail", args=[pupil]))
    assert violations_of(pages) == {}
