"""Two panel meetings approving against the same central pot at the same moment cannot together overspend
it: real concurrent transactions on PostgreSQL, one connection per thread."""

from decimal import Decimal

import pytest

from funding.models import EntryKind, LedgerEntry, RequestStatus
from funding.selectors import balance_of
from funding.tests.test_concurrency import _race
from panels import services
from panels.models import PanelDecision
from panels.tests.scenario import build, issued_meeting, start_meeting
from pupils.tests.casework import scope_of
from tests.fixtures import build_tenant


@pytest.mark.django_db(transaction=True)
def test_two_meetings_approving_at_once_cannot_overspend_the_central_pot():
    tenant = build_tenant()
    pw = build(tenant, cases=2, pot="1500.00")
    first_request, second_request = pw.requests
    # Each case on its own meeting, so neither decision waits for the other's meeting lock: only the pot's.
    pw.requests = [first_request]
    issued_meeting(pw)
    first = start_meeting(pw)
    pw.requests, pw.meeting = [second_request], None
    issued_meeting(pw)
    second = start_meeting(pw)
    chair, officer = pw.chair, pw.officer

    def approve(user, meeting, request):
        item = meeting.items.get(funding_request=request)
        return lambda: services.decision_record(actor=user, scope=scope_of(user), item_id=item.pk, outcome="approve")

    results = _race([approve(chair, first, first_request), approve(officer, second, second_request)])
    assert sorted(kind for kind, _ in results) == ["ok", "refused"]
    refused = next(value for kind, value in results if kind == "refused")
    assert "available" in refused.message_dict["amount"][0]
    assert balance_of(pw.pot).committed in (Decimal("1000.00"), Decimal("1001.00"))
    assert PanelDecision.objects.count() == 1
    assert LedgerEntry.objects.filter(budget=pw.pot, kind=EntryKind.COMMITMENT).count() == 1
    statuses = sorted(r.status for r in (first_request, second_request) if r.refresh_from_db() is None)
    assert statuses == sorted([RequestStatus.APPROVED, RequestStatus.REFERRED])
