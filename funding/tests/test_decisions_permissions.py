"""Role x page -> status for every queue, decision, budget, dashboard and overview page: 403 for a role
that never uses the page, 404 for anything outside the user's localities, panels or council."""

from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import Budget, LedgerEntry, RequestStatus
from funding.tests.test_decisions import approve_data, make_request
from tests import factories as f
from tests.fixtures import client_for

OK, FORBIDDEN, NOT_FOUND, REDIRECT = 200, 403, 404, 302
ROLES = ["senco", "area_lead", "panel_member", "la_officer", "finance_officer", "specialist"]


@pytest.fixture
def things(world):
    a, b = world.a, world.b
    return {
        "request": make_request(a),
        "other locality request": make_request(a, school=a.school_3),
        "other council request": make_request(b),
        "pot": f.make_budget(a.authority, locality=a.locality_1, amount="1000.00"),
        "other locality pot": f.make_budget(a.authority, locality=a.locality_2, amount="1000.00"),
        "panel pot": f.make_budget(a.authority, kind="top_up", panel=a.panel, amount="1000.00"),
        "other council pot": f.make_budget(b.authority, locality=b.locality_1, amount="1000.00"),
        "other council locality": b.locality_1,
    }


def _decide(name):
    return lambda t, x: reverse("funding:request-decide", args=[x[name].pk]) + "?action=approve"


def _budget(url_name, name):
    return lambda t, x: reverse(url_name, args=[x[name].pk])


def _dashboard(locality):
    return lambda t, x: reverse("funding:dashboard") + f"?locality={locality(t, x).pk}"


def everyone(status):
    return dict.fromkeys(ROLES, status)


MATRIX = {
    "queue": (lambda t, x: reverse("funding:queue"), {**everyone(FORBIDDEN), "area_lead": OK}),
    "decide own locality": (_decide("request"), {**everyone(FORBIDDEN), "area_lead": OK}),
    "decide other locality": (_decide("other locality request"), {"area_lead": NOT_FOUND, "la_officer": FORBIDDEN}),
    "decide other council": (_decide("other council request"), {"area_lead": NOT_FOUND}),
    "budget list": (lambda t, x: reverse("funding:budget-list"), {
        "senco": FORBIDDEN, "area_lead": OK, "panel_member": OK, "la_officer": OK, "finance_officer": OK,
        "specialist": FORBIDDEN}),
    "budget add": (lambda t, x: reverse("funding:budget-add"), {**everyone(FORBIDDEN), "la_officer": OK}),
    "own locality pot": (_budget("funding:budget-detail", "pot"), {
        "senco": FORBIDDEN, "area_lead": OK, "panel_member": NOT_FOUND, "la_officer": OK, "finance_officer": OK,
        "specialist": FORBIDDEN}),
    "other locality pot": (_budget("funding:budget-detail", "other locality pot"), {
        "area_lead": NOT_FOUND, "panel_member": NOT_FOUND, "la_officer": OK, "finance_officer": OK}),
    "panel pot": (_budget("funding:budget-detail", "panel pot"), {
        "area_lead": NOT_FOUND, "panel_member": OK, "la_officer": OK}),
    "other council pot": (_budget("funding:budget-detail", "other council pot"), {
        "area_lead": NOT_FOUND, "panel_member": NOT_FOUND, "la_officer": NOT_FOUND, "finance_officer": NOT_FOUND}),
    "adjust": (_budget("funding:budget-adjust", "pot"), {**everyone(FORBIDDEN), "la_officer": OK}),
    "adjust other council pot": (_budget("funding:budget-adjust", "other council pot"), {
        "la_officer": NOT_FOUND, "finance_officer": FORBIDDEN}),
    "transfer": (_budget("funding:budget-transfer", "pot"), {**everyone(FORBIDDEN), "la_officer": OK}),
    "transfer other council pot": (_budget("funding:budget-transfer", "other council pot"), {
        "la_officer": NOT_FOUND, "finance_officer": FORBIDDEN}),
    "dashboard": (lambda t, x: reverse("funding:dashboard"), {
        "senco": FORBIDDEN, "area_lead": OK, "panel_member": FORBIDDEN, "la_officer": REDIRECT,
        "finance_officer": REDIRECT, "specialist": FORBIDDEN}),
    "dashboard own locality": (_dashboard(lambda t, x: t.locality_1), {
        "senco": FORBIDDEN, "area_lead": OK, "panel_member": FORBIDDEN, "la_officer": OK, "finance_officer": OK}),
    "dashboard other locality": (_dashboard(lambda t, x: t.locality_2), {
        "area_lead": NOT_FOUND, "la_officer": OK, "finance_officer": OK}),
    "dashboard other council": (_dashboard(lambda t, x: x["other council locality"]), {
        "area_lead": NOT_FOUND, "la_officer": NOT_FOUND, "finance_officer": NOT_FOUND}),
    "overview": (lambda t, x: reverse("funding:la-overview"), {
        **everyone(FORBIDDEN), "la_officer": OK, "finance_officer": OK}),
}  # fmt: skip

CASES = [(page, role, status) for page, (_, expected) in MATRIX.items() for role, status in expected.items()]


@pytest.mark.parametrize(("page", "role", "expected"), CASES, ids=[f"{p}-{r}" for p, r, _ in CASES])
def test_permission_matrix(world, things, page, role, expected):
    url = MATRIX[page][0](world.a, things)
    assert client_for(world.a.users[role]).get(url).status_code == expected


@pytest.mark.parametrize("page", list(MATRIX))
def test_signed_out_visitors_are_sent_to_sign_in(world, things, client, page):
    response = client.get(MATRIX[page][0](world.a, things))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:sign-in"))


def test_other_roles_cannot_write_by_posting(world, things):
    """A refused role's POST changes nothing: finance officers read budgets, never change them."""
    a = world.a
    pot = things["pot"]
    before = (Budget.objects.count(), LedgerEntry.objects.count())
    finance = client_for(a.users["finance_officer"])
    assert finance.post(reverse("funding:budget-add"), {"kind": "locality"}).status_code == FORBIDDEN
    assert finance.post(reverse("funding:budget-adjust", args=[pot.pk]),
                        {"direction": "increase", "amount": "1", "reason": "x"}).status_code == FORBIDDEN  # fmt: skip
    assert finance.post(reverse("funding:budget-transfer", args=[pot.pk]),
                        {"to_budget": things["other locality pot"].pk, "amount": "1", "reason": "x"}).status_code == FORBIDDEN  # fmt: skip
    funding_request = things["request"]
    for role in ("senco", "la_officer", "finance_officer", "panel_member"):
        response = client_for(a.users[role]).post(
            reverse("funding:request-decide", args=[funding_request.pk]) + "?action=approve",
            approve_data(funding_request),
        )
        assert response.status_code == FORBIDDEN
    other_lead = f.make_user(a.authority, "area_send_lead", locality=a.locality_2)
    response = client_for(other_lead).post(
        reverse("funding:request-decide", args=[funding_request.pk]) + "?action=decline", {"reasons": "No"}
    )
    assert response.status_code == NOT_FOUND
    funding_request.refresh_from_db()
    assert funding_request.status == RequestStatus.SUBMITTED
    assert (Budget.objects.count(), LedgerEntry.objects.count()) == before
    assert Decimal(0) == sum(e.committed_delta for e in LedgerEntry.objects.all())
