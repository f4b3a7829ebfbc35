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


def reverse_url(entry):
    return reverse("funding:entry-reverse", args=[entry.pk])


def test_la_officer_reverses_a_payment_made_in_error_from_the_ledger_page(tenant, commitment):
    from audit.models import AuditEvent

    officer = tenant.users["la_officer"]
    client = client_for(officer)
    payment = ledger.pay(actor=officer, commitment_id=commitment.pk, amount=D("1000.00"), memo="Invoice 12")
    ledger_page = reverse("funding:budget-detail", args=[commitment.budget_id])
    page = client.get(ledger_page).content.decode()
    assert f'href="{reverse_url(payment)}"' in page
    assert f'href="{reverse_url(commitment)}"' not in page  # a commitment is released, not reversed
    form = client.get(reverse_url(payment)).content.decode()
    assert "Reverse this entry" in form and "Payment: £1,000.00" in form
    response = client.post(reverse_url(payment), {"reason": ""})
    assert response.status_code == 200 and "Enter why the entry is being reversed" in response.content.decode()
    assert not LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).exists()

    response = client.post(reverse_url(payment), {"reason": "Invoice 12 was paid twice"})
    assert response.status_code == 302 and response.url == ledger_page
    reversal = LedgerEntry.objects.get(kind=EntryKind.REVERSAL)
    assert (reversal.corrects, reversal.paid_delta, reversal.created_by) == (payment, D("-1000.00"), officer)
    balance = balance_of(commitment.budget)
    assert (balance.committed, balance.paid, balance.available) == (D("3000.00"), D("0.00"), D("7000.00"))
    event = AuditEvent.objects.get(action="ledger_reversal")
    assert event.actor == officer and f"correcting entry {payment.pk}" in event.summary

    page = client.get(ledger_page).content.decode()
    assert "Reversed</strong>" in page and f'href="{reverse_url(payment)}"' not in page
    assert "Reversal of an entry made in error" in page and "of the payment of" in page
    # Reversing it again is refused on the form, and nothing more is written.
    page = client.post(reverse_url(payment), {"reason": "Again"}).content.decode()
    assert "This entry has already been reversed" in page
    assert LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).count() == 1


def test_a_reversal_that_would_overspend_is_refused_on_the_form(tenant, commitment):
    officer = tenant.users["la_officer"]
    extra = ledger.budget_adjust(actor=officer, budget_id=commitment.budget_id, change=D("5000.00"), memo="Top-up")
    ledger.commit(actor=officer, budget_id=commitment.budget_id, amount=D("11000.00"))
    page = client_for(officer).post(reverse_url(extra), {"reason": "Wrong pot"}).content.decode()
    assert "<title>Error: " in page and "has £1,000.00 available: reversing this adjustment needs £5,000.00" in page
    assert not LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).exists()


def test_only_la_officers_of_the_tenant_reverse_and_only_what_can_be_reversed(world, commitment):
    a = world.a
    payment = ledger.pay(actor=a.users["la_officer"], commitment_id=commitment.pk, amount=D("10"))
    for role in ("finance_officer", "area_lead", "senco", "panel_member"):
        assert client_for(a.users[role]).post(reverse_url(payment), {"reason": "x"}).status_code == 403, role
    assert client_for(world.b.users["la_officer"]).post(reverse_url(payment), {"reason": "x"}).status_code == 404
    assert client_for(a.users["la_officer"]).get(reverse_url(commitment)).status_code == 404
    budget_set = LedgerEntry.objects.get(kind=EntryKind.BUDGET_SET, budget=commitment.budget)
    assert client_for(a.users["la_officer"]).get(reverse_url(budget_set)).status_code == 404
    page = client_for(a.users["finance_officer"]).get(reverse("funding:budget-detail", args=[commitment.budget_id]))
    assert reverse_url(payment) not in page.content.decode()  # finance officers read the ledger, not change it
    assert not LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).exists()
