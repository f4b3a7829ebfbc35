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


# Reversals: an entry made in error undone by a new entry that mirrors it -------------------------------


def _balance(pot):
    balance = balance_of(pot)
    return balance.budget, balance.committed, balance.paid, balance.available


def test_a_payment_recorded_in_error_is_reversed_without_shrinking_the_commitment(tenant, pot):
    officer = tenant.users["la_officer"]
    commitment = ledger.commit(actor=officer, budget_id=pot.pk, amount=D("3000.00"), school_id=tenant.school_1.pk)
    payment = ledger.pay(actor=officer, commitment_id=commitment.pk, amount=D("1000.00"), memo="Invoice 12")
    assert _balance(pot) == (D("100000.00"), D("3000.00"), D("1000.00"), D("97000.00"))
    reversal = ledger.reverse(actor=officer, entry_id=payment.pk, memo="Invoice 12 was paid twice")
    assert (reversal.kind, reversal.corrects, reversal.paid_delta) == (EntryKind.REVERSAL, payment, D("-1000.00"))
    assert (reversal.budget_delta, reversal.committed_delta) == (D("0"), D("0"))
    assert reversal.school_id == tenant.school_1.pk  # spend by school stays right
    assert _balance(pot) == (D("100000.00"), D("3000.00"), D("0.00"), D("97000.00"))
    # The commitment can be paid in full again: the reversed payment no longer counts against it.
    with pytest.raises(ValidationError, match=r"Only £3,000\.00 of this commitment is unpaid"):
        ledger.pay(actor=officer, commitment_id=commitment.pk, amount=D("3000.01"))
    ledger.pay(actor=officer, commitment_id=commitment.pk, amount=D("3000.00"))
    assert _balance(pot)[2] == D("3000.00")


def test_a_mistaken_adjustment_is_reversed_either_way(tenant, pot):
    officer = tenant.users["la_officer"]
    up = ledger.budget_adjust(actor=officer, budget_id=pot.pk, change=D("5000.00"), memo="Meant for another pot")
    down = ledger.budget_adjust(actor=officer, budget_id=pot.pk, change=D("-250.50"), memo="Typed the wrong figure")
    assert _balance(pot)[0] == D("104749.50")
    ledger.reverse(actor=officer, entry_id=up.pk, memo="Wrong pot")
    ledger.reverse(actor=officer, entry_id=down.pk, memo="Wrong figure")
    assert _balance(pot) == (D("100000.00"), D("0.00"), D("0.00"), D("100000.00"))


def test_a_release_and_a_clawback_made_in_error_are_reversed(tenant, pot):
    officer = tenant.users["la_officer"]
    commitment = ledger.commit(actor=officer, budget_id=pot.pk, amount=D("3000.00"))
    ledger.pay(actor=officer, commitment_id=commitment.pk, amount=D("1000.00"))
    released = ledger.release(actor=officer, commitment_id=commitment.pk, amount=D("500.00"), memo="Pupil left")
    clawed = ledger.clawback(actor=officer, commitment_id=commitment.pk, amount=D("200.00"), memo="Not delivered")
    assert _balance(pot) == (D("100000.00"), D("2300.00"), D("800.00"), D("97700.00"))
    ledger.reverse(actor=officer, entry_id=released.pk, memo="The pupil came back")
    ledger.reverse(actor=officer, entry_id=clawed.pk, memo="It was delivered")
    assert _balance(pot) == (D("100000.00"), D("3000.00"), D("1000.00"), D("97000.00"))
    with pytest.raises(ValidationError, match=r"Only £2,000\.00 of this commitment is unpaid"):
        ledger.pay(actor=officer, commitment_id=commitment.pk, amount=D("2000.01"))


