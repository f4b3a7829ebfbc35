"""The SEN register list (and the API list): who is on it, its filters, sorts, next review date and
query counts."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from pupils.models import Cycle, CycleStatus, NeedType, SenStatus
from tests import factories as f
from tests.fixtures import client_for

TODAY = timezone.localdate()


def days(n):
    return TODAY + datetime.timedelta(days=n)


def open_cycle(pupil, review_on, number=1, started_on=None):
    return f.make_open_cycle(pupil, review_on=review_on, started_on=started_on, number=number)


def reviewed_cycle(pupil, review_on, number=1):
    return Cycle.objects.create(
        local_authority=pupil.local_authority,
        pupil=pupil,
        number=number,
        status=CycleStatus.REVIEWED,
        started_on=review_on - datetime.timedelta(days=60),
        review_on=review_on,
        reviewed_on=review_on,
        decision="continue",
    )


def removed(pupil, on=None):
    pupil.on_register = False
    pupil.removed_on = on or days(-10)
    pupil.removal_reason = "Made enough progress"
    pupil.save()
    return pupil


def names_on(page):
    """Pupils' "Last, First" link texts in table order."""
    return re.findall(r'href="/pupils/\d+/">([^<]+)</a>', page)


def get(user, **params):
    response = client_for(user).get(reverse("pupils:list"), params)
    assert response.status_code == 200
    return response.content.decode()


def label(pupil):
    return f"{pupil.last_name}, {pupil.first_name}"


def test_the_page_is_the_sen_register_and_shows_only_pupils_on_it_by_default(tenant):
    removed(tenant.pupil_2)
    page = get(tenant.users["la_officer"])
    assert "<title>SEN register – " in page
    assert '<h1 class="govuk-heading-l">SEN register</h1>' in page
    assert set(names_on(page)) == {label(tenant.pupil_1), label(tenant.pupil_3)}
    assert 'data-testid="result-count">2 pupils<' in page

    with_removed = get(tenant.users["la_officer"], removed="1")
    assert set(names_on(with_removed)) == {label(p) for p in (tenant.pupil_1, tenant.pupil_2, tenant.pupil_3)}
    assert "Removed</strong>" in with_removed
    assert 'id="removed" name="removed" type="checkbox" value="1" checked' in with_removed


def test_filters_by_year_status_need_and_school(tenant):
    officer = tenant.users["la_officer"]
    asd = NeedType.objects.get(code="ASD")
    year_6 = f.make_pupil(tenant.school_2, nc_year=6)
    plan = f.make_pupil(
        tenant.school_3, sen_status=SenStatus.EHC_PLAN, ehcp_issued_on=datetime.date(2023, 1, 1), primary_need=asd
    )
    assert names_on(get(officer, year="6")) == [label(year_6)]
    assert names_on(get(officer, status="E")) == [label(plan)]
    assert names_on(get(officer, need="ASD")) == [label(plan)]
    assert set(names_on(get(officer, school=tenant.school_2.pk))) == {label(tenant.pupil_2), label(year_6)}
    assert names_on(get(officer, school=tenant.school_2.pk, year="6")) == [label(year_6)]
    # Malformed filters are ignored rather than erroring.
    assert len(names_on(get(officer, year="x", school="'; drop", status="Z", review="soon", sort="?"))) == 5


def test_need_filter_matches_the_primary_or_the_secondary_need(tenant):
    officer = tenant.users["la_officer"]
    asd, mld = NeedType.objects.get(code="ASD"), NeedType.objects.get(code="MLD")
    primary = f.make_pupil(tenant.school_1, primary_need=asd)
    secondary = f.make_pupil(tenant.school_2, primary_need=mld, secondary_need=asd)
    neither = f.make_pupil(tenant.school_3, primary_need=mld)
    assert set(names_on(get(officer, need="ASD"))) == {label(primary), label(secondary)}
    assert set(names_on(get(officer, need="asd"))) == {label(primary), label(secondary)}
    assert set(names_on(get(officer, need="MLD"))) == {label(secondary), label(neither)}
    assert names_on(get(officer, need="ASD", school=tenant.school_2.pk)) == [label(secondary)]
    assert names_on(get(officer, need="NOPE")) == []
    assert "Need (primary or secondary)" in get(officer)


