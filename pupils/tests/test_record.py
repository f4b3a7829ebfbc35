import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from pupils.models import GroupIntervention, PupilContact
from pupils.tests.casework import TODAY, add_equipment, add_provision, completed_cycles, scope_of
from tests.fixtures import client_for

INFORMED = {"informed_on_0": "3", "informed_on_1": "2", "informed_on_2": "2025", "informed_how": "letter"}


def detail(client, pupil):
    return client.get(reverse("pupils:detail", args=[pupil.pk])).content.decode()


def test_warning_until_parents_informed_then_date_and_way_shown_and_on_the_timeline(tenant):
    client = client_for(tenant.users["senco"])
    assert 'data-testid="parents-not-informed"' in detail(client, tenant.pupil_1)
    response = client.post(reverse("pupils:parents-informed", args=[tenant.pupil_1.pk]), INFORMED, follow=True)
    page = response.content.decode()
    assert "Parents informed recorded" in page
    assert 'data-testid="parents-not-informed"' not in page
    assert "3 February 2025, by letter" in page
    assert "Parents or carers formally informed by letter on 3 February 2025" in page  # timeline, plain words
    tenant.pupil_1.refresh_from_db()
    assert tenant.pupil_1.parents_informed_on == datetime.date(2025, 2, 3)


def test_parents_informed_in_the_future_is_refused_and_nothing_saved(tenant):
    tomorrow = TODAY + datetime.timedelta(days=1)
    data = {**INFORMED, "informed_on_0": tomorrow.day, "informed_on_1": tomorrow.month, "informed_on_2": tomorrow.year}
    page = client_for(tenant.users["senco"]).post(reverse("pupils:parents-informed", args=[tenant.pupil_1.pk]), data)
    text = page.content.decode()
    assert "The date parents were informed cannot be in the future" in text
    assert "<title>Error:" in text
    tenant.pupil_1.refresh_from_db()
    assert tenant.pupil_1.parents_informed_on is None
    assert not AuditEvent.objects.filter(action="parents_informed").exists()


def test_child_and_parent_views_are_dated_and_shown_separately(tenant):
    client = client_for(tenant.users["senco"])
    url = reverse("pupils:voice-add", args=[tenant.pupil_1.pk])
    client.post(url, {"voice_of": "child", "recorded_on_0": "1", "recorded_on_1": "3", "recorded_on_2": "2026",
                      "views": "I like the quiet room"})  # fmt: skip
    client.post(url, {"voice_of": "parent", "recorded_on_0": "2", "recorded_on_1": "3", "recorded_on_2": "2026",
                      "views": "Mornings are hard <b>at home</b>"})  # fmt: skip
    page = detail(client, tenant.pupil_1)
    child = page.index("Views of the child")
    parents = page.index("Views of parents or carers")
    assert child < page.index("I like the quiet room") < parents
    assert page.index("Mornings are hard") > parents
    assert "&lt;b&gt;at home&lt;/b&gt;" in page  # escaped


def test_empty_views_are_refused(tenant):
    url = reverse("pupils:voice-add", args=[tenant.pupil_1.pk])
    page = client_for(tenant.users["senco"]).post(url, {"voice_of": "child", "views": ""}).content.decode()
    assert "Enter the views, in their own words where you can" in page
    assert "Enter the date of these views" in page


def test_contact_needs_a_phone_or_email_and_can_be_removed(tenant):
    client = client_for(tenant.users["senco"])
    url = reverse("pupils:contact-add", args=[tenant.pupil_1.pk])
    page = client.post(url, {"name": "Sam Carer", "relationship": "foster carer"}).content.decode()
    assert "Enter a phone number or an email address" in page
    assert not PupilContact.objects.exists()
    client.post(url, {"name": "Sam Carer", "relationship": "foster carer", "phone": "01234 567890"})
    contact = PupilContact.objects.get()
    assert "Sam Carer" in detail(client, tenant.pupil_1)
    remove = reverse("pupils:contact-remove", args=[tenant.pupil_1.pk, contact.pk])
    assert client.get(remove).status_code == 200  # confirmation page
    client.post(remove)
    assert not PupilContact.objects.exists()
    assert AuditEvent.objects.filter(action="contact_removed", object_id=str(tenant.pupil_1.pk)).exists()


