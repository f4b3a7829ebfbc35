"""Moving a pupil to another school of the tenant, and removing a pupil from (and returning them to)
the SEN register: history kept, audited, never a hard delete."""

import datetime

from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEvent
from pupils.models import Pupil, PupilSchoolMove, SenStatus
from tests import factories as f
from tests.fixtures import client_for

TODAY = timezone.localdate()


def date_fields(name, day):
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def move_data(school, day=TODAY, reason="Family moved house"):
    return {"to_school": str(school.pk) if school else "", **date_fields("moved_on", day), "reason": reason}


def remove_data(day=TODAY, reason="Made enough progress to no longer need SEN Support"):
    return {**date_fields("removed_on", day), "reason": reason}


def post(user, name, pupil, data=None):
    return client_for(user).post(reverse(f"pupils:{name}", args=[pupil.pk]), data or {})


def summary_errors(response):
    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in page
    start = page.index("govuk-error-summary__list")
    return page[start : page.index("</ul>", start)]


# --- moving ---------------------------------------------------------------------------------------


def test_senco_moves_their_pupil_out_and_loses_access(tenant):
    senco, pupil = tenant.users["senco"], tenant.pupil_1
    new_senco = f.make_user(tenant.authority, Role.SENCO, school=tenant.school_3)
    day = TODAY - datetime.timedelta(days=2)
    client = client_for(senco)
    response = client.post(reverse("pupils:move", args=[pupil.pk]), move_data(tenant.school_3, day))
    assert response.status_code == 302 and response.url == reverse("pupils:list")
    assert f"Pupil moved to {tenant.school_3.name}" in client.get(response.url).content.decode()

    pupil.refresh_from_db()
    assert pupil.school == tenant.school_3
    move = PupilSchoolMove.objects.get(pupil=pupil)
    assert (move.from_school, move.to_school, move.moved_on, move.moved_by) == (
        tenant.school_1, tenant.school_3, day, senco
    )  # fmt: skip
    assert move.reason == "Family moved house" and move.local_authority == tenant.authority
    event = AuditEvent.objects.get(action="pupil_moved")
    assert event.actor == senco and event.object_id == str(pupil.pk)
    assert (
        event.summary == f"Moved from school {tenant.school_1.pk} to school {tenant.school_3.pk} on {day.isoformat()}"
    )
    assert event.changes["school"] == [tenant.school_1.pk, tenant.school_3.pk]
    assert pupil.last_name not in event.summary and pupil.upn not in event.summary

    # The old school's SENCO no longer sees or changes the pupil; the new school's SENCO does.
    assert client.get(reverse("pupils:detail", args=[pupil.pk])).status_code == 404
    assert client.get(reverse("pupils:edit", args=[pupil.pk])).status_code == 404
    assert pupil.last_name not in client.get(reverse("pupils:list")).content.decode()
    assert pupil.upn not in b"".join(client.get(reverse("pupils:export")).streaming_content).decode()
    assert client.post(reverse("pupils:move", args=[pupil.pk]), move_data(tenant.school_1)).status_code == 404
    new_client = client_for(new_senco)
    assert new_client.get(reverse("pupils:edit", args=[pupil.pk])).status_code == 200
    assert pupil.last_name in new_client.get(reverse("pupils:list")).content.decode()


def test_a_senco_of_both_schools_stays_on_the_pupil_after_the_move(tenant):
    senco = tenant.users["senco"]
    f.grant(senco, tenant.authority, Role.SENCO, school=tenant.school_2)
    response = post(senco, "move", tenant.pupil_1, move_data(tenant.school_2))
    assert response.url == reverse("pupils:detail", args=[tenant.pupil_1.pk])


def test_history_keeps_every_move(tenant):
    pupil = tenant.pupil_1
    first_senco = tenant.users["senco"]
    second_senco = f.make_user(tenant.authority, Role.SENCO, school=tenant.school_2)
    post(first_senco, "move", pupil, move_data(tenant.school_2, TODAY - datetime.timedelta(days=20)))
    post(second_senco, "move", pupil, move_data(tenant.school_1, TODAY - datetime.timedelta(days=5), "Moved back"))
    moves = list(PupilSchoolMove.objects.filter(pupil=pupil))
    assert [(m.from_school, m.to_school, m.moved_by) for m in moves] == [
        (tenant.school_2, tenant.school_1, second_senco),
        (tenant.school_1, tenant.school_2, first_senco),
    ]
    # A move cannot be dated before the last one.
    response = post(first_senco, "move", pupil, move_data(tenant.school_3, TODAY - datetime.timedelta(days=6)))
    assert "Date of the move must be on or after the pupil&#x27;s last move" in summary_errors(response)