def test_school_filter_offers_only_the_users_visible_schools(world):
    tenant = world.a
    officer_page = get(tenant.users["la_officer"])
    for school in (tenant.school_1, tenant.school_2, tenant.school_3):
        assert f'<option value="{school.pk}">{school.name}</option>' in officer_page
    assert world.b.school_1.name not in officer_page

    lead_page = get(tenant.users["area_lead"])
    assert f'<option value="{tenant.school_2.pk}">{tenant.school_2.name}</option>' in lead_page
    assert tenant.school_3.name not in lead_page  # another locality

    # A SENCO of one school has nothing to choose between; a SENCO of two chooses between those two.
    senco = tenant.users["senco"]
    assert 'id="school"' not in get(senco)
    f.grant(senco, tenant.authority, Role.SENCO, school=tenant.school_3)
    two_schools = get(senco)
    assert f'<option value="{tenant.school_3.pk}">{tenant.school_3.name}</option>' in two_schools
    assert tenant.school_2.name not in two_schools


def test_senco_guessing_another_schools_id_in_the_filter_sees_nothing(world):
    senco = world.a.users["senco"]
    for school in (world.a.school_2, world.b.school_1):
        page = get(senco, school=school.pk)
        assert names_on(page) == []
        assert school.name not in page
    assert names_on(get(senco)) == [label(world.a.pupil_1)]


def test_review_filters_use_the_open_cycle_review_date(tenant):
    officer = tenant.users["la_officer"]
    due_today = f.make_pupil(tenant.school_1)
    due_in_14 = f.make_pupil(tenant.school_2)
    due_in_15 = f.make_pupil(tenant.school_3)
    overdue = f.make_pupil(tenant.school_1)
    only_reviewed = f.make_pupil(tenant.school_1)
    open_cycle(due_today, days(0))
    open_cycle(due_in_14, days(14))
    open_cycle(due_in_15, days(15))
    open_cycle(overdue, days(-1))
    reviewed_cycle(only_reviewed, days(-30))  # a past review of a closed cycle is not overdue
    reviewed_cycle(overdue, days(-200), number=2)

    assert set(names_on(get(officer, review="due"))) == {label(due_today), label(due_in_14)}
    assert names_on(get(officer, review="overdue")) == [label(overdue)]
    assert names_on(get(officer, review="overdue", school=tenant.school_2.pk)) == []


def test_review_filters_leave_out_removed_pupils_unless_asked(tenant):
    pupil = f.make_pupil(tenant.school_1)
    open_cycle(pupil, days(-3))
    removed(pupil)
    assert names_on(get(tenant.users["senco"], review="overdue")) == []
    assert names_on(get(tenant.users["senco"], review="overdue", removed="1")) == [label(pupil)]


def test_review_filter_never_reaches_another_tenant(world):
    other = f.make_pupil(world.b.school_1)
    open_cycle(other, days(-5))
    assert names_on(get(world.a.users["la_officer"], review="overdue")) == []
    assert names_on(get(world.b.users["la_officer"], review="overdue")) == [label(other)]


def test_next_review_column_and_sort_by_review_date(tenant):
    officer = tenant.users["la_officer"]
    later = f.make_pupil(tenant.school_1, last_name="Aaron")
    sooner = f.make_pupil(tenant.school_1, last_name="Zed")
    open_cycle(later, days(40))
    open_cycle(sooner, days(-2))
    reviewed_cycle(tenant.pupil_1, days(-90))
    page = get(officer, sort="review")
    # Soonest first; pupils without an open cycle last (by name).
    without = sorted([tenant.pupil_1, tenant.pupil_2, tenant.pupil_3], key=lambda p: (p.last_name, p.first_name))
    assert names_on(page) == [label(sooner), label(later), *map(label, without)]
    assert f"{days(-2):%-d %b %Y}" in page and "Overdue</strong>" in page
    assert f"{days(40):%-d %b %Y}" in page
    assert "None set" in page


