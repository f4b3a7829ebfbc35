from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction

from funding import ledger
from funding.models import EntryKind, LedgerEntry
from funding.selectors import balance_of
from tests import factories as f

D = Decimal


@pytest.fixture
def pot(tenant):
    return f.make_budget(
        tenant.authority, locality=tenant.locality_1, amount="100000.00", actor=tenant.users["la_officer"]
    )


def test_budget_commitments_payments_releases_and_clawbacks_add_up(tenant, pot):
    officer = tenant.users["la_officer"]
    first = ledger.commit(actor=officer, budget_id=pot.pk, amount=D("30000.00"), school_id=tenant.school_1.pk)
    ledger.commit(actor=officer, budget_id=pot.pk, amount=D("12500.50"), school_id=tenant.school_2.pk)
    ledger.pay(actor=officer, commitment_id=first.pk, amount=D("10000.00"))
    ledger.release(actor=officer, commitment_id=first.pk, amount=D("5000.00"), memo="Pupil left")
    ledger.clawback(actor=officer, commitment_id=first.pk, amount=D("2000.00"), memo="Support not delivered")
    ledger.budget_adjust(actor=officer, budget_id=pot.pk, change=D("-1000.00"), memo="In-year saving")
    balance = balance_of(pot)
    assert balance.budget == D("99000.00")
    assert balance.committed == D("35500.50")  # 30,000 + 12,500.50 - 5,000 released - 2,000 clawed back
    assert balance.paid == D("8000.00")  # 10,000 paid - 2,000 clawed back
    assert balance.available == D("63499.50")


def test_a_commitment_larger_than_what_is_available_is_refused_and_names_the_available_amount(tenant, pot):
    officer = tenant.users["la_officer"]
    ledger.commit(actor=officer, budget_id=pot.pk, amount=D("99000.00"))
    with pytest.raises(ledger.Overspend) as error:
        ledger.commit(actor=officer, budget_id=pot.pk, amount=D("1000.01"))
    assert error.value.available == D("1000.00")
    assert "£1,000.00 available" in error.value.message_dict["amount"][0]
    assert LedgerEntry.objects.filter(kind=EntryKind.COMMITMENT).count() == 1


def test_bad_amounts_are_refused(tenant, pot):
    officer = tenant.users["la_officer"]
    for amount in (D("0"), D("-5"), D("1.001")):
        with pytest.raises(ValidationError):
            ledger.commit(actor=officer, budget_id=pot.pk, amount=amount)
    commitment = ledger.commit(actor=officer, budget_id=pot.pk, amount=D("500"))
    with pytest.raises(ValidationError, match=r"Only £500\.00 of this commitment is unpaid"):
        ledger.pay(actor=officer, commitment_id=commitment.pk, amount=D("500.01"))
    with pytest.raises(ValidationError, match="has been paid"):
        ledger.clawback(actor=officer, commitment_id=commitment.pk, amount=D("1"), memo="x")


def test_lowering_a_budget_below_its_commitments_is_refused(tenant, pot):
    officer = tenant.users["la_officer"]
    ledger.commit(actor=officer, budget_id=pot.pk, amount=D("90000"))
    with pytest.raises(ledger.Overspend):
        ledger.budget_adjust(actor=officer, budget_id=pot.pk, change=D("-20000"), memo="Cut")
    assert balance_of(pot).budget == D("100000.00")


def test_transfer_moves_money_between_pots_as_two_linked_entries(tenant, pot):
    officer = tenant.users["la_officer"]
    other = f.make_budget(tenant.authority, locality=tenant.locality_2, amount="10000", actor=officer)
    entry = ledger.transfer(
        actor=officer, from_budget_id=pot.pk, to_budget_id=other.pk, amount=D("2500"), memo="Rebalance"
    )
    assert balance_of(pot).budget == D("97500.00") and balance_of(other).budget == D("12500.00")
    assert entry.related_entry.kind == EntryKind.TRANSFER_OUT
    with pytest.raises(ledger.Overspend):
        ledger.transfer(actor=officer, from_budget_id=other.pk, to_budget_id=pot.pk, amount=D("12500.01"), memo="x")


def test_the_database_refuses_an_overspend_even_without_the_service(tenant, pot):
    with pytest.raises(IntegrityError, match="would be overspent"), transaction.atomic():
        LedgerEntry.objects.create(local_authority=tenant.authority, budget=pot, kind=EntryKind.COMMITMENT,
                                   committed_delta=D("100000.01"), created_by=tenant.users["la_officer"])  # fmt: skip


def test_ledger_entries_cannot_be_changed_or_deleted(tenant, pot):
    entry = LedgerEntry.objects.get()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(budget_delta=D("1"))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).delete()


def test_an_entry_of_the_wrong_shape_is_refused(tenant, pot):
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(local_authority=tenant.authority, budget=pot, kind=EntryKind.PAYMENT,
                                   committed_delta=D("5"), created_by=tenant.users["la_officer"])  # fmt: skip


def test_the_database_refuses_an_entry_in_another_tenants_books(world):
    pot = f.make_budget(world.a.authority, locality=world.a.locality_1, amount="100", actor=world.a.users["la_officer"])
    with pytest.raises(IntegrityError, match="tenant does not match"), transaction.atomic():
        LedgerEntry.objects.create(
            local_authority=world.b.authority,
            budget=pot,
            kind=EntryKind.BUDGET_SET,
            budget_delta=D("5"),
            created_by=world.b.users["la_officer"],
        )