def test_move_targets_are_the_tenants_open_schools_except_the_current_one(world):
    tenant = world.a
    closed = f.make_school(tenant.authority, tenant.locality_2, is_open=False)
    page = client_for(tenant.users["senco"]).get(reverse("pupils:move", args=[tenant.pupil_1.pk])).content.decode()
    assert "<title>Move a pupil to another school – " in page
    assert f'<option value="{tenant.school_2.pk}">{tenant.school_2.name}</option>' in page
    assert f'<option value="{tenant.school_3.pk}">{tenant.school_3.name}</option>' in page  # another locality too
    assert f'<option value="{tenant.school_1.pk}">' not in page
    assert closed.name not in page and world.b.school_1.name not in page


def test_move_refuses_bad_targets_and_dates_and_saves_nothing(world):
    tenant, senco, pupil = world.a, world.a.users["senco"], world.a.pupil_1
    closed = f.make_school(tenant.authority, tenant.locality_1, is_open=False)
    for school in (world.b.school_1, closed, tenant.school_1, None):
        errors = summary_errors(post(senco, "move", pupil, move_data(school)))
        assert '<a href="#id_to_school">Select the school the pupil is moving to' in errors
    errors = summary_errors(post(senco, "move", pupil, move_data(tenant.school_2, reason=" ")))
    assert '<a href="#id_reason">Enter the reason for the move</a>' in errors
    errors = summary_errors(post(senco, "move", pupil, move_data(tenant.school_2, TODAY + datetime.timedelta(days=1))))
    assert '<a href="#id_moved_on_0">Date of the move cannot be in the future</a>' in errors
    pupil.refresh_from_db()
    assert pupil.school == tenant.school_1
    assert not PupilSchoolMove.objects.exists() and not AuditEvent.objects.filter(action="pupil_moved").exists()


def test_the_move_service_refuses_the_current_school(tenant):
    from django.core.exceptions import ValidationError

    from accounts.scoping import scope_for_membership
    from pupils.services import pupil_move

    senco = tenant.users["senco"]
    scope = scope_for_membership(senco.memberships.get())
    try:
        pupil_move(actor=senco, scope=scope, pupil_id=tenant.pupil_1.pk, to_school_id=tenant.school_1.pk,
                   moved_on=TODAY, reason="Same school")  # fmt: skip
    except ValidationError as error:
        assert error.message_dict == {"to_school": ["Select a different school: the pupil is already at this school"]}
    else:
        raise AssertionError("moving a pupil to their own school was accepted")


# --- removing and returning -----------------------------------------------------------------------


def test_senco_removes_a_pupil_from_the_register_and_it_is_audited(tenant):
    senco, pupil = tenant.users["senco"], tenant.pupil_1
    day = TODAY - datetime.timedelta(days=1)
    client = client_for(senco)
    page = client.get(reverse("pupils:remove", args=[pupil.pk])).content.decode()
    assert "<title>Remove a pupil from the SEN register – " in page and "novalidate" in page
    response = client.post(reverse("pupils:remove", args=[pupil.pk]), remove_data(day))
    assert response.status_code == 302 and response.url == reverse("pupils:detail", args=[pupil.pk])
    assert "Pupil removed from the SEN register" in client.get(response.url).content.decode()
    pupil.refresh_from_db()
    assert (pupil.on_register, pupil.removed_on) == (False, day)
    assert pupil.removal_reason == "Made enough progress to no longer need SEN Support"
    assert Pupil.objects.filter(pk=pupil.pk).exists()  # never a hard delete
    event = AuditEvent.objects.get(action="pupil_removed")
    assert event.actor == senco and event.summary == f"Removed from the register on {day.isoformat()}"
    assert event.changes == {"on_register": [True, False], "removed_on": [None, day.isoformat()]}
    # Off the register list by default; still on the record page for its SENCO.
    assert pupil.last_name not in client.get(reverse("pupils:list")).content.decode()
    assert client.get(reverse("pupils:detail", args=[pupil.pk])).status_code == 200