def test_sort_by_name_year_and_school(tenant):
    officer = tenant.users["la_officer"]
    tenant.school_1.name, tenant.school_2.name, tenant.school_3.name = "C school", "A school", "B school"
    for school in (tenant.school_1, tenant.school_2, tenant.school_3):
        school.save()
    p1, p2, p3 = tenant.pupil_1, tenant.pupil_2, tenant.pupil_3
    p1.nc_year, p2.nc_year, p3.nc_year = 6, 2, 4
    for pupil in (p1, p2, p3):
        pupil.save()
    assert names_on(get(officer, sort="year")) == [label(p2), label(p3), label(p1)]
    assert names_on(get(officer, sort="school")) == [label(p2), label(p3), label(p1)]
    assert names_on(get(officer, sort="name")) == sorted(map(label, (p1, p2, p3)))
    assert '<option value="review" selected>Next review date</option>' in get(officer, sort="review")


def test_sort_by_school_keeps_each_schools_pupils_together_in_name_order_across_pages(tenant):
    """Two schools may share a name: their pupils are not interleaved, and pages never repeat or skip."""
    officer = tenant.users["la_officer"]
    for school, name in ((tenant.school_1, "Oak"), (tenant.school_2, "Ash"), (tenant.school_3, "Ash")):
        school.name = name
        school.save()
    for school in (tenant.school_1, tenant.school_2, tenant.school_3):
        for n in range(8):
            f.make_pupil(school, last_name=f"Zed{n % 3}")
    rows = names_on(get(officer, sort="school")) + names_on(get(officer, sort="school", page=2))
    from pupils.models import Pupil

    expected = sorted(Pupil.objects.filter(local_authority=tenant.authority),
                      key=lambda p: (p.school.name, p.school_id, p.last_name, p.first_name, p.pk))  # fmt: skip
    assert rows == [label(p) for p in expected]
    assert names_on(get(tenant.users["senco"], sort="school")) == sorted(
        label(p) for p in Pupil.objects.filter(school=tenant.school_1)
    )


def test_list_is_paginated_with_a_count(tenant):
    for _ in range(27):
        f.make_pupil(tenant.school_1)
    page = get(tenant.users["senco"])
    assert 'data-testid="result-count">28 pupils<' in page
    assert len(names_on(page)) == 25
    assert "Page 1 of 2" in page
    second = get(tenant.users["senco"], page="2")
    assert len(names_on(second)) == 3


def test_senco_gets_row_actions_for_their_own_pupils_only(tenant):
    senco = tenant.users["senco"]
    page = get(senco)
    pupil = tenant.pupil_1
    for name in ("edit", "move", "remove"):
        assert f'href="{reverse(f"pupils:{name}", args=[pupil.pk])}"' in page
    assert reverse("pupils:add") in page
    removed(pupil)
    assert f'href="{reverse("pupils:return", args=[pupil.pk])}"' in get(senco, removed="1")

    officer_page = get(tenant.users["la_officer"])
    assert "/edit/" not in officer_page and reverse("pupils:add") not in officer_page
    assert reverse("pupils:export") in officer_page


def test_export_link_keeps_the_filters(tenant):
    open_cycle(tenant.pupil_1, days(2))
    page = get(tenant.users["la_officer"], year="4", review="due", page="1")
    link = re.search(r'href="(/pupils/export/[^"]*)"', page).group(1).replace("&amp;", "&")
    assert "year=4" in link and "review=due" in link and "page=" not in link
    # Nothing to download when nothing matches.
    assert reverse("pupils:export") not in get(tenant.users["la_officer"], year="9")