def test_contact_of_another_pupil_cannot_be_removed_through_this_pupils_url(tenant):
    other = PupilContact.objects.create(local_authority=tenant.authority, pupil=tenant.pupil_2, name="X",
                                        relationship="aunt", phone="1")  # fmt: skip
    lead_client = client_for(tenant.users["senco"])
    assert lead_client.post(reverse("pupils:contact-remove", args=[tenant.pupil_1.pk, other.pk])).status_code == 404
    assert PupilContact.objects.filter(pk=other.pk).exists()


WRITE_URLS = ["pupils:parents-informed", "pupils:voice-add", "pupils:contact-add"]
# Everything these forms may post, so a refused post would have changed something had it been let through.
ANY_RECORD_FORM = {**INFORMED, "voice_of": "child", "recorded_on_0": "3", "recorded_on_1": "2", "recorded_on_2": "2025",
                   "views": "Likes maths", "name": "Sam Carer", "relationship": "aunt", "phone": "01234"}  # fmt: skip


def user_for(world, who):
    """A user of tenant A by role, or one of the variants the matrices need."""
    from accounts.models import Role
    from tests import factories as f

    if who == "other_tenant_senco":
        return world.b.users["senco"]
    if who == "other_tenant_la_officer":
        return world.b.users["la_officer"]
    if who == "area_lead_of_another_locality":
        return f.make_user(world.a.authority, Role.AREA_SEND_LEAD, locality=world.a.locality_2)
    if who == "senco_of_another_school":
        return f.make_user(world.a.authority, Role.SENCO, school=world.a.school_2)
    if who == "referred_specialist":
        from pupils.services import pupil_refer_to_specialist

        specialist = world.a.users["specialist"]
        pupil_refer_to_specialist(actor=world.a.users["la_officer"], pupil=world.a.pupil_1,
                                  specialist=specialist.memberships.get())  # fmt: skip
        return specialist
    return world.a.users[who]


# Who may write on pupil_1's record (at school_1, locality_1): only the SENCO of school_1. Any role without
# write rights is refused by the page's policy before anything is looked up (403, the same for every id,
# so nothing can be probed); a SENCO who may not see the pupil gets the 404 a missing pupil gets.
RECORD_WRITERS = [
    ("senco", "pupil_1", 200), ("senco", "pupil_2", 404), ("senco", "pupil_3", 404),
    ("senco_of_another_school", "pupil_1", 404), ("area_lead", "pupil_1", 403),
    ("area_lead_of_another_locality", "pupil_1", 403), ("area_lead_of_another_locality", "pupil_3", 403),
    ("la_officer", "pupil_1", 403), ("finance_officer", "pupil_1", 403), ("panel_member", "pupil_1", 403),
    ("specialist", "pupil_1", 403), ("referred_specialist", "pupil_1", 403), ("other_tenant_senco", "pupil_1", 404),
    ("other_tenant_la_officer", "pupil_1", 403),
]  # fmt: skip


def _record_state(pupil):
    from pupils.models import Pupil, PupilVoice

    fresh = Pupil.objects.get(pk=pupil.pk)
    audited = AuditEvent.objects.filter(object_id=str(pupil.pk)).exclude(action__in=["pupil_viewed", "pupil_referred"])
    return (fresh.parents_informed_on, PupilVoice.objects.filter(pupil=pupil).count(),
            PupilContact.objects.filter(pupil=pupil).count(), audited.count())  # fmt: skip


