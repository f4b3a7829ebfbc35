"""A SENCO adds pupils to their school's register and corrects their details; every rule is explained
on the form and nothing is saved while anything is wrong."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.scoping import scope_for_membership
from audit.models import AuditEvent
from pupils import services
from pupils.models import NeedType, Pupil, SenStatus
from tests import factories as f
from tests.fixtures import client_for

TODAY = timezone.localdate()


def date_fields(name, day):
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def add_data(school, **overrides):
    data = {
        "school": str(school.pk),
        "upn": f.make_upn(school),
        "first_name": "Ada",
        "last_name": "Lovelace",
        **date_fields("date_of_birth", datetime.date(2016, 5, 4)),
        "nc_year": "4",
        "sen_status": "K",
        "primary_need": "SPLD",
        "secondary_need": "",
        **date_fields("sen_support_since", datetime.date(2023, 9, 5)),
    }
    data.update(overrides)
    return data


def edit_data(pupil, **overrides):
    data = {
        "upn": pupil.upn,
        "first_name": pupil.first_name,
        "last_name": pupil.last_name,
        **date_fields("date_of_birth", pupil.date_of_birth),
        "nc_year": str(pupil.nc_year),
        "sen_status": pupil.sen_status,
        "primary_need": pupil.primary_need.code if pupil.primary_need else "",
        "secondary_need": pupil.secondary_need.code if pupil.secondary_need else "",
    }
    if pupil.ehcp_issued_on:
        data.update(date_fields("ehcp_issued_on", pupil.ehcp_issued_on))
    data.update(overrides)
    return data


def post_add(user, data):
    return client_for(user).post(reverse("pupils:add"), data)


def post_edit(user, pupil, data):
    return client_for(user).post(reverse("pupils:edit", args=[pupil.pk]), data)


def assert_form_error(response, field_anchor, message):
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "govuk-error-summary" in page
    assert f'<a href="#{field_anchor}">{message}</a>' in page, page[page.find("govuk-error-summary") :][:1500]


# --- adding ---------------------------------------------------------------------------------------


def test_senco_adds_a_pupil_and_the_addition_is_audited(tenant):
    senco = tenant.users["senco"]
    client = client_for(senco)
    data = add_data(tenant.school_1, upn=f" {f.make_upn(tenant.school_1).lower()} ")
    response = client.post(reverse("pupils:add"), data)
    pupil = Pupil.objects.get(last_name="Lovelace")
    assert response.status_code == 302 and response.url == reverse("pupils:detail", args=[pupil.pk])
    assert pupil.upn == data["upn"].strip().upper()
    assert (pupil.school, pupil.local_authority, pupil.on_register) == (tenant.school_1, tenant.authority, True)
    assert pupil.date_of_birth == datetime.date(2016, 5, 4) and pupil.sen_support_since == datetime.date(2023, 9, 5)
    assert pupil.primary_need.code == "SPLD" and pupil.secondary_need is None
    event = AuditEvent.objects.get(action="pupil_added")
    assert event.actor == senco and event.object_id == str(pupil.pk)
    assert "Lovelace" not in event.summary and pupil.upn not in event.summary
    page = client.get(response.url).content.decode()
    assert "Pupil added to the SEN register" in page


def test_the_form_preselects_a_single_school_and_offers_only_the_senco_schools(tenant):
    senco = tenant.users["senco"]
    page = client_for(senco).get(reverse("pupils:add")).content.decode()
    assert "<title>Add a pupil to the SEN register – " in page
    assert f'<option value="{tenant.school_1.pk}" selected>{tenant.school_1.name}</option>' in page
    assert tenant.school_2.name not in page
    assert "novalidate" in page
    # N is not offered when adding; K and E are.
    assert 'value="K"' in page and 'value="E"' in page and 'value="N"' not in page
    # Need types: active ones only.
    NeedType.objects.filter(code="OTH").update(is_active=False)
    page = client_for(senco).get(reverse("pupils:add")).content.decode()
    assert 'value="SPLD"' in page and 'value="OTH"' not in page

    f.grant(senco, tenant.authority, Role.SENCO, school=tenant.school_2)
    page = client_for(senco).get(reverse("pupils:add")).content.decode()
    assert f'<option value="{tenant.school_1.pk}">' in page and f'<option value="{tenant.school_2.pk}">' in page
    assert " selected>" + tenant.school_1.name not in page


def test_multi_school_senco_adds_to_their_second_school_but_never_to_anothers(tenant):
    senco = tenant.users["senco"]
    f.grant(senco, tenant.authority, Role.SENCO, school=tenant.school_2)
    assert post_add(senco, add_data(tenant.school_2)).status_code == 302
    assert Pupil.objects.get(last_name="Lovelace").school == tenant.school_2
    response = post_add(senco, add_data(tenant.school_3, last_name="Hopper"))
    assert_form_error(response, "id_school", "Select one of your schools")
    assert not Pupil.objects.filter(last_name="Hopper").exists()


def test_duplicate_upn_says_at_which_school_the_pupil_is(tenant):
    response = post_add(tenant.users["senco"], add_data(tenant.school_1, upn=tenant.pupil_3.upn))
    assert_form_error(response, "id_upn", f"A pupil with this UPN is already on the register at {tenant.school_3.name}")
    assert Pupil.objects.filter(upn=tenant.pupil_3.upn).count() == 1
    assert not AuditEvent.objects.filter(action="pupil_added").exists()


def test_the_same_upn_in_another_tenant_is_not_a_duplicate(world):
    school = world.a.school_1
    other = f.make_pupil(world.b.school_1)
    # A UPN carries its LA code, so this can only happen with a pupil who moved authority: allowed.
    other.upn = f.make_upn(school)
    other.save()
    assert post_add(world.a.users["senco"], add_data(school, upn=other.upn)).status_code == 302


def test_upn_check_letter_and_la_code_are_checked(tenant):
    senco = tenant.users["senco"]
    good = f.make_upn(tenant.school_1)
    wrong_letter = ("B" if good[0] != "B" else "C") + good[1:]
    response = post_add(senco, add_data(tenant.school_1, upn=wrong_letter))
    assert_form_error(
        response, "id_upn", "The UPN check letter does not match: check the UPN has been copied correctly"
    )
    response = post_add(senco, add_data(tenant.school_1, upn="A000200021001"))
    assert_form_error(response, "id_upn", "Characters 2 to 4 of a UPN must be a DfE LA code; 000 is not one")
    response = post_add(senco, add_data(tenant.school_1, upn="A12"))
    assert_form_error(response, "id_upn", "UPN must be 13 characters (you entered 3)")
    assert not Pupil.objects.filter(last_name="Lovelace").exists()


def test_date_of_birth_must_be_in_the_past(tenant):
    senco = tenant.users["senco"]
    for day in (TODAY, TODAY + datetime.timedelta(days=1)):
        response = post_add(senco, add_data(tenant.school_1, **date_fields("date_of_birth", day)))
        assert_form_error(response, "id_date_of_birth_0", "Date of birth must be in the past")
    response = post_add(
        senco, add_data(tenant.school_1, date_of_birth_0="31", date_of_birth_1="2", date_of_birth_2="2016")
    )
    assert_form_error(response, "id_date_of_birth_0", "Date of birth must be a real date")
    assert not Pupil.objects.filter(last_name="Lovelace").exists()


def test_every_problem_is_reported_at_once_and_what_was_typed_is_kept(tenant):
    data = add_data(
        tenant.school_1, upn="nonsense", first_name="", nc_year="", sen_status="", primary_need="",
        **date_fields("date_of_birth", TODAY + datetime.timedelta(days=3)), last_name="Lovelace",
    )  # fmt: skip
    response = post_add(tenant.users["senco"], data)
    page = response.content.decode()
    for anchor, message in [
        ("id_first_name", "Enter the pupil&#x27;s first name"),
        ("id_nc_year", "Select the pupil&#x27;s year group"),
        ("id_sen_status_0", "Select SEN Support or EHC plan"),
        ("id_primary_need", "Select the pupil&#x27;s primary need"),
        ("id_upn", "UPN must be 13 characters (you entered 8)"),
        ("id_date_of_birth_0", "Date of birth must be in the past"),
    ]:
        assert f'<a href="#{anchor}">{message}</a>' in page
    assert 'value="Lovelace"' in page and 'value="nonsense"' in page


def test_service_errors_are_reported_together_once_the_form_is_complete(tenant):
    response = post_add(
        tenant.users["senco"],
        add_data(tenant.school_1, upn="nonsense", **date_fields("date_of_birth", TODAY + datetime.timedelta(days=3))),
    )
    page = response.content.decode()
    assert '<a href="#id_upn">UPN must be 13 characters (you entered 8)</a>' in page
    assert '<a href="#id_date_of_birth_0">Date of birth must be in the past</a>' in page


def test_ehc_plan_needs_its_issue_date_and_nsa_is_refused_with_a_plan(tenant):
    senco = tenant.users["senco"]
    response = post_add(senco, add_data(tenant.school_1, sen_status="E", primary_need="ASD"))
    assert_form_error(response, "id_ehcp_issued_on_0", "Enter the date the EHC plan was issued")
    response = post_add(
        senco,
        add_data(tenant.school_1, sen_status="E", primary_need="NSA",
                 **date_fields("ehcp_issued_on", datetime.date(2023, 1, 1))),
    )  # fmt: skip
    assert_form_error(
        response,
        "id_primary_need",
        "SEN support but no specialist assessment of type of need (NSA) can only be recorded for pupils at SEN Support",
    )
    assert not Pupil.objects.filter(last_name="Lovelace").exists()
    response = post_add(
        senco,
        add_data(tenant.school_1, sen_status="E", primary_need="ASD",
                 **date_fields("ehcp_issued_on", datetime.date(2023, 1, 1))),
    )  # fmt: skip
    assert response.status_code == 302
    assert Pupil.objects.get(last_name="Lovelace").ehcp_issued_on == datetime.date(2023, 1, 1)


def test_ehc_plan_date_is_not_kept_for_sen_support(tenant):
    data = add_data(tenant.school_1, **date_fields("ehcp_issued_on", datetime.date(2023, 1, 1)))
    assert post_add(tenant.users["senco"], data).status_code == 302
    assert Pupil.objects.get(last_name="Lovelace").ehcp_issued_on is None


def test_no_sen_is_not_offered_for_adding(tenant):
    response = post_add(tenant.users["senco"], add_data(tenant.school_1, sen_status="N"))
    assert_form_error(response, "id_sen_status_0", "Select SEN Support or EHC plan")
    assert not Pupil.objects.filter(last_name="Lovelace").exists()


def test_unknown_or_retired_need_codes_are_refused_with_a_message(tenant):
    senco = tenant.users["senco"]
    response = post_add(senco, add_data(tenant.school_1, primary_need="XYZ"))
    assert_form_error(
        response, "id_primary_need", "Select the pupil&#x27;s primary need from the list of census need types"
    )
    response = post_add(senco, add_data(tenant.school_1, secondary_need="BOGUS"))
    assert_form_error(
        response, "id_secondary_need", "Select the pupil&#x27;s secondary need from the list of census need types"
    )
    response = post_add(senco, add_data(tenant.school_1, secondary_need="SPLD"))
    assert_form_error(response, "id_secondary_need", "Secondary need must be different from the primary need")
    assert not Pupil.objects.filter(last_name="Lovelace").exists()


def test_the_service_refuses_unknown_codes_and_schools_outside_the_scope(tenant):
    """Whoever calls the service (a form, the API, an import), its own checks hold."""
    senco = tenant.users["senco"]
    scope = scope_for_membership(senco.memberships.get())
    NeedType.objects.filter(code="OTH").update(is_active=False)
    values = {
        "actor": senco, "scope": scope, "school_id": tenant.school_2.pk, "upn": f.make_upn(tenant.school_1),
        "first_name": "Ada", "last_name": "Lovelace", "date_of_birth": datetime.date(2016, 1, 1), "nc_year": 4,
        "sen_status": "K", "primary_need_code": "XYZ", "secondary_need_code": "OTH",
    }  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.pupil_add(**values)
    assert error.value.message_dict == {
        "school": ["Select one of your schools"],
        "primary_need": ["Primary need must be one of the census need types"],
        "secondary_need": ["Secondary need must be one of the census need types"],
    }
    assert not Pupil.objects.filter(last_name="Lovelace").exists()


# --- changing -------------------------------------------------------------------------------------


def test_edit_form_shows_the_current_details(tenant):
    pupil = tenant.pupil_1
    page = client_for(tenant.users["senco"]).get(reverse("pupils:edit", args=[pupil.pk])).content.decode()
    assert "<title>Change pupil details – " in page
    assert f'value="{pupil.upn}"' in page and f'value="{pupil.last_name}"' in page
    assert '<option value="SLCN" selected>' in page
    assert '<option value="4" selected>Year 4</option>' in page
    assert 'id="id_date_of_birth_2" name="date_of_birth_2" type="text" inputmode="numeric" value="2015"' in page
    assert 'name="school"' not in page  # a school changes by a move
    assert reverse("pupils:move", args=[pupil.pk]) in page


def test_senco_changes_details_and_the_audit_holds_codes_and_dates_not_names(tenant):
    senco = tenant.users["senco"]
    pupil = tenant.pupil_1
    old_upn, old_name = pupil.upn, pupil.last_name
    new_upn = f.make_upn(tenant.school_1)
    data = edit_data(
        pupil, upn=new_upn, last_name="Hopper", nc_year="5", secondary_need="SEMH",
        **date_fields("sen_support_since", datetime.date(2024, 1, 8)),
    )  # fmt: skip
    response = post_edit(senco, pupil, data)
    assert response.status_code == 302 and response.url == reverse("pupils:detail", args=[pupil.pk])
    pupil.refresh_from_db()
    assert (pupil.upn, pupil.last_name, pupil.nc_year) == (new_upn, "Hopper", 5)
    assert pupil.secondary_need.code == "SEMH" and pupil.sen_support_since == datetime.date(2024, 1, 8)
    event = AuditEvent.objects.get(action="pupil_changed")
    assert event.actor == senco and event.object_id == str(pupil.pk)
    assert event.summary == "Changed UPN, last name, year group, secondary need, date added to SEN Support"
    assert event.changes == {
        "upn": [old_upn, new_upn],
        "nc_year": [4, 5],
        "secondary_need": [None, "SEMH"],
        "sen_support_since": [None, "2024-01-08"],
    }
    for text in ("Hopper", old_name, pupil.first_name):
        assert text not in event.summary + str(event.changes)


def test_changing_a_name_only_is_audited_without_the_name(tenant):
    pupil = tenant.pupil_1
    assert post_edit(tenant.users["senco"], pupil, edit_data(pupil, first_name="Grace")).status_code == 302
    event = AuditEvent.objects.get(action="pupil_changed")
    assert event.summary == "Changed first name" and event.changes == {}
    assert "Grace" not in str(event.changes)


def test_duplicate_upn_of_a_removed_pupil_says_where_and_when_they_were_removed(tenant):
    removed_on = TODAY - datetime.timedelta(days=12)
    senco = tenant.users["senco"]
    services.pupil_remove(actor=senco, scope=scope_for_membership(senco.memberships.get()),
                          pupil_id=tenant.pupil_1.pk, removed_on=removed_on, reason="Progress")  # fmt: skip
    response = post_add(senco, add_data(tenant.school_1, upn=tenant.pupil_1.upn, last_name="Hopper"))
    assert_form_error(
        response, "id_upn",
        f"A pupil with this UPN was removed from the register at {tenant.school_1.name} on "
        f"{removed_on.day} {removed_on:%B %Y}. Return them to the register from their record instead of adding "
        "them again",
    )  # fmt: skip
    assert not Pupil.objects.filter(last_name="Hopper").exists()


def test_saving_without_changes_leaves_no_audit_row(tenant):
    pupil = tenant.pupil_1
    assert post_edit(tenant.users["senco"], pupil, edit_data(pupil)).status_code == 302
    assert not AuditEvent.objects.filter(action="pupil_changed").exists()


def test_changed_upn_is_checked_again(tenant):
    senco = tenant.users["senco"]
    pupil = tenant.pupil_1
    response = post_edit(senco, pupil, edit_data(pupil, upn=tenant.pupil_2.upn, last_name="Hopper"))
    assert_form_error(response, "id_upn", f"A pupil with this UPN is already on the register at {tenant.school_2.name}")
    bad = ("B" if pupil.upn[0] != "B" else "C") + pupil.upn[1:]
    response = post_edit(senco, pupil, edit_data(pupil, upn=bad))
    assert_form_error(
        response, "id_upn", "The UPN check letter does not match: check the UPN has been copied correctly"
    )
    pupil.refresh_from_db()
    assert pupil.last_name != "Hopper" and pupil.upn == tenant.pupil_1.upn
    assert not AuditEvent.objects.filter(action="pupil_changed").exists()


def test_moving_from_a_plan_to_sen_support_clears_the_plan_date(tenant):
    pupil = f.make_pupil(
        tenant.school_1, sen_status=SenStatus.EHC_PLAN, ehcp_issued_on=datetime.date(2022, 6, 1),
        primary_need=NeedType.objects.get(code="ASD"),
    )  # fmt: skip
    assert post_edit(tenant.users["senco"], pupil, edit_data(pupil, sen_status="K")).status_code == 302
    pupil.refresh_from_db()
    assert pupil.sen_status == "K" and pupil.ehcp_issued_on is None
    event = AuditEvent.objects.get(action="pupil_changed")
    assert event.changes == {"sen_status": ["E", "K"], "ehcp_issued_on": ["2022-06-01", None]}


def test_edit_refuses_the_same_things_as_adding(tenant):
    senco = tenant.users["senco"]
    pupil = tenant.pupil_1
    response = post_edit(senco, pupil, edit_data(pupil, **date_fields("date_of_birth", TODAY)))
    assert_form_error(response, "id_date_of_birth_0", "Date of birth must be in the past")
    response = post_edit(senco, pupil, edit_data(pupil, sen_status="E"))
    assert_form_error(response, "id_ehcp_issued_on_0", "Enter the date the EHC plan was issued")
    response = post_edit(senco, pupil, edit_data(pupil, sen_status="N"))
    assert_form_error(response, "id_sen_status_0", "Select SEN Support or EHC plan")
    response = post_edit(senco, pupil, edit_data(pupil, primary_need="NOPE"))
    assert_form_error(
        response, "id_primary_need", "Select the pupil&#x27;s primary need from the list of census need types"
    )
    pupil.refresh_from_db()
    assert pupil.sen_status == "K" and pupil.primary_need.code == "SLCN"


def test_a_retired_need_type_stays_selectable_for_the_pupil_who_has_it(tenant):
    pupil = tenant.pupil_1
    NeedType.objects.filter(code="SLCN").update(is_active=False)
    page = client_for(tenant.users["senco"]).get(reverse("pupils:edit", args=[pupil.pk])).content.decode()
    assert '<option value="SLCN" selected>' in page
    assert post_edit(tenant.users["senco"], pupil, edit_data(pupil, nc_year="5")).status_code == 302
    # ...but cannot be given to anyone else.
    response = post_edit(tenant.users["senco"], pupil, edit_data(pupil, secondary_need="SLCN"))
    assert response.status_code == 200


def test_a_pupil_with_no_sen_after_a_review_can_still_be_corrected(tenant):
    pupil = tenant.pupil_1
    pupil.sen_status, pupil.primary_need = SenStatus.NO_SEN, None
    pupil.on_register, pupil.removed_on, pupil.removal_reason = False, TODAY, "Removed at review"
    pupil.save()
    page = client_for(tenant.users["senco"]).get(reverse("pupils:edit", args=[pupil.pk])).content.decode()
    assert 'value="N" checked' in page
    response = post_edit(tenant.users["senco"], pupil, edit_data(pupil, nc_year="6"))
    assert response.status_code == 302
    pupil.refresh_from_db()
    assert pupil.nc_year == 6 and pupil.sen_status == "N"
