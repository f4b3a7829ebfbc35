"""Audit rows cannot be changed or removed, and viewing a pupil record leaves one."""

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from audit.models import AuditEvent
from tests.fixtures import client_for


def test_viewing_a_pupil_record_is_logged_with_ids_only(tenant):
    client_for(tenant.users["senco"]).get(reverse("pupils:detail", args=[tenant.pupil_1.pk]))
    event = AuditEvent.objects.get(action="pupil_viewed")
    assert event.actor == tenant.users["senco"]
    assert event.object_id == str(tenant.pupil_1.pk)
    assert event.local_authority_id == tenant.authority.pk
    assert tenant.pupil_1.last_name not in event.summary + str(event.changes)


def test_a_refused_view_is_not_logged_as_a_view(world):
    client_for(world.a.users["senco"]).get(reverse("pupils:detail", args=[world.b.pupil_1.pk]))
    assert not AuditEvent.objects.filter(action="pupil_viewed").exists()


def test_audit_rows_cannot_be_updated_or_deleted(tenant):
    client_for(tenant.users["senco"]).get(reverse("pupils:detail", args=[tenant.pupil_1.pk]))
    event = AuditEvent.objects.get()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get().action == "pupil_viewed"


def test_reading_the_register_through_the_api_is_audited(tenant):
    client_for(tenant.users["la_officer"]).get(reverse("api-pupil-list") + "?status=K&page=1")
    event = AuditEvent.objects.get(action="register_read_api")
    assert event.actor == tenant.users["la_officer"]
    assert event.local_authority_id == tenant.authority.pk
    assert "page 1" in event.summary