@pytest.mark.parametrize("url_name", WRITE_URLS)
@pytest.mark.parametrize(("who", "pupil", "expected"), RECORD_WRITERS)
def test_record_forms_permission_matrix(world, url_name, who, pupil, expected):
    user = user_for(world, who)
    target = getattr(world.a, pupil)
    url = reverse(url_name, args=[target.pk])
    before = _record_state(target)
    assert client_for(user).get(url).status_code == expected
    response = client_for(user).post(url, ANY_RECORD_FORM)
    if expected == 200:
        assert response.status_code == 302
        assert _record_state(target) != before
    else:
        assert response.status_code == expected
        assert _record_state(target) == before  # nothing changed


@pytest.mark.parametrize(("who", "pupil", "expected"), RECORD_WRITERS)
def test_contact_removal_permission_matrix(world, who, pupil, expected):
    target = getattr(world.a, pupil)
    contact = PupilContact.objects.create(local_authority=world.a.authority, pupil=target, name="Sam Carer",
                                          relationship="aunt", phone="01234")  # fmt: skip
    user = user_for(world, who)
    url = reverse("pupils:contact-remove", args=[target.pk, contact.pk])
    assert client_for(user).get(url).status_code == expected
    response = client_for(user).post(url)
    assert response.status_code == (302 if expected == 200 else expected)
    assert PupilContact.objects.filter(pk=contact.pk).exists() is (expected != 200)
    removed = AuditEvent.objects.filter(action="contact_removed", object_id=str(target.pk)).exists()
    assert removed is (expected == 200)


def test_a_refused_role_gets_the_same_answer_for_any_pupil_id(world):
    lead = user_for(world, "area_lead_of_another_locality")
    for pk in (world.a.pupil_1.pk, world.a.pupil_3.pk, world.b.pupil_1.pk, 999999):
        assert client_for(lead).get(reverse("pupils:voice-add", args=[pk])).status_code == 403


def test_area_lead_reads_the_record_without_edit_links(tenant):
    page = detail(client_for(tenant.users["area_lead"]), tenant.pupil_1)
    assert tenant.pupil_1.upn in page
    assert reverse("pupils:parents-informed", args=[tenant.pupil_1.pk]) not in page


def test_provision_map_costs_and_split_for_a_pupil(tenant):
    senco = tenant.users["senco"]
    cycle = completed_cycles(senco, tenant.pupil_1, 0)
    add_provision(cycle)  # £1,054.50
    add_provision(cycle, description="Pre-teaching", group_size=4)  # £263.63
    add_equipment(cycle, "250.00")
    page = detail(client_for(senco), tenant.pupil_1)
    assert "£1,054.50" in page and "£263.63" in page and "£250.00" in page
    assert "£1,568.13" in page  # total
    assert "Not yet eligible" in page


def test_top_up_flag_needs_cost_above_threshold_and_two_completed_cycles(tenant):
    senco = tenant.users["senco"]
    completed_cycles(senco, tenant.pupil_1, 1, provision_cost="7000.00")
    page = detail(client_for(senco), tenant.pupil_1)
    assert 'data-testid="top-up-flag"' not in page
    assert "Only 1 assess, plan, do, review cycle has been completed; 2 cycles are needed" in page
    tenant.authority.min_completed_cycles_for_top_up = 1
    tenant.authority.save()
    page = detail(client_for(senco), tenant.pupil_1)
    assert 'data-testid="top-up-flag"' in page
    assert "£1,000.00 more than the £6,000.00" in page


def test_group_intervention_cost_is_shared_across_its_pupils(tenant):
    senco = tenant.users["senco"]
    client = client_for(senco)
    other = __import__("tests.factories", fromlist=["make_pupil"]).make_pupil(tenant.school_1)
    response = client.post(reverse("pupils:group-add", args=[tenant.school_1.pk]), {
        "name": "Lego therapy", "delivered_by": "ta", "sessions_per_week": "2", "minutes_per_session": "45",
        "weeks": "36", "hourly_cost": "20.00"})  # fmt: skip
    group = GroupIntervention.objects.get()
    assert response.url == reverse("pupils:group-detail", args=[group.pk])
    client.post(reverse("pupils:group-detail", args=[group.pk]),
                {"pupils": [tenant.pupil_1.pk, other.pk], "is_running": "on"})  # fmt: skip
    # 2 x 45 min x 36 weeks = 54 hours x £20 = £1,080, shared by 2 = £540
    assert "£540.00" in detail(client, tenant.pupil_1)
    school_map = client.get(reverse("pupils:school-provision-map", args=[tenant.school_1.pk])).content.decode()
    assert "Lego therapy" in school_map and "£1,080.00" in school_map and "£540.00" in school_map


