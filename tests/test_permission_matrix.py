"""Role x page -> expected status, for every page and API endpoint of the foundation."""

import pytest
from django.urls import reverse

from tests.fixtures import client_for

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404

# page name -> (url builder, {role: status})
MATRIX = {
    "home": (lambda t: reverse("home"), dict.fromkeys(
        ["senco", "area_lead", "panel_member", "la_officer", "finance_officer", "specialist"], OK)),
    "pupil list": (lambda t: reverse("pupils:list"), {
        "senco": OK, "area_lead": OK, "panel_member": FORBIDDEN, "la_officer": OK,
        "finance_officer": FORBIDDEN, "specialist": OK}),
    "pupil of own school": (lambda t: reverse("pupils:detail", args=[t.pupil_1.pk]), {
        "senco": OK, "area_lead": OK, "panel_member": FORBIDDEN, "la_officer": OK,
        "finance_officer": FORBIDDEN, "specialist": NOT_FOUND}),
    "pupil of other school, same locality": (lambda t: reverse("pupils:detail", args=[t.pupil_2.pk]), {
        "senco": NOT_FOUND, "area_lead": OK, "la_officer": OK, "specialist": NOT_FOUND}),
    "pupil of other locality": (lambda t: reverse("pupils:detail", args=[t.pupil_3.pk]), {
        "senco": NOT_FOUND, "area_lead": NOT_FOUND, "la_officer": OK}),
    "school list": (lambda t: reverse("localities:school-list"), {
        "senco": OK, "area_lead": OK, "panel_member": FORBIDDEN, "la_officer": OK,
        "finance_officer": OK, "specialist": FORBIDDEN}),
    "own school": (lambda t: reverse("localities:school-detail", args=[t.school_1.pk]), {
        "senco": OK, "area_lead": OK, "la_officer": OK, "finance_officer": OK}),
    "school of other locality": (lambda t: reverse("localities:school-detail", args=[t.school_3.pk]), {
        "senco": NOT_FOUND, "area_lead": NOT_FOUND, "la_officer": OK, "finance_officer": OK}),
    "locality list": (lambda t: reverse("localities:locality-list"), {
        "senco": FORBIDDEN, "area_lead": OK, "panel_member": FORBIDDEN, "la_officer": OK,
        "finance_officer": OK, "specialist": FORBIDDEN}),
    "other locality": (lambda t: reverse("localities:locality-detail", args=[t.locality_2.pk]), {
        "area_lead": NOT_FOUND, "la_officer": OK, "finance_officer": OK}),
    "panel list": (lambda t: reverse("panels:list"), {
        "senco": FORBIDDEN, "area_lead": FORBIDDEN, "panel_member": OK, "la_officer": OK,
        "finance_officer": OK, "specialist": FORBIDDEN}),
    "other panel": (lambda t: reverse("panels:detail", args=[t.other_panel.pk]), {
        "panel_member": NOT_FOUND, "la_officer": OK}),
    "scheme settings": (lambda t: reverse("localities:scheme-settings"), {
        "senco": FORBIDDEN, "area_lead": FORBIDDEN, "panel_member": FORBIDDEN, "la_officer": OK,
        "finance_officer": FORBIDDEN, "specialist": FORBIDDEN}),
    "scheme settings edit": (lambda t: reverse("localities:scheme-settings-edit"), {
        "senco": FORBIDDEN, "area_lead": FORBIDDEN, "la_officer": OK, "finance_officer": FORBIDDEN}),
    "API pupil list": (lambda t: reverse("api-pupil-list"), {
        "senco": OK, "panel_member": FORBIDDEN, "la_officer": OK, "finance_officer": FORBIDDEN}),
    "API pupil of other school": (lambda t: reverse("api-pupil-detail", args=[t.pupil_2.pk]), {
        "senco": NOT_FOUND, "area_lead": OK, "la_officer": OK}),
    "API school list": (lambda t: reverse("api-school-list"), {
        "senco": OK, "panel_member": FORBIDDEN, "finance_officer": OK}),
}  # fmt: skip

CASES = [(page, role, status) for page, (_, expected) in MATRIX.items() for role, status in expected.items()]


@pytest.mark.parametrize(("page", "role", "expected"), CASES, ids=[f"{p}-{r}" for p, r, _ in CASES])
def test_permission_matrix(tenant, page, role, expected):
    url = MATRIX[page][0](tenant)
    assert client_for(tenant.users[role]).get(url).status_code == expected


@pytest.mark.parametrize("page", list(MATRIX))
def test_signed_out_visitors_are_sent_to_sign_in_or_refused(tenant, client, page):
    url = MATRIX[page][0](tenant)
    response = client.get(url)
    if url.startswith("/api/"):
        assert response.status_code == 403
    else:
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:sign-in"))


def test_signed_in_user_without_any_membership_is_told_to_ask_their_la(db, client):
    from tests.factories import make_user

    client.force_login(make_user())
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 403
    assert "You do not have access to a local authority yet" in response.content.decode()