def test_an_entry_can_only_be_reversed_once(tenant, pot):
    officer = tenant.users["la_officer"]
    adjustment = ledger.budget_adjust(actor=officer, budget_id=pot.pk, change=D("100.00"), memo="x")
    first = ledger.reverse(actor=officer, entry_id=adjustment.pk, memo="Wrong")
    with pytest.raises(ValidationError, match="already been reversed"):
        ledger.reverse(actor=officer, entry_id=adjustment.pk, memo="Again")
    # Even written straight to the database, a second reversal is refused.
    with pytest.raises(IntegrityError, match="ledger_entry_reversed_once"), transaction.atomic():
        LedgerEntry.objects.create(local_authority=tenant.authority, budget=pot, kind=EntryKind.REVERSAL,
                                   budget_delta=D("-100.00"), corrects=adjustment, created_by=officer)  # fmt: skip
    # A reversal is not itself reversed: a new adjustment corrects it.
    with pytest.raises(ValidationError, match="cannot be reversed"):
        ledger.reverse(actor=officer, entry_id=first.pk, memo="Undo the undo")
    assert LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).count() == 1
    assert _balance(pot)[0] == D("100000.00")


def test_a_reversal_cannot_overspend_the_pot(tenant, pot):
    officer = tenant.users["la_officer"]
    extra = ledger.budget_adjust(actor=officer, budget_id=pot.pk, change=D("5000.00"), memo="In-year top-up")
    ledger.commit(actor=officer, budget_id=pot.pk, amount=D("104000.00"))
    with pytest.raises(ValidationError) as error:
        ledger.reverse(actor=officer, entry_id=extra.pk, memo="Wrong pot")
    assert "has £1,000.00 available: reversing this adjustment needs £5,000.00" in error.value.messages[0]
    with pytest.raises(IntegrityError, match="would be overspent"), transaction.atomic():
        LedgerEntry.objects.create(local_authority=tenant.authority, budget=pot, kind=EntryKind.REVERSAL,
                                   budget_delta=D("-5000.00"), corrects=extra, created_by=officer)  # fmt: skip
    assert _balance(pot) == (D("105000.00"), D("104000.00"), D("0.00"), D("1000.00"))


def test_a_payment_already_clawed_back_cannot_be_reversed(tenant, pot):
    officer = tenant.users["la_officer"]
    commitment = ledger.commit(actor=officer, budget_id=pot.pk, amount=D("1000.00"))
    payment = ledger.pay(actor=officer, commitment_id=commitment.pk, amount=D("500.00"))
    ledger.clawback(actor=officer, commitment_id=commitment.pk, amount=D("500.00"), memo="Recovered")
    with pytest.raises(ValidationError, match="Reverse the clawback first"):
        ledger.reverse(actor=officer, entry_id=payment.pk, memo="Paid in error")
    assert not LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).exists()


def test_commitments_and_budgets_set_are_not_reversed(tenant, pot):
    officer = tenant.users["la_officer"]
    commitment = ledger.commit(actor=officer, budget_id=pot.pk, amount=D("1000.00"))
    for entry in (commitment, LedgerEntry.objects.get(kind=EntryKind.BUDGET_SET)):
        with pytest.raises(ValidationError, match="cannot be reversed"):
            ledger.reverse(actor=officer, entry_id=entry.pk, memo="x")
    with pytest.raises(ValidationError, match="Enter why"):
        ledger.reverse(actor=officer, entry_id=commitment.pk, memo=" ")


@pytest.mark.parametrize("wrong", ["amount", "kind", "budget", "no_target"])
def test_the_database_refuses_a_reversal_that_does_not_mirror_its_entry(tenant, pot, wrong):
    officer = tenant.users["la_officer"]
    commitment = ledger.commit(actor=officer, budget_id=pot.pk, amount=D("1000.00"))
    payment = ledger.pay(actor=officer, commitment_id=commitment.pk, amount=D("400.00"))
    other = f.make_budget(tenant.authority, locality=tenant.locality_2, amount="1000", actor=officer)
    fields = {"budget": pot, "paid_delta": D("-400.00"), "corrects": payment}
    if wrong == "amount":
        fields["paid_delta"] = D("-300.00")
    elif wrong == "kind":
        fields = {"budget": pot, "committed_delta": D("-1000.00"), "corrects": commitment}
    elif wrong == "budget":
        fields["budget"] = other
    else:
        fields["corrects"] = None
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(local_authority=tenant.authority, kind=EntryKind.REVERSAL, created_by=officer,
                                   **fields)  # fmt: skip
    # And only a reversal corrects an entry that is not a commitment.
    with pytest.raises(IntegrityError, match="only a reversal"), transaction.atomic():
        LedgerEntry.objects.create(local_authority=tenant.authority, budget=pot, kind=EntryKind.PAYMENT,
                                   paid_delta=D("1"), corrects=payment, created_by=officer)  # fmt: skip