def test_group_intervention_refuses_bad_costing_and_pupils_of_another_school(tenant):
    client = client_for(tenant.users["senco"])
    url = reverse("pupils:group-add", args=[tenant.school_1.pk])
    page = client.post(url, {"name": "X", "delivered_by": "ta", "sessions_per_week": "1", "minutes_per_session": "700",
                             "weeks": "10", "hourly_cost": "-1", "fixed_cost": "10"}).content.decode()  # fmt: skip
    assert "Minutes per session must be 600 or fewer" in page
    assert "Hourly cost cannot be negative" in page
    both = client.post(url, {"name": "X", "delivered_by": "ta", "hourly_cost": "10", "fixed_cost": "10",
                             "sessions_per_week": "1", "minutes_per_session": "10", "weeks": "1"}).content.decode()  # fmt: skip
    assert "not both" in both
    assert not GroupIntervention.objects.exists()
    client.post(url, {"name": "Y", "delivered_by": "ta", "fixed_cost": "900"})
    group = GroupIntervention.objects.get()
    page = client.post(reverse("pupils:group-detail", args=[group.pk]),
                       {"pupils": [tenant.pupil_2.pk], "is_running": "on"}).content.decode()  # fmt: skip
    assert "Select a valid choice" in page
    assert not group.pupils.exists()


@pytest.mark.parametrize(
    ("who", "school", "expected"),
    [("senco", "school_1", 200), ("senco", "school_2", 404), ("area_lead", "school_1", 200),
     ("area_lead", "school_3", 404), ("area_lead_of_another_locality", "school_1", 404),
     ("la_officer", "school_3", 200), ("finance_officer", "school_1", 403), ("specialist", "school_1", 403),
     ("referred_specialist", "school_1", 403), ("panel_member", "school_1", 403),
     ("other_tenant_la_officer", "school_1", 404), ("other_tenant_senco", "school_1", 404)],
)  # fmt: skip
def test_school_provision_map_permissions(world, who, school, expected):
    url = reverse("pupils:school-provision-map", args=[getattr(world.a, school).pk])
    assert client_for(user_for(world, who)).get(url).status_code == expected


# Adding a group intervention: the SENCO of the school only.
GROUP_ADDERS = [
    ("senco", 200), ("senco_of_another_school", 404), ("area_lead", 403), ("area_lead_of_another_locality", 403),
    ("la_officer", 403), ("finance_officer", 403), ("panel_member", 403), ("specialist", 403),
    ("other_tenant_senco", 404), ("other_tenant_la_officer", 403),
]  # fmt: skip


@pytest.mark.parametrize(("who", "expected"), GROUP_ADDERS)
def test_group_add_permission_matrix(world, who, expected):
    url = reverse("pupils:group-add", args=[world.a.school_1.pk])
    client = client_for(user_for(world, who))
    assert client.get(url).status_code == expected
    response = client.post(url, {"name": "Lego therapy", "delivered_by": "ta", "fixed_cost": "900"})
    assert response.status_code == (302 if expected == 200 else expected)
    assert GroupIntervention.objects.exists() is (expected == 200)
    assert AuditEvent.objects.filter(action="group_intervention_added").exists() is (expected == 200)


