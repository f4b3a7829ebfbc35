import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from localities.models import StaffTraining
from tests.fixtures import client_for

VALID = {"staff_name": "J. Okafor", "course": "Autism awareness level 2", "completed_on_0": "12",
         "completed_on_1": "10", "completed_on_2": "2025", "send_area": "communication"}  # fmt: skip


def test_senco_records_training_shown_on_the_school_page(tenant):
    client = client_for(tenant.users["senco"])
    response = client.post(reverse("localities:training-add", args=[tenant.school_1.pk]), VALID, follow=True)
    page = response.content.decode()
    assert "Training record added" in page
    assert "Autism awareness level 2" in page and "Communication and interaction" in page
    assert "12 October 2025" in page
    assert AuditEvent.objects.filter(action="training_recorded", object_id=str(tenant.school_1.pk)).exists()
    # The Area SEND Lead reads it on the same page.
    lead_page = client_for(tenant.users["area_lead"]).get(
        reverse("localities:school-detail", args=[tenant.school_1.pk])
    )
    assert "Autism awareness level 2" in lead_page.content.decode()


def test_training_in_the_future_or_without_an_area_is_refused(tenant):
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    data = {**VALID, "completed_on_0": tomorrow.day, "completed_on_1": tomorrow.month,
            "completed_on_2": tomorrow.year, "send_area": ""}  # fmt: skip
    url = reverse("localities:training-add", args=[tenant.school_1.pk])
    page = client_for(tenant.users["senco"]).post(url, data).content.decode()
    assert "Select the SEND area the training covered" in page
    data["send_area"] = "semh"
    page = client_for(tenant.users["senco"]).post(url, data).content.decode()
    assert "The date the training was completed cannot be in the future" in page
    assert not StaffTraining.objects.exists()


@pytest.mark.parametrize(
    ("who", "school", "expected"),
    [("senco", "school_1", 200), ("senco", "school_2", 404), ("area_lead", "school_1", 403),
     ("la_officer", "school_1", 403), ("other_tenant", "school_1", 404)],
)  # fmt: skip
def test_training_form_permissions(world, who, school, expected):
    user = world.b.users["senco"] if who == "other_tenant" else world.a.users[who]
    url = reverse("localities:training-add", args=[getattr(world.a, school).pk])
    assert client_for(user).get(url).status_code == expected
    client_for(user).post(url, VALID)
    assert StaffTraining.objects.exists() is (expected == 200)
