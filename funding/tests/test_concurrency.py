"""Two Area SEND Leads approving against the same pot at the same moment cannot overspend it: real
concurrent transactions on PostgreSQL, one connection per thread."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from funding import ledger
from funding.models import EntryKind, LedgerEntry
from funding.selectors import balance_of
from tests import factories as f


def _race(workers):
    barrier = threading.Barrier(len(workers))
    results = []

    def run(work):
        try:
            barrier.wait(timeout=10)
            results.append(("ok", work()))
        except ValidationError as error:
            results.append(("refused", error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_commitments_cannot_together_overspend_a_pot():
    authority = f.make_authority()
    locality = f.make_locality(authority)
    officer = f.make_user()
    pot = f.make_budget(authority, locality=locality, amount="100.00", actor=officer)
    results = _race([lambda: ledger.commit(actor=officer, budget_id=pot.pk, amount=Decimal("60.00"))] * 2)
    assert sorted(kind for kind, _ in results) == ["ok", "refused"]
    refused = next(value for kind, value in results if kind == "refused")
    assert "£40.00 available" in refused.message_dict["amount"][0]
    assert balance_of(pot).committed == Decimal("60.00")


@pytest.mark.django_db(transaction=True)
def test_the_database_guard_alone_serialises_writers_that_skip_the_row_lock():
    """Even code that inserts ledger rows directly, with no lock of its own, cannot overspend: the
    trigger locks the budget row and re-sums with a fresh snapshot."""
    authority = f.make_authority()
    locality = f.make_locality(authority)
    officer = f.make_user()
    pot = f.make_budget(authority, locality=locality, amount="100.00", actor=officer)
    start = threading.Barrier(2)

    def raw_insert():
        start.wait(timeout=10)
        try:
            with transaction.atomic():
                LedgerEntry.objects.create(local_authority=authority, budget=pot, kind=EntryKind.COMMITMENT,
                                           committed_delta=Decimal("60.00"), created_by=officer)  # fmt: skip
                # Hold the transaction open a moment so the other writer really overlaps.
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_sleep(0.3)")
            return "ok"
        except Exception as error:  # noqa: BLE001
            return type(error).__name__
        finally:
            connections.close_all()

    results = []
    threads = [threading.Thread(target=lambda: results.append(raw_insert())) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["IntegrityError", "ok"]
    assert balance_of(pot).committed == Decimal("60.00")


@pytest.mark.django_db(transaction=True)
def test_two_area_send_leads_approving_at_the_same_moment_cannot_overspend_their_pot():
    """The whole approval path (request row lock, workflow, apportionment, ledger) under a real race."""
    import datetime

    from accounts.models import Role
    from accounts.scoping import scope_for_membership
    from funding import services
    from funding.models import FundingRequest, RequestStatus
    from funding.years import financial_year_start
    from pupils.models import NeedType

    # An earlier transactional test may have flushed the census list the migrations load.
    NeedType.objects.get_or_create(code="SLCN", defaults={"name": "Speech, language and communication needs"})
    authority = f.make_authority()
    locality = f.make_locality(authority)
    school = f.make_school(authority, locality)
    officer = f.make_user()
    pot = f.make_budget(authority, locality=locality, amount="100.00", actor=officer)
    senco = f.make_user(authority, Role.SENCO, school=school)
    leads = [f.make_user(authority, Role.AREA_SEND_LEAD, locality=locality) for _ in range(2)]
    start = financial_year_start(datetime.date.today())
    requests = []
    for _ in range(2):
        pupil = f.make_pupil(school)
        draft = services.request_save_draft(
            actor=senco, scope=scope_for_membership(senco.memberships.get()), school_id=school.pk,
            pupil_id=pupil.pk, amount_requested=Decimal("60.00"), period_start=start,
            period_end=start + datetime.timedelta(days=90), purpose="Support", outcomes_served="Progress",
        )  # fmt: skip
        services.request_transition(
            actor=senco, scope=scope_for_membership(senco.memberships.get()), request_id=draft.pk, action="submit"
        )
        requests.append(draft)

    def approve(lead, funding_request):
        return lambda: services.request_transition(
            actor=lead, scope=scope_for_membership(lead.memberships.get()), request_id=funding_request.pk,
            action="approve", amount=Decimal("60.00"), start=funding_request.period_start,
            end=funding_request.period_end,
        )  # fmt: skip

    results = _race([approve(leads[0], requests[0]), approve(leads[1], requests[1])])
    assert sorted(kind for kind, _ in results) == ["ok", "refused"]
    assert balance_of(pot).committed == Decimal("60.00")
    statuses = sorted(FundingRequest.objects.filter(pk__in=[r.pk for r in requests]).values_list("status", flat=True))
    assert statuses == [RequestStatus.APPROVED, RequestStatus.SUBMITTED]  # the refused one is untouched
