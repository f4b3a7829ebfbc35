from decimal import Decimal

import pytest
from django.urls import reverse

from funding import ledger
from funding.models import EntryKind, LedgerEntry
from funding.selectors import balance_of
from tests import factories as f
from tests.fixtures import client_for

D = Decimal


@pytest.fixture
def commitment(tenant):
    officer = tenant.users["la_officer"]
    pot = f.make_budget(tenant.authority, locality=tenant.locality_1, amount="10000", actor=officer)
    return ledger.commit(actor=officer, budget_id=pot.pk, amount=D("3000.00"), school_id=tenant.school_1.pk)


def url(entry, action):
    return reverse("funding:commitment-action", args=[entry.pk, action])


def test_la_officer_pays_releases_and_claws_back_from_the_ledger_page(tenant, commitment):
    client = client_for(tenant.users["la_officer"])
    page = client.get(reverse("funding:budget-detail", args=[commitment.budget_id])).content.decode()
    assert url(commitment, "pay") in page
    assert client.post(url(commitment, "pay"), {"amount": "1000.00", "memo": "Invoice 12"}).status_code == 302
    assert client.post(url(commitment, "release"), {"amount": "500", "memo": "Pupil left"}).status_code == 302
    assert client.post(url(commitment, "clawback"), {"amount": "200", "memo": "Not delivered"}).status_code == 302
    balance = balance_of(commitment.budget)
    assert (balance.committed, balance.paid, balance.available) == (D("2300.00"), D("800.00"), D("7700.00"))
    assert LedgerEntry.objects.filter(corrects=commitment).count() == 3


def test_bad_amounts_and_missing_reasons_are_refused_and_nothing_is_written(tenant, commitment):
    client = client_for(tenant.users["la_officer"])
    page = client.post(url(commitment, "pay"), {"amount": "3000.01"}).content.decode()
    assert "Only £3,000.00 of this commitment is unpaid" in page
    page = client.post(url(commitment, "release"), {"amount": "10", "memo": ""}).content.decode()
    assert "Enter the reason" in page
    page = client.post(url(commitment, "pay"), {"amount": "-5"}).content.decode()
    assert "must be more than £0" in page
    assert not LedgerEntry.objects.filter(corrects=commitment).exists()


def test_only_la_officers_of_the_tenant_and_only_commitments(world, commitment):
    a = world.a
    assert client_for(a.users["finance_officer"]).get(url(commitment, "pay")).status_code == 403
    assert client_for(a.users["area_lead"]).post(url(commitment, "pay"), {"amount": "1"}).status_code == 403
    assert client_for(world.b.users["la_officer"]).get(url(commitment, "pay")).status_code == 404
    budget_set = LedgerEntry.objects.get(kind=EntryKind.BUDGET_SET, budget=commitment.budget)
    assert client_for(a.users["la_officer"]).get(url(budget_set, "pay")).status_code == 404
    assert client_for(a.users["la_officer"]).get(url(commitment, "spend")).status_code == 404
    assert not LedgerEntry.objects.filter(corrects=commitment).exists()