def test_group_pages_are_scoped(world):
    scope = scope_of(world.a.users["senco"])
    from pupils.record_services import group_intervention_create

    group = group_intervention_create(actor=world.a.users["senco"], scope=scope, school_id=world.a.school_1.pk,
                                      name="G", delivered_by="ta", fixed_cost=Decimal("100"))  # fmt: skip
    url = reverse("pupils:group-detail", args=[group.pk])
    assert client_for(world.a.users["senco"]).get(url).status_code == 200
    assert client_for(world.a.users["area_lead"]).post(url, {"pupils": []}).status_code == 403
    assert client_for(world.b.users["la_officer"]).get(url).status_code == 404
    other_school_senco = __import__("tests.factories", fromlist=["make_user"]).make_user(
        world.a.authority, "senco", school=world.a.school_2
    )
    assert client_for(other_school_senco).get(url).status_code == 404
    assert (
        client_for(other_school_senco).get(reverse("pupils:group-add", args=[world.a.school_1.pk])).status_code == 404
    )


def test_school_provision_map_chart_marks_pupils_above_the_threshold(tenant):
    senco = tenant.users["senco"]
    completed_cycles(senco, tenant.pupil_1, 0, provision_cost="7500.00")
    page = client_for(senco).get(reverse("pupils:school-provision-map", args=[tenant.school_1.pk])).content.decode()
    chart = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in chart
    assert f"{tenant.pupil_1.last_name}, {tenant.pupil_1.first_name}: £7,500.00, above the threshold" in chart
    assert "Threshold £6,000.00" in chart


def test_the_threshold_is_pro_rated_for_a_pupil_who_moved_in_part_way_through_the_year(tenant):
    from pupils.services import pupil_move

    year_start, year_end = tenant.authority.financial_year_containing(TODAY)
    moved_on = year_start + (year_end - year_start) / 2
    moved_on = moved_on if moved_on <= TODAY else year_start  # a date in this year, not in the future
    senco_2 = __import__("tests.factories", fromlist=["make_user"]).make_user(
        tenant.authority, "senco", school=tenant.school_2
    )
    pupil_move(actor=senco_2, scope=scope_of(senco_2), pupil_id=tenant.pupil_2.pk, to_school_id=tenant.school_1.pk,
               moved_on=moved_on, reason="Family moved")  # fmt: skip
    tenant.pupil_2.refresh_from_db()
    assert tenant.pupil_2.joined_school_on == moved_on  # the move records when they joined the new school
    page = detail(client_for(tenant.users["senco"]), tenant.pupil_2)
    days = (year_end - moved_on).days + 1
    expected = (Decimal("6000") * days / ((year_end - year_start).days + 1)).quantize(Decimal("0.01"))
    if moved_on == year_start:
        assert 'data-testid="part-year"' not in page  # on roll all year: nothing to pro-rate
    else:
        assert f"the threshold for that part of the year is £{expected:,.2f}" in page
    assert "(threshold £6,000.00 a year)" in page  # the yearly figure, against the yearly cost


def _senco_of(tenant, school):
    return __import__("tests.factories", fromlist=["make_user"]).make_user(tenant.authority, "senco", school=school)


def test_a_pupil_who_moved_in_today_is_flagged_on_yearly_figures_not_a_part_year_threshold(tenant):
    """The reproduced case: £3,000 a year of provision and 2 completed cycles, moved in today. Against the
    threshold pro-rated to the rest of the year the yearly cost looks above it; like with like, it is not."""
    from pupils.services import pupil_move

    senco_2 = _senco_of(tenant, tenant.school_2)
    completed_cycles(senco_2, tenant.pupil_2, 2, provision_cost="3000.00")
    pupil_move(actor=senco_2, scope=scope_of(senco_2), pupil_id=tenant.pupil_2.pk, to_school_id=tenant.school_1.pk,
               moved_on=TODAY, reason="Family moved")  # fmt: skip
    client = client_for(tenant.users["senco"])
    page = detail(client, tenant.pupil_2)
    assert 'data-testid="top-up-flag"' not in page
    assert "Not yet eligible" in page
    assert "£3,000.00 a year, within the £6,000.00 a year" in page
    school_map = client.get(reverse("pupils:school-provision-map", args=[tenant.school_1.pk])).content.decode()
    assert '<strong class="govuk-tag govuk-tag--orange">Eligible</strong>' not in school_map
    home = client.get(reverse("home")).content.decode()
    assert "Eligible for a top-up request (0)" in home


