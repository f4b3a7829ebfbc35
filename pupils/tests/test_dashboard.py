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


def test_each_long_section_counts_everything_and_links_to_the_whole_list_on_the_register(tenant):
    from pupils.dashboard import LIST_LIMIT

    senco = tenant.users["senco"]
    client = client_for(senco)
    flagged = []
    for _ in range(LIST_LIMIT + 1):
        pupil = f.make_pupil(tenant.school_1)  # parents not informed either
        completed_cycles(senco, pupil, 2, provision_cost="6500.00")
        flagged.append(pupil)
    overdue = [f.make_pupil(tenant.school_1) for _ in range(LIST_LIMIT + 2)]
    for pupil in overdue:
        _cycle(senco, pupil, -1)
    page = client.get(reverse("home")).content.decode()
    assert f"Eligible for a top-up request ({LIST_LIMIT + 1})" in page  # the real count, not the list's length
    assert section(page, "top-up").count("<li>") == LIST_LIMIT
    # The completed_cycles helper leaves each flagged pupil with an open cycle whose review is past too.
    assert f"Reviews overdue ({2 * LIST_LIMIT + 3})" in page
    not_informed = 1 + 2 * LIST_LIMIT + 3  # pupil_1, the flagged and the overdue pupils
    assert f"Parents not yet formally informed ({not_informed})" in page

    for testid, query, expected in (
        ("top-up-all", "top_up=eligible", flagged),
        ("overdue-all", "review=overdue", [*flagged, *overdue]),
        ("not-informed-all", "parents=not_informed", [tenant.pupil_1, *flagged, *overdue]),
    ):
        start = page.index(f'data-testid="{testid}"')
        link = page[page.rindex('href="', 0, start) + 6 : page.index('"', page.rindex('href="', 0, start) + 6)]
        assert link.startswith(reverse("pupils:list") + "?") and query in link
        register = client.get(link.replace("&amp;", "&"))
        assert f'data-testid="result-count">{len(expected)} pupils<' in register.content.decode(), testid


def test_short_sections_have_no_view_all_link(tenant):
    page = client_for(tenant.users["senco"]).get(reverse("home")).content.decode()
    assert "Parents not yet formally informed (1)" in page
    assert 'data-testid="not-informed-all"' not in page and 'data-testid="top-up-all"' not in page


def test_register_filters_for_parents_not_informed_and_top_up(tenant):
    senco = tenant.users["senco"]
    informed = f.make_pupil(tenant.school_1, parents_informed_on=TODAY, parents_informed_how="letter")
    eligible = f.make_pupil(tenant.school_1, parents_informed_on=TODAY, parents_informed_how="letter")
    completed_cycles(senco, eligible, 2, provision_cost="6500.00")
    under = f.make_pupil(tenant.school_1)
    completed_cycles(senco, under, 2, provision_cost="5000.00")  # 2 cycles but within the threshold
    client = client_for(senco)

    def names(**params):
        page = client.get(reverse("pupils:list"), params).content.decode()
        return {p for p in (tenant.pupil_1, informed, eligible, under) if f"{p.last_name}, {p.first_name}" in page}

    assert names(parents="not_informed") == {tenant.pupil_1, under}
    assert names(top_up="eligible") == {eligible}
    assert names(top_up="eligible", parents="not_informed") == set()
    assert names(top_up="nonsense") == {tenant.pupil_1, informed, eligible, under}  # ignored, not an error
    # Another school's pupil never appears, whatever the filter (the area lead reads both schools).
    other = f.make_pupil(tenant.school_2)
    lead_page = client_for(tenant.users["area_lead"]).get(reverse("pupils:list"), {"parents": "not_informed"})
    assert other.last_name in lead_page.content.decode()
    assert other.last_name not in client.get(reverse("pupils:list"), {"parents": "not_informed"}).content.decode()
