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
