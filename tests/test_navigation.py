"""Each role's service navigation shows exactly its links: nothing another role's work needs."""

import re

import pytest
from django.urls import reverse

from tests.fixtures import client_for

# Written out by hand (not derived from send_portal.context_processors.NAVIGATION), in the order shown.
EXPECTED = {
    "senco": ["Home", "Pupils", "Schools", "Funding requests"],
    "area_lead": ["Home", "Pupils", "Schools", "Localities", "Funding requests", "Queue", "Dashboard", "Budgets",
                  "Reports"],
    "panel_member": ["Home", "Panels", "Budgets"],
    "la_officer": ["Home", "Pupils", "Schools", "Localities", "Panels", "Funding requests", "Funding overview",
                   "Budgets", "Reports", "Scheme settings"],
    "finance_officer": ["Home", "Schools", "Localities", "Funding requests", "Funding overview", "Budgets", "Reports"],
    "specialist": ["Home", "Pupils"],
}  # fmt: skip


def navigation_labels(page: str) -> list[str]:
    menu = page[page.index('id="navigation"') :]
    menu = menu[: menu.index("</ul>")]
    links = re.findall(r"<a [^>]*>(.*?)</a>", menu, flags=re.DOTALL)
    return [" ".join(re.sub(r"<[^>]+>", "", link).split()) for link in links]


@pytest.mark.parametrize("role", EXPECTED)
def test_each_role_sees_exactly_its_navigation(tenant, role):
    page = client_for(tenant.users[role]).get(reverse("home")).content.decode()
    assert navigation_labels(page) == [*EXPECTED[role], "Sign out"]


@pytest.mark.parametrize("role", ["senco", "finance_officer", "area_lead", "panel_member", "specialist"])
def test_only_la_officers_see_scheme_settings(tenant, role):
    page = client_for(tenant.users[role]).get(reverse("home")).content.decode()
    assert "Scheme settings" not in navigation_labels(page)
    assert reverse("localities:scheme-settings") not in page


@pytest.mark.parametrize("role", ["finance_officer", "panel_member"])
def test_roles_without_pupil_records_have_no_pupils_link(tenant, role):
    page = client_for(tenant.users[role]).get(reverse("home")).content.decode()
    assert "Pupils" not in navigation_labels(page)
    assert f'href="{reverse("pupils:list")}"' not in page


def test_the_current_page_is_marked_and_still_listed(tenant):
    page = client_for(tenant.users["senco"]).get(reverse("pupils:list")).content.decode()
    assert navigation_labels(page) == [*EXPECTED["senco"], "Sign out"]
    assert re.search(r'href="/pupils/"\s+aria-current="page"', page)
