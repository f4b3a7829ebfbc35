"""The request's state machine, every state against every action, through the one transition service:
the workflow table (funding.workflow) says which are allowed, and a refused one writes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from audit.models import AuditEvent
from funding import services
from funding.models import FundingRequest, LedgerEntry, RequestEvent, RequestStatus, Route
from funding.workflow import ACTIONS, PANEL
from funding.years import financial_year_start
from panels.models import PanelKind
from pupils.tests.casework import scope_of
from tests import factories as f

D = Decimal
YEAR = financial_year_start(timezone.localdate())
ACTOR = {"senco": "senco", "area_send_lead": "area_lead"}  # the tenant fixture's user for each acting role
DATA = {
    "submit": {},
    "withdraw": {"reason": "The family moved away"},
    "answer": {"message": "The report is on the cycle"},
    "ask_for_information": {"message": "Which therapist?"},
    "approve": {"amount": D("1000.00"), "start": YEAR, "end": YEAR + datetime.timedelta(days=90)},
    "decline": {"reasons": "Met from the notional budget"},
    "refer": {"reason": "Complex medical needs"},
    "ask_for_review": {"reason": "A new report from the therapist"},
}
# The panel's decisions: recorded through panels.services, which calls request_panel_transition.
APPROVAL = {"amount": D("1000.00"), "start": YEAR, "end": YEAR + datetime.timedelta(days=90)}
PANEL_DATA = {
    "panel_approve": APPROVAL,
    "panel_decline": {"reasons": "Met from the notional budget"},
    "panel_more_evidence": {"message": "Send the EP report"},
    "panel_correct_approve": APPROVAL,
    "panel_correct_decline": {"reasons": "Met from the notional budget"},
    "panel_correct_more_evidence": {"message": "Send the EP report"},
}
PEOPLE_ACTIONS = [name for name, spec in ACTIONS.items() if spec.role != PANEL]
CASES = [(status, action) for status in RequestStatus.values for action in PEOPLE_ACTIONS]
PANEL_CASES = [(status, action) for status in RequestStatus.values for action in PANEL_DATA]


def test_every_action_has_data_and_an_actor():
    assert set(DATA) == set(PEOPLE_ACTIONS)
    assert set(PANEL_DATA) == {name for name, spec in ACTIONS.items() if spec.role == PANEL}
    assert {ACTIONS[name].role for name in PEOPLE_ACTIONS} <= set(ACTOR)
    assert len(CASES) + len(PANEL_CASES) == len(RequestStatus.values) * len(ACTIONS)


def request_in(tenant, status, route=Route.LOCALITY, panel=None):
    """A request of the SENCO's school in `status`, made directly (this test is about the transitions)."""
    return FundingRequest.objects.create(
        local_authority=tenant.authority, school=tenant.school_1, pupil=tenant.pupil_1, route=route, panel=panel,
        status=status, amount_requested=D("2400.00"), period_start=YEAR, period_end=YEAR + datetime.timedelta(days=90),
        purpose="Speech and language therapy", outcomes_served="Speaks in class",
        submitted_at=None if status == RequestStatus.DRAFT else timezone.now(), created_by=tenant.users["senco"],
    )  # fmt: skip


