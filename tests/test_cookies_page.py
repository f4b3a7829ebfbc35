"""The cookies page names the cookies the service actually sets, in every environment."""

import pytest
from django.test import override_settings

from tests.test_production_settings import load_production_settings


@pytest.mark.parametrize(("session", "csrf"), [("sessionid", "csrftoken"), ("__Host-sessionid", "__Host-csrftoken")])
def test_cookies_page_lists_the_cookie_names_from_settings(client, db, session, csrf):
    with override_settings(SESSION_COOKIE_NAME=session, CSRF_COOKIE_NAME=csrf):
        page = client.get("/cookies/").content.decode()
    assert f'<td class="govuk-table__cell">{session}</td>' in page
    assert f'<td class="govuk-table__cell">{csrf}</td>' in page


def test_the_page_lists_the_names_production_sets(client, db, monkeypatch):
    production = load_production_settings(monkeypatch)
    assert production["SESSION_COOKIE_NAME"].startswith("__Host-")
    with override_settings(
        SESSION_COOKIE_NAME=production["SESSION_COOKIE_NAME"], CSRF_COOKIE_NAME=production["CSRF_COOKIE_NAME"]
    ):
        page = client.get("/cookies/").content.decode()
    assert f'<td class="govuk-table__cell">{production["SESSION_COOKIE_NAME"]}</td>' in page
    assert f'<td class="govuk-table__cell">{production["CSRF_COOKIE_NAME"]}</td>' in page
    assert '<td class="govuk-table__cell">sessionid</td>' not in page