# Running totals: kept by the guard, always the ledger's sums ----------------------------------------------


def test_the_running_totals_equal_the_ledger_s_sums_after_every_kind_of_entry(tenant, pot):
    """A long random mix of every movement (many refused) over three pots: after each one, every pot's
    running totals are exactly the sums of its entries."""
    import random

    from funding.selectors import balance_from_ledger

    officer = tenant.users["la_officer"]
    other = f.make_budget(tenant.authority, locality=tenant.locality_2, amount="20000.00", actor=officer)
    central = f.make_budget(tenant.authority, kind="top_up", panel=tenant.panel, actor=officer)  # no entry yet
    pots = [pot, other, central]
    assert balance_of(central) == balance_from_ledger(central) == ledger.BudgetBalance(D("0"), D("0"), D("0"))
    rng = random.Random(20261201)
    commitments, corrections = [], []
    for _ in range(160):
        budget = rng.choice(pots)
        amount = D(rng.randrange(1, 2_000_000)) / 100
        move = rng.choice(["set", "adjust", "transfer", "commit", "pay", "release", "clawback", "reverse", "raw"])
        try:
            if move == "set":
                ledger.budget_set(actor=officer, budget_id=budget.pk, amount=amount)
            elif move == "adjust":
                corrections.append(ledger.budget_adjust(actor=officer, budget_id=budget.pk,
                                                        change=amount * rng.choice([1, -1]), memo="x"))  # fmt: skip
            elif move == "transfer":
                ledger.transfer(actor=officer, from_budget_id=budget.pk, to_budget_id=rng.choice(pots).pk,
                                amount=amount, memo="x")  # fmt: skip
            elif move == "commit":
                commitments.append(ledger.commit(actor=officer, budget_id=budget.pk, amount=amount))
            elif move in ("pay", "release", "clawback") and commitments:
                act = {"pay": ledger.pay, "release": ledger.release, "clawback": ledger.clawback}[move]
                corrections.append(act(actor=officer, commitment_id=rng.choice(commitments).pk, amount=amount / 10,
                                       memo="x"))  # fmt: skip
            elif move == "reverse" and corrections:
                ledger.reverse(actor=officer, entry_id=rng.choice(corrections).pk, memo="In error")
            elif move == "raw":  # straight to the table: the guard alone stands between it and an overspend
                with transaction.atomic():
                    LedgerEntry.objects.create(local_authority=tenant.authority, budget=budget, created_by=officer,
                                               kind=EntryKind.COMMITMENT, committed_delta=amount * 1000)  # fmt: skip
        except (ValidationError, IntegrityError):
            pass
        for each in pots:
            assert balance_of(each) == balance_from_ledger(each), (move, each.pk)
    assert LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).exists()
    assert LedgerEntry.objects.count() > 60


def test_the_running_totals_are_written_by_the_ledger_guard_only(tenant, pot):
    from funding.models import BudgetTotals

    totals = BudgetTotals.objects.get(budget=pot)
    assert (totals.budget_total, totals.committed, totals.paid) == (D("100000.00"), D("0.00"), D("0.00"))
    with pytest.raises(DatabaseError, match="kept by the ledger guard"), transaction.atomic():
        BudgetTotals.objects.filter(budget=pot).update(budget_total=D("1000000.00"))
    with pytest.raises(DatabaseError, match="kept by the ledger guard"), transaction.atomic():
        BudgetTotals.objects.filter(budget=pot).delete()
    other = f.make_budget(tenant.authority, locality=tenant.locality_2)
    with pytest.raises(DatabaseError, match="kept by the ledger guard"), transaction.atomic():
        BudgetTotals.objects.create(budget=other, budget_total=D("5"), committed=D("0"), paid=D("0"))
    assert balance_of(pot).budget == D("100000.00") and balance_of(other).budget == D("0")
