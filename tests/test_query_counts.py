"""Every list page and API list runs the same number of SQL queries at 1 row and at 20 rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f
from tests.fixtures import client_for

# 4 queries per request before the view: session, user, memberships (with tenant), their roles.
# Then a list costs 2: the count for the pagination and one page of rows (joins, never per-row queries).
# The pupil list page adds 1 for the need types in its filter and 1 for the school filter's options
# (only for users who can see more than one school, like the LA officer here).
LISTS = {
    "pupils:list": ("pupil", 4 + 2 + 1 + 1),
    "localities:school-list": ("school", 4 + 2),
    "localities:locality-list": ("locality", 4 + 2),
    "panels:list": ("panel", 4 + 2),
    "api-pupil-list": ("pupil", 4 + 2 + 1),  # + the audit row of a bulk read
    "api-school-list": ("school", 4 + 2),
}


def _add(kind, tenant, n):
    for _ in range(n):
        if kind == "pupil":
            f.make_pupil(tenant.school_1)
        elif kind == "school":
            f.make_school(tenant.authority, tenant.locality_1)
        elif kind == "locality":
            f.make_locality(tenant.authority)
        elif kind == "panel":
            f.make_panel(tenant.authority)


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url_name", list(LISTS))
def test_list_query_count_is_pinned_and_independent_of_rows(tenant, url_name):
    kind, expected = LISTS[url_name]
    client = client_for(tenant.users["la_officer"])
    url = reverse(url_name)
    few = _count(client, url)
    _add(kind, tenant, 20)
    many = _count(client, url)
    assert few == many == expected, (few, many)


def test_school_provision_map_query_count_does_not_grow_with_pupils(tenant):
    """4 before the view + school + pupils + open-cycle provision + equipment + group memberships
    + completed-cycle counts + the group list = 11, at 1 pupil or 21 (no group has members here, so the
    member-count query is skipped; the part-year threshold reads the joining date on the pupil)."""
    from pupils.tests.casework import add_equipment, add_provision, completed_cycles

    senco = tenant.users["senco"]
    client = client_for(senco)
    url = reverse("pupils:school-provision-map", args=[tenant.school_1.pk])
    cycle = completed_cycles(senco, tenant.pupil_1, 1)
    add_provision(cycle)
    add_equipment(cycle)
    few = _count(client, url)
    for _ in range(20):
        pupil = f.make_pupil(tenant.school_1)
        add_provision(completed_cycles(senco, pupil, 1))
    many = _count(client, url)
    assert few == many == 11, (few, many)


def _reviewed_cycle(pupil, number):
    import datetime

    from pupils.models import Cycle, CycleStatus

    day = datetime.date.today() - datetime.timedelta(days=30 * (40 - number))
    return Cycle.objects.create(
        local_authority=pupil.local_authority, pupil=pupil, number=number, status=CycleStatus.REVIEWED,
        started_on=day - datetime.timedelta(days=28), review_on=day, reviewed_on=day, decision="continue",
    )  # fmt: skip


def test_senco_dashboard_query_count_is_pinned_and_independent_of_pupils(tenant):
    """The home page of a SENCO, each pupil overdue, with parents not informed and flagged for top-up:
    4 before the view + the home summary (pupil counts, schools, school count: 3) + the dashboard: the
    tenant's top-up settings, the top-up candidates (pupils on the register with enough completed cycles),
    their open-cycle provision, equipment, group memberships and completed-cycle counts (6), then each of
    the three other lists and its count (6) = 19, at 1 pupil or 20. (A pupil in a group intervention adds
    one query for the groups' member counts, whatever the number of pupils.)"""
    from pupils.tests.casework import completed_cycles

    senco = tenant.users["senco"]
    client = client_for(senco)
    completed_cycles(senco, tenant.pupil_1, 2, provision_cost="7000.00")
    few = _count(client, reverse("home"))
    for _ in range(19):
        completed_cycles(senco, f.make_pupil(tenant.school_1), 2, provision_cost="7000.00")
    many = _count(client, reverse("home"))
    page = client.get(reverse("home")).content.decode()
    assert "Eligible for a top-up request (20)" in page and "Reviews overdue (20)" in page
    assert few == many == 19, (few, many)


def test_pupil_record_query_count_is_pinned_and_independent_of_its_timeline(tenant):
    """4 before the view + the pupil (scoped) + the pupil with what the page shows + the audit row of the
    view + the record (cycles, views, contacts, moves: 4) + the costed provision (open-cycle provision,
    equipment, group memberships, completed cycles: 4) + the timeline's page (count and rows: 2) + school
    and need names for it (2) + funding requests = 20, with 1 timeline entry or a full page of 20."""
    from pupils.record_services import pupil_contact_add, pupil_voice_add
    from pupils.tests.casework import TODAY, scope_of

    senco = tenant.users["senco"]
    scope = scope_of(senco)
    client = client_for(senco)
    url = reverse("pupils:detail", args=[tenant.pupil_1.pk])
    pupil_voice_add(actor=senco, scope=scope, pupil_id=tenant.pupil_1.pk, voice_of="child", recorded_on=TODAY,
                    views="Likes maths")  # fmt: skip
    few = _count(client, url)
    for n in range(10):
        pupil_voice_add(actor=senco, scope=scope, pupil_id=tenant.pupil_1.pk, voice_of="parent", recorded_on=TODAY,
                        views=f"View {n}")  # fmt: skip
        pupil_contact_add(actor=senco, scope=scope, pupil_id=tenant.pupil_1.pk, name=f"Contact {n}",
                          relationship="aunt", phone="0123")  # fmt: skip
    many = _count(client, url)
    assert client.get(url).content.decode().count("by " + senco.full_name) == 20  # a full page of the timeline
    assert few == many == 20, (few, many)


def test_cycle_list_query_count_is_pinned_and_independent_of_cycles(tenant):
    """4 before the view + the pupil + its cycles + the audit row of the view + may this user start one
    (an editable-pupil check, only while no cycle is open) = 8, at 1 cycle or 20."""
    client = client_for(tenant.users["senco"])
    url = reverse("pupils:cycle-list", args=[tenant.pupil_1.pk])
    _reviewed_cycle(tenant.pupil_1, 1)
    few = _count(client, url)
    for number in range(2, 21):
        _reviewed_cycle(tenant.pupil_1, number)
    many = _count(client, url)
    assert client.get(url).content.decode().count("Continue the support") == 20
    assert few == many == 8, (few, many)


def test_school_page_training_list_query_count_is_pinned_and_independent_of_records(tenant):
    """4 before the view + the school + its register counts + the training list (count and page: 2) + the
    tenant (for the LAESTAB) + the locality = 10, at 1 training record or a page of 20."""
    import datetime

    from localities.models import StaffTraining

    client = client_for(tenant.users["senco"])
    url = reverse("localities:school-detail", args=[tenant.school_1.pk])

    def add_training(n):
        StaffTraining.objects.create(local_authority=tenant.authority, school=tenant.school_1, staff_name=f"Staff {n}",
                                     course="Autism awareness", completed_on=datetime.date(2026, 1, 1 + n),
                                     send_area="communication")  # fmt: skip

    add_training(0)
    few = _count(client, url)
    for n in range(1, 20):
        add_training(n)
    many = _count(client, url)
    assert client.get(url).content.decode().count('<td class="govuk-table__cell">Autism awareness</td>') == 20
    assert few == many == 10, (few, many)


def test_group_intervention_page_query_count_is_pinned_and_independent_of_members(tenant):
    """4 before the view + the group + the school's register (its choices) + the members = 7, with 1
    pupil taking part or 20."""
    from decimal import Decimal

    from pupils.record_services import group_intervention_create, group_intervention_set_members
    from pupils.tests.casework import scope_of

    senco = tenant.users["senco"]
    scope = scope_of(senco)
    client = client_for(senco)
    group = group_intervention_create(actor=senco, scope=scope, school_id=tenant.school_1.pk, name="Lego therapy",
                                      delivered_by="ta", fixed_cost=Decimal("900.00"))  # fmt: skip
    url = reverse("pupils:group-detail", args=[group.pk])
    group_intervention_set_members(actor=senco, scope=scope, group_id=group.pk, pupil_ids=[tenant.pupil_1.pk],
                                   is_running=True)  # fmt: skip
    few = _count(client, url)
    pupils = [tenant.pupil_1.pk, *(f.make_pupil(tenant.school_1).pk for _ in range(19))]
    group_intervention_set_members(actor=senco, scope=scope, group_id=group.pk, pupil_ids=pupils, is_running=True)
    many = _count(client, url)
    assert "for each of 20 pupils" in client.get(url).content.decode()
    assert few == many == 7, (few, many)