def _count(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


# The pinned page count (tests/test_query_counts.py) with every filter and the review sort on, for a
# SENCO of two schools and an LA officer: 4 before the view, count, rows, need types, school choices.
@pytest.mark.parametrize("role", ["la_officer", "senco"])
def test_filtered_list_query_count_is_constant(tenant, role):
    user = tenant.users[role]
    if role == "senco":
        f.grant(user, tenant.authority, Role.SENCO, school=tenant.school_2)
    client = client_for(user)
    open_cycle(tenant.pupil_1, days(3))  # one matching row to start with
    params = {"status": "K", "year": "4", "need": "SLCN", "school": tenant.school_1.pk, "review": "due",
              "removed": "1", "sort": "review"}  # fmt: skip
    few = _count(client, reverse("pupils:list"), params)
    for n in range(19):
        open_cycle(f.make_pupil(tenant.school_1), days(n % 10))
    many = _count(client, reverse("pupils:list"), params)
    assert few == many == 8, (few, many)


# --- API ------------------------------------------------------------------------------------------


def api(user, **params):
    response = client_for(user).get(reverse("api-pupil-list"), params)
    assert response.status_code == 200
    return response.json()["results"]


def test_api_list_honours_the_register_filters(tenant):
    officer = tenant.users["la_officer"]
    overdue = f.make_pupil(tenant.school_2)
    open_cycle(overdue, days(-4))
    removed(tenant.pupil_3)
    rows = api(officer)
    assert {row["id"] for row in rows} == {tenant.pupil_1.pk, tenant.pupil_2.pk, overdue.pk}
    assert {row["id"] for row in api(officer, removed="1")} == {
        tenant.pupil_1.pk, tenant.pupil_2.pk, tenant.pupil_3.pk, overdue.pk
    }  # fmt: skip
    [row] = api(officer, review="overdue")
    assert row["id"] == overdue.pk and row["next_review_on"] == days(-4).isoformat() and row["on_register"]
    assert [r["id"] for r in api(officer, school=tenant.school_2.pk, sort="review")] == [overdue.pk, tenant.pupil_2.pk]
    assert api(tenant.users["senco"], school=tenant.school_2.pk) == []


def test_api_filtered_list_query_count_is_constant(tenant):
    client = client_for(tenant.users["la_officer"])
    open_cycle(tenant.pupil_1, days(3))
    params = {"review": "due", "sort": "review", "removed": "1", "school": tenant.school_1.pk}
    few = _count(client, reverse("api-pupil-list"), params)
    for n in range(19):
        open_cycle(f.make_pupil(tenant.school_1), days(n % 10))
    many = _count(client, reverse("api-pupil-list"), params)
    assert few == many == 4 + 2 + 1, (few, many)  # + the audit row of a bulk read


def test_the_register_shows_each_role_exactly_what_visible_allows(tenant):
    """The list narrows by the scope's schools for the index; it must still match accounts.scoping."""
    from accounts.scoping import scope_for_membership, visible
    from pupils.models import Pupil
    from pupils.services import pupil_refer_to_specialist

    specialist = tenant.users["specialist"]
    pupil_refer_to_specialist(
        actor=tenant.users["la_officer"], pupil=tenant.pupil_3, specialist=specialist.memberships.get()
    )
    both = tenant.users["senco"]
    f.grant(both, tenant.authority, Role.AREA_SEND_LEAD, locality=tenant.locality_2)
    for role in ("senco", "area_lead", "la_officer", "specialist"):
        user = tenant.users[role]
        expected = {label(p) for p in visible(Pupil, scope_for_membership(user.memberships.get()))}
        assert set(names_on(get(user))) == expected, role
    assert set(names_on(get(specialist))) == {label(tenant.pupil_3)}
    assert set(names_on(get(both))) == {label(tenant.pupil_1), label(tenant.pupil_3)}