def written(funding_request):
    return (
        RequestEvent.objects.filter(request=funding_request).count(),
        LedgerEntry.objects.filter(funding_request=funding_request).count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize(("status", "action"), CASES, ids=[f"{s}-{a}" for s, a in CASES])
def test_each_state_and_action(tenant, django_capture_on_commit_callbacks, status, action):
    f.make_budget(tenant.authority, locality=tenant.locality_1, amount="10000.00", actor=tenant.users["la_officer"])
    f.make_panel(tenant.authority, kind=PanelKind.EXCEPTIONAL_NEEDS)
    spec = ACTIONS[action]
    if action == "ask_for_review":  # only a panel's decision can be reviewed: one made at a meeting
        panel = f.make_panel(tenant.authority, kind=PanelKind.HIGH_NEEDS_TOP_UP)
        funding_request = request_in(tenant, status, route=Route.TOP_UP_PANEL, panel=panel)
        _decided_by_panel(funding_request, panel, tenant)
    else:
        funding_request = request_in(tenant, status)
    user = tenant.users[ACTOR[spec.role]]
    before = written(funding_request)

    def transition():
        return services.request_transition(
            actor=user, scope=scope_of(user), request_id=funding_request.pk, action=action, **DATA[action]
        )

    if status in spec.sources:
        with django_capture_on_commit_callbacks(execute=True):
            transition()
        funding_request.refresh_from_db()
        assert funding_request.status == spec.target
        event = RequestEvent.objects.get(request=funding_request)
        assert (event.from_status, event.to_status, event.actor) == (status, spec.target, user)
        assert LedgerEntry.objects.filter(funding_request=funding_request).count() == (action == "approve")
        return
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        if status == RequestStatus.DRAFT and spec.role != "senco":
            # A draft is the school's own: the Area SEND Lead cannot even find it.
            with pytest.raises(Http404):
                transition()
        else:
            with pytest.raises(ValidationError) as refusal:
                transition()
            label = RequestStatus(status).label.lower()
            assert f"A request that is {label} cannot be {spec.done}" in refusal.value.messages
    assert callbacks == []  # nobody is emailed
    funding_request.refresh_from_db()
    assert funding_request.status == status
    assert written(funding_request) == before  # no event, no ledger entry, no audit record


def _decided_by_panel(funding_request, panel, tenant):
    from panels.models import PanelDecision

    item = f.place_on_agenda(f.make_meeting(panel, status="held"), funding_request)
    PanelDecision.objects.create(
        local_authority=tenant.authority, agenda_item=item, funding_request=funding_request, outcome="decline",
        reasons="Met from the notional budget", decided_by=tenant.users["la_officer"],
    )  # fmt: skip


@pytest.mark.parametrize(("status", "action"), PANEL_CASES, ids=[f"{s}-{a}" for s, a in PANEL_CASES])
def test_each_state_and_panel_decision(tenant, django_capture_on_commit_callbacks, status, action):
    from django.db import transaction

    panel = f.make_panel(tenant.authority, kind=PanelKind.EXCEPTIONAL_NEEDS)
    f.make_budget(
        tenant.authority, kind="exceptional_needs", panel=panel, amount="10000.00", actor=tenant.users["la_officer"]
    )
    spec = ACTIONS[action]
    funding_request = request_in(tenant, status, route=Route.EXCEPTIONAL_PANEL, panel=panel)
    user = tenant.users["la_officer"]
    before = written(funding_request)

    def transition():
        with transaction.atomic():
            locked = FundingRequest.objects.select_for_update().get(pk=funding_request.pk)
            services.request_panel_transition(actor=user, funding_request=locked, action=action, **PANEL_DATA[action])

    if status in spec.sources:
        with django_capture_on_commit_callbacks(execute=True):
            transition()
        funding_request.refresh_from_db()
        assert funding_request.status == spec.target
        assert LedgerEntry.objects.filter(funding_request=funding_request).count() == action.endswith("approve")
        return
    with pytest.raises(ValidationError) as refusal:
        transition()
    assert f"A request that is {RequestStatus(status).label.lower()} cannot be {spec.done}" in refusal.value.messages
    funding_request.refresh_from_db()
    assert funding_request.status == status and written(funding_request) == before


def test_panel_decisions_cannot_be_taken_by_a_person_s_role(tenant):
    funding_request = request_in(tenant, RequestStatus.SUBMITTED)
    officer = tenant.users["la_officer"]
    with pytest.raises(ValueError, match="panel decision"):
        services.request_transition(actor=officer, scope=scope_of(officer), request_id=funding_request.pk,
                                    action="panel_approve", **APPROVAL)  # fmt: skip
    assert funding_request.events.count() == 0
