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


def _record(tenant, school=None):
    return StaffTraining.objects.create(
        local_authority=tenant.authority, school=school or tenant.school_1, staff_name="J. Okafor",
        course="Autism awareness level 2", completed_on=datetime.date(2025, 10, 12), send_area="communication",
    )  # fmt: skip


def test_senco_corrects_a_training_record_and_the_audit_says_what_changed_without_names(tenant):
    record = _record(tenant)
    client = client_for(tenant.users["senco"])
    school_page = client.get(reverse("localities:school-detail", args=[tenant.school_1.pk])).content.decode()
    edit = reverse("localities:training-edit", args=[tenant.school_1.pk, record.pk])
    assert f'href="{edit}"' in school_page
    assert 'value="J. Okafor"' in client.get(edit).content.decode()
    corrected = {**VALID, "staff_name": "J. Okafor-Bell", "completed_on_0": "13", "send_area": "cognition"}
    response = client.post(edit, corrected, follow=True)
    page = response.content.decode()
    assert "Training record corrected" in page and "J. Okafor-Bell" in page and "13 October 2025" in page
    record.refresh_from_db()
    assert (record.staff_name, record.completed_on, record.send_area) == (
        "J. Okafor-Bell", datetime.date(2025, 10, 13), "cognition"
    )  # fmt: skip
    event = AuditEvent.objects.get(action="training_changed")
    assert event.object_id == str(tenant.school_1.pk)
    assert event.summary == f"Staff training record {record.pk} corrected: member of staff, date completed, SEND area"
    assert event.changes == {"completed_on": ["2025-10-12", "2025-10-13"], "send_area": ["communication", "cognition"]}
    assert "Okafor" not in event.summary + str(event.changes)


def test_a_bad_correction_is_refused_on_the_field_and_nothing_changes(tenant):
    record = _record(tenant)
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    edit = reverse("localities:training-edit", args=[tenant.school_1.pk, record.pk])
    page = client_for(tenant.users["senco"]).post(edit, {**VALID, "course": ""}).content.decode()
    assert "<title>Error: " in page and 'href="#id_course">Enter the course or training' in page
    data = {**VALID, "completed_on_0": tomorrow.day, "completed_on_1": tomorrow.month, "completed_on_2": tomorrow.year}
    page = client_for(tenant.users["senco"]).post(edit, data).content.decode()
    assert 'href="#id_completed_on_0">The date the training was completed cannot be in the future' in page
    record.refresh_from_db()
    assert record.course == "Autism awareness level 2"
    assert not AuditEvent.objects.filter(action="training_changed").exists()


def test_senco_removes_a_training_record_after_confirming_and_it_is_audited(tenant):
    record = _record(tenant)
    client = client_for(tenant.users["senco"])
    remove = reverse("localities:training-remove", args=[tenant.school_1.pk, record.pk])
    page = client.get(remove).content.decode()
    assert "Remove this training record?" in page and "J. Okafor" in page
    assert StaffTraining.objects.filter(pk=record.pk).exists()  # nothing removed until confirmed
    response = client.post(remove, follow=True)
    assert "Training record removed" in response.content.decode()
    assert not StaffTraining.objects.filter(pk=record.pk).exists()
    event = AuditEvent.objects.get(action="training_removed")
    assert event.summary == f"Staff training record {record.pk} removed" and event.object_id == str(tenant.school_1.pk)
    assert event.changes == {"completed_on": ["2025-10-12", None], "send_area": ["communication", None]}


TRAINING_WHO = [
    ("senco", 200), ("senco_of_another_school", 404), ("area_lead", 403), ("la_officer", 403),
    ("finance_officer", 403), ("panel_member", 403), ("specialist", 403), ("other_tenant", 404),
]  # fmt: skip


def _training_user(world, who):
    from tests import factories as f

    if who == "other_tenant":
        return world.b.users["senco"]
    if who == "senco_of_another_school":
        return f.make_user(world.a.authority, "senco", school=world.a.school_2)
    return world.a.users[who]


@pytest.mark.parametrize(("who", "expected"), TRAINING_WHO)
@pytest.mark.parametrize("url_name", ["localities:training-edit", "localities:training-remove"])
def test_correct_and_remove_permission_matrix(world, url_name, who, expected):
    record = _record(world.a)
    client = client_for(_training_user(world, who))
    url = reverse(url_name, args=[world.a.school_1.pk, record.pk])
    assert client.get(url).status_code == expected
    response = client.post(url, {**VALID, "course": "Changed"})
    assert response.status_code == (302 if expected == 200 else expected)
    if expected != 200:
        record.refresh_from_db()
        assert record.course == "Autism awareness level 2"  # nothing changed, nothing removed


def test_a_record_is_only_found_under_its_own_schools_url(tenant):
    from tests import factories as f

    senco = tenant.users["senco"]
    f.grant(senco, tenant.authority, "senco", school=tenant.school_2)
    record = _record(tenant)
    client = client_for(senco)
    assert client.get(reverse("localities:training-edit", args=[tenant.school_2.pk, record.pk])).status_code == 404
    assert client.post(reverse("localities:training-remove", args=[tenant.school_2.pk, record.pk])).status_code == 404
    assert StaffTraining.objects.filter(pk=record.pk).exists()