def test_a_pupil_above_the_yearly_threshold_is_flagged_and_the_part_year_is_explained(tenant):
    from pupils.provision import pupil_provision_map

    senco = tenant.users["senco"]
    completed_cycles(senco, tenant.pupil_1, 2, provision_cost="6600.00")
    year_start, year_end = tenant.authority.financial_year_containing(TODAY)
    joined = max(year_start + datetime.timedelta(days=1), TODAY - datetime.timedelta(days=30))
    tenant.pupil_1.joined_school_on = joined
    tenant.pupil_1.save()
    provision_map = pupil_provision_map(pupil=tenant.pupil_1)
    part = provision_map.costs.part_year
    assert part is not None and part.on_roll_from == joined and part.on_roll_to == year_end
    assert provision_map.eligibility.eligible
    days_in_year = (year_end - year_start).days + 1
    share = (Decimal("6600") * part.days / days_in_year).quantize(Decimal("0.01"))
    assert provision_map.costs.part_year_cost == share
    page = detail(client_for(senco), tenant.pupil_1)
    assert 'data-testid="top-up-flag"' in page
    assert f"provision costs £{share:,.2f} over those days" in page


def test_a_newly_admitted_pupil_has_their_joining_date_recorded_and_checked(tenant):
    from pupils.models import Pupil

    client = client_for(tenant.users["senco"])
    year_start, _year_end = tenant.authority.financial_year_containing(TODAY)
    data = {"school": tenant.school_1.pk, "upn": __import__("tests.factories", fromlist=["x"]).make_upn(
        tenant.school_1), "first_name": "Ada", "last_name": "New", "date_of_birth_0": "1", "date_of_birth_1": "2",
        "date_of_birth_2": "2016", "nc_year": "4", "sen_status": "K", "primary_need": "SLCN"}  # fmt: skip
    tomorrow = TODAY + datetime.timedelta(days=1)
    bad = {**data, "joined_school_on_0": tomorrow.day, "joined_school_on_1": tomorrow.month,
           "joined_school_on_2": tomorrow.year}  # fmt: skip
    page = client.post(reverse("pupils:add"), bad).content.decode()
    assert 'href="#id_joined_school_on_0">Date the pupil joined the school cannot be in the future' in page
    assert not Pupil.objects.filter(last_name="New").exists()
    good = {
        **data,
        "joined_school_on_0": TODAY.day,
        "joined_school_on_1": TODAY.month,
        "joined_school_on_2": TODAY.year,
    }
    client.post(reverse("pupils:add"), good)
    pupil = Pupil.objects.get(last_name="New")
    assert pupil.joined_school_on == TODAY
    page = detail(client, pupil)
    if year_start != TODAY:
        assert 'data-testid="part-year"' in page and f"On roll from {TODAY.day} {TODAY:%B %Y}" in page


def test_the_school_chart_draws_the_yearly_threshold_whoever_costs_most(tenant):
    senco = tenant.users["senco"]
    completed_cycles(senco, tenant.pupil_1, 0, provision_cost="7500.00")
    year_start, _ = tenant.authority.financial_year_containing(TODAY)
    tenant.pupil_1.joined_school_on = max(year_start + datetime.timedelta(days=1), TODAY)
    tenant.pupil_1.save()  # the costliest pupil joined part-way through the year
    page = client_for(senco).get(reverse("pupils:school-provision-map", args=[tenant.school_1.pk])).content.decode()
    chart = page[page.index("<svg") : page.index("</svg>")]
    assert "Threshold £6,000.00" in chart