def test_removing_twice_is_refused_with_a_message(tenant):
    senco, pupil = tenant.users["senco"], tenant.pupil_1
    post(senco, "remove", pupil, remove_data(TODAY - datetime.timedelta(days=3)))
    response = post(senco, "remove", pupil, remove_data(reason="Again"))
    day = TODAY - datetime.timedelta(days=3)
    assert f"This pupil was already removed from the register on {day.day} {day:%B %Y}" in summary_errors(response)
    pupil.refresh_from_db()
    assert pupil.removed_on == day and pupil.removal_reason != "Again"
    assert AuditEvent.objects.filter(action="pupil_removed").count() == 1
    page = client_for(senco).get(reverse("pupils:remove", args=[pupil.pk])).content.decode()
    assert reverse("pupils:return", args=[pupil.pk]) in page


def test_removal_needs_a_reason_and_a_date_not_in_the_future(tenant):
    senco, pupil = tenant.users["senco"], tenant.pupil_1
    errors = summary_errors(post(senco, "remove", pupil, remove_data(reason="")))
    assert '<a href="#id_reason">Enter a reason for removing the pupil from the register</a>' in errors
    errors = summary_errors(post(senco, "remove", pupil, remove_data(reason="   ")))
    assert '<a href="#id_reason">Enter a reason for removing the pupil from the register</a>' in errors
    errors = summary_errors(post(senco, "remove", pupil, remove_data(TODAY + datetime.timedelta(days=1))))
    assert '<a href="#id_removed_on_0">Date removed from the register cannot be in the future</a>' in errors
    errors = summary_errors(post(senco, "remove", pupil, {"reason": "x"}))
    assert '<a href="#id_removed_on_0">Enter the date the pupil was removed from the register</a>' in errors
    pupil.refresh_from_db()
    assert pupil.on_register and pupil.removed_on is None
    assert not AuditEvent.objects.filter(action="pupil_removed").exists()


def test_senco_returns_a_removed_pupil_to_the_register(tenant):
    senco, pupil = tenant.users["senco"], tenant.pupil_1
    day = TODAY - datetime.timedelta(days=8)
    post(senco, "remove", pupil, remove_data(day))
    client = client_for(senco)
    page = client.get(reverse("pupils:return", args=[pupil.pk])).content.decode()
    assert "<title>Return a pupil to the SEN register – " in page and f"{day.day} {day:%B %Y}" in page
    response = client.post(reverse("pupils:return", args=[pupil.pk]))
    assert response.status_code == 302 and response.url == reverse("pupils:detail", args=[pupil.pk])
    pupil.refresh_from_db()
    assert (pupil.on_register, pupil.removed_on, pupil.removal_reason) == (True, None, "")
    event = AuditEvent.objects.get(action="pupil_returned")
    assert event.actor == senco and event.summary == f"Returned to the register (removed on {day.isoformat()})"
    assert event.changes == {"on_register": [False, True], "removed_on": [day.isoformat(), None]}
    assert pupil.last_name in client.get(reverse("pupils:list")).content.decode()


def test_returning_a_pupil_on_the_register_is_refused(tenant):
    response = post(tenant.users["senco"], "return", tenant.pupil_1)
    assert "This pupil is already on the SEN register" in summary_errors(response)
    assert not AuditEvent.objects.filter(action="pupil_returned").exists()


def test_a_pupil_with_no_sen_needs_their_provision_changed_before_returning(tenant):
    pupil = tenant.pupil_1
    pupil.sen_status, pupil.primary_need = SenStatus.NO_SEN, None
    pupil.on_register, pupil.removed_on, pupil.removal_reason = False, TODAY, "Removed at review"
    pupil.save()
    response = post(tenant.users["senco"], "return", pupil)
    assert "Change the pupil&#x27;s SEN provision to SEN Support or EHC plan" in summary_errors(response)
    pupil.refresh_from_db()
    assert not pupil.on_register


def test_a_removed_pupils_record_links_its_senco_to_return_them_to_the_register(tenant):
    senco = tenant.users["senco"]
    post(senco, "remove", tenant.pupil_1, remove_data())
    detail = reverse("pupils:detail", args=[tenant.pupil_1.pk])
    page = client_for(senco).get(detail).content.decode()
    return_url = reverse("pupils:return", args=[tenant.pupil_1.pk])
    assert f'href="{return_url}" data-testid="return-to-register">Return to the register</a>' in page
    assert reverse("pupils:remove", args=[tenant.pupil_1.pk]) not in page
    assert client_for(senco).get(return_url).status_code == 200
    assert return_url not in client_for(tenant.users["area_lead"]).get(detail).content.decode()
    # On the register again, the link is to remove them instead.
    post(senco, "return", tenant.pupil_1, {})
    page = client_for(senco).get(detail).content.decode()
    assert return_url not in page and reverse("pupils:remove", args=[tenant.pupil_1.pk]) in page
