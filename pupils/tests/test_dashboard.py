import datetime

from django.urls import reverse

from pupils.cycles import cycle_start
from pupils.tests.casework import TODAY, completed_cycles, scope_of
from tests import factories as f
from tests.fixtures import client_for


def _cycle(senco, pupil, review_in_days):
    start = TODAY - datetime.timedelta(days=40)
    return cycle_start(actor=senco, scope=scope_of(senco), pupil_id=pupil.pk, started_on=start,
                       review_on=TODAY + datetime.timedelta(days=review_in_days))  # fmt: skip


def section(page, testid):
    start = page.index(f'data-testid="{testid}"')
    return page[start : page.index("</ul>", start)]


def test_senco_dashboard_lists_due_overdue_uninformed_and_top_up(tenant):
    senco = tenant.users["senco"]
    due = tenant.pupil_1
    overdue = f.make_pupil(tenant.school_1)
    later = f.make_pupil(tenant.school_1, parents_informed_on=TODAY, parents_informed_how="letter")
    flagged = f.make_pupil(tenant.school_1, parents_informed_on=TODAY, parents_informed_how="meeting")
    _cycle(senco, due, 10)
    _cycle(senco, overdue, -3)
    _cycle(senco, later, 30)
    completed_cycles(senco, flagged, 2, provision_cost="6500.00")
    page = client_for(senco).get(reverse("home")).content.decode()
    assert due.last_name in section(page, "due-soon") and later.last_name not in section(page, "due-soon")
    assert overdue.last_name in section(page, "overdue") and due.last_name not in section(page, "overdue")
    not_informed = section(page, "not-informed")
    assert due.last_name in not_informed and overdue.last_name in not_informed
    assert later.last_name not in not_informed
    assert flagged.last_name in section(page, "top-up") and due.last_name not in section(page, "top-up")
    assert tenant.pupil_2.last_name not in page  # another school's pupil never appears


def test_dashboard_is_only_for_sencos(tenant):
    page = client_for(tenant.users["area_lead"]).get(reverse("home")).content.decode()
    assert 'data-testid="senco-dashboard"' not in page
