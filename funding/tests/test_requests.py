"""The request workflow at the service level: routing, eligibility, approval through the ledger."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from funding import services
from funding.models import FundingRequest, LedgerEntry, RequestStatus, Route
from funding.selectors import balance_of
from funding.years import financial_year_start
from pupils.tests.casework import scope_of
from tests import factories as f

D = Decimal
TODAY = datetime.date.today()


@pytest.fixture
def pot(tenant):
    return f.make_budget(
        tenant.authority, locality=tenant.locality_1, amount="10000.00", actor=tenant.users["la_officer"]
    )


def draft(tenant, **overrides):
    senco = tenant.users["senco"]
    year = financial_year_start(TODAY)
    values = {"school_id": tenant.school_1.pk, "pupil_id": tenant.pupil_1.pk, "amount_requested": D("2400.00"),
              "period_start": year, "period_end": year + datetime.timedelta(days=180),
              "purpose": "Speech and language therapy", "outcomes_served": "Speaks in class"}  # fmt: skip
    values.update(overrides)
    return services.request_save_draft(actor=senco, scope=scope_of(senco), **values)


def act(tenant, who, funding_request, action, **data):
    user = tenant.users[who]
    return services.request_transition(
        actor=user, scope=scope_of(user), request_id=funding_request.pk, action=action, **data
    )


def test_submit_routes_to_the_locality_and_approval_commits_the_money(tenant, pot, django_capture_on_commit_callbacks):
    funding_request = draft(tenant)
    with django_capture_on_commit_callbacks(execute=True):
        act(tenant, "senco", funding_request, "submit")
    funding_request.refresh_from_db()
    assert funding_request.status == RequestStatus.SUBMITTED and funding_request.route == Route.LOCALITY
    assert funding_request.snapshot["total"] is not None  # casework attached, not retyped
    assert [m.to for m in mail.outbox] == [[tenant.users["area_lead"].email]]
    assert funding_request.pupil.last_name not in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        act(tenant, "area_lead", funding_request, "approve", amount=D("2000.00"),
            start=funding_request.period_start, end=funding_request.period_end, conditions="Termly report")  # fmt: skip
    funding_request.refresh_from_db()
    assert funding_request.status == RequestStatus.APPROVED and funding_request.approved_amount == D("2000.00")
    assert balance_of(pot).committed == D("2000.00")
    assert LedgerEntry.objects.get(funding_request=funding_request).committed_delta == D("2000.00")
    assert "approved" in mail.outbox[-1].subject and mail.outbox[-1].to == [tenant.users["senco"].email]
    assert "Approved in part: £2,000.00" in mail.outbox[-1].body
    assert "Conditions of the award: Termly report" in mail.outbox[-1].body
    assert [e.to_status for e in funding_request.events.all()] == ["submitted", "approved"]


def test_approval_beyond_the_pot_is_refused_and_nothing_changes(tenant, pot):
    funding_request = draft(tenant, amount_requested=D("12000.00"))
    act(tenant, "senco", funding_request, "submit")
    with pytest.raises(ValidationError) as error:
        act(tenant, "area_lead", funding_request, "approve", amount=D("12000.00"),
            start=funding_request.period_start, end=funding_request.period_end)  # fmt: skip
    assert "£10,000.00 available" in error.value.message_dict["amount"][0]
    funding_request.refresh_from_db()
    assert funding_request.status == RequestStatus.SUBMITTED
    assert not LedgerEntry.objects.filter(funding_request=funding_request).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [({"amount_requested": D("0")}, "amount_requested", "more than £0"),
     ({"amount_requested": D("-5")}, "amount_requested", "more than £0"),
     ({"period_end": financial_year_start(TODAY) - datetime.timedelta(days=1)}, "period_end", "the same as or after the start date"),
     ({"period_start": financial_year_start(TODAY) - datetime.timedelta(days=400),
       "period_end": financial_year_start(TODAY) - datetime.timedelta(days=100)}, "period_start", "this financial year or the next")],
)  # fmt: skip
def test_bad_input_is_refused_with_a_clear_error_and_nothing_written(tenant, overrides, field, message):
    with pytest.raises(ValidationError) as error:
        draft(tenant, **overrides)
    assert message in error.value.message_dict[field][0]
    assert not FundingRequest.objects.exists()


def test_the_database_allows_a_single_day_but_not_a_period_that_ends_before_it_starts(tenant):
    from django.db import IntegrityError, transaction

    one_day = draft(tenant, period_end=financial_year_start(TODAY))
    assert one_day.period_start == one_day.period_end
    with pytest.raises(IntegrityError, match="request_period_order"), transaction.atomic():
        FundingRequest.objects.filter(pk=one_day.pk).update(
            period_end=one_day.period_start - datetime.timedelta(days=1)
        )


def test_refused_transitions(tenant, pot):
    funding_request = draft(tenant)
    from django.http import Http404

    with pytest.raises(Http404):  # a draft is the school's own: the Area SEND Lead cannot see it yet
        act(tenant, "area_lead", funding_request, "approve", amount=D("1"), start=TODAY, end=TODAY)
    act(tenant, "senco", funding_request, "submit")
    with pytest.raises(ValidationError, match="Only the school's SENCO or an Area SEND Lead"):
        act(tenant, "la_officer", funding_request, "approve", amount=D("1"), start=TODAY, end=TODAY)
    with pytest.raises(ValidationError, match="A request that is submitted cannot be submitted"):
        act(tenant, "senco", funding_request, "submit")
    act(tenant, "senco", funding_request, "withdraw")
    with pytest.raises(ValidationError):
        act(tenant, "senco", funding_request, "withdraw")


def test_croydon_rules_refuse_a_pupil_with_an_ehcp_issued_before_the_cut_off(tenant, pot):
    from pupils.models import NeedType

    tenant.authority.ehcp_issued_before_excluded = datetime.date(2020, 11, 1)
    tenant.authority.save()
    pupil = f.make_pupil(tenant.school_1, sen_status="E", ehcp_issued_on=datetime.date(2019, 3, 1),
                         primary_need=NeedType.objects.get(code="ASD"))  # fmt: skip
    funding_request = draft(tenant, pupil_id=pupil.pk)
    with pytest.raises(ValidationError) as error:
        act(tenant, "senco", funding_request, "submit")
    assert any("before 1 November 2020" in m for m in error.value.messages)
    funding_request.refresh_from_db()
    assert funding_request.status == RequestStatus.DRAFT


def test_an_area_lead_of_another_locality_cannot_decide(tenant, pot):
    funding_request = draft(tenant)
    act(tenant, "senco", funding_request, "submit")
    other_lead = f.make_user(tenant.authority, "area_send_lead", locality=tenant.locality_2)
    from django.http import Http404

    with pytest.raises(Http404):  # they cannot even see it
        services.request_transition(actor=other_lead, scope=scope_of(other_lead), request_id=funding_request.pk,
                                    action="decline", reasons="No")  # fmt: skip


def test_absurd_amounts_get_a_message_not_an_error(tenant):
    for amount, message in [
        (D("1e30"), "£1,000,000 or less"),
        (D("Infinity"), "Enter an amount"),
        (D("NaN"), "Enter an amount"),
    ]:
        with pytest.raises(ValidationError) as error:
            draft(tenant, amount_requested=amount)
        assert message in error.value.message_dict["amount_requested"][0]


def test_above_the_threshold_goes_to_the_top_up_panel_when_the_scheme_says_so(tenant, pot):
    from pupils.tests.casework import completed_cycles

    completed_cycles(tenant.users["senco"], tenant.pupil_1, 2, provision_cost="5000.00")
    small = draft(tenant, amount_requested=D("900.00"))
    large = draft(tenant, amount_requested=D("1500.00"))  # 5,000 + 1,500 is above the £6,000 threshold
    assert services.route_for(large)[0] == Route.LOCALITY  # the setting is off by default
    tenant.authority.above_threshold_to_top_up_panel = True
    tenant.authority.save()
    large.refresh_from_db()
    small.refresh_from_db()
    assert services.route_for(small)[0] == Route.LOCALITY
    route, panel = services.route_for(large)
    assert route == Route.TOP_UP_PANEL and panel.kind == "top_up"


def test_an_area_lead_cannot_decide_a_request_from_their_own_school(tenant, pot):
    both = tenant.users["area_lead"]
    f.grant(both, tenant.authority, "senco", school=tenant.school_1)
    funding_request = services.request_save_draft(
        actor=both,
        scope=scope_of(both),
        school_id=tenant.school_1.pk,
        pupil_id=tenant.pupil_1.pk,
        amount_requested=D("500"),
        period_start=financial_year_start(TODAY),
        period_end=financial_year_start(TODAY) + datetime.timedelta(days=30),
        purpose="x",
        outcomes_served="y",
    )
    services.request_transition(actor=both, scope=scope_of(both), request_id=funding_request.pk, action="submit")
    with pytest.raises(ValidationError, match="cannot decide a request from your own school"):
        services.request_transition(
            actor=both,
            scope=scope_of(both),
            request_id=funding_request.pk,
            action="approve",
            amount=D("500"),
            start=funding_request.period_start,
            end=funding_request.period_end,
        )
    assert not LedgerEntry.objects.filter(funding_request=funding_request).exists()


def test_a_pupil_who_moved_school_cannot_be_submitted_from_the_old_school(tenant, pot):
    from pupils.services import pupil_move

    funding_request = draft(tenant)
    senco = tenant.users["senco"]
    pupil_move(
        actor=senco,
        scope=scope_of(senco),
        pupil_id=tenant.pupil_1.pk,
        to_school_id=tenant.school_3.pk,
        moved_on=TODAY,
        reason="Moved",
    )
    with pytest.raises(ValidationError, match="no longer on this school's SEN register"):
        act(tenant, "senco", funding_request, "submit")


def test_withdrawing_a_draft_tells_nobody_and_keeps_it_from_the_area_lead(
    tenant, pot, django_capture_on_commit_callbacks
):
    funding_request = draft(tenant)
    with django_capture_on_commit_callbacks(execute=True):
        act(tenant, "senco", funding_request, "withdraw")
    assert mail.outbox == []
    from accounts.scoping import visible

    assert not visible(FundingRequest, scope_of(tenant.users["area_lead"])).filter(pk=funding_request.pk).exists()


def test_a_draft_is_private_to_the_school_s_sencos_whatever_the_reader_s_role(tenant, pot):
    from accounts.scoping import visible

    kept = draft(tenant)
    withdrawn_draft = draft(tenant)
    act(tenant, "senco", withdrawn_draft, "withdraw")
    submitted = draft(tenant)
    act(tenant, "senco", submitted, "submit")
    withdrawn_after_submitting = draft(tenant)
    act(tenant, "senco", withdrawn_after_submitting, "submit")
    act(tenant, "senco", withdrawn_after_submitting, "withdraw")
    sent = {submitted.pk, withdrawn_after_submitting.pk}
    for role in ("la_officer", "finance_officer", "area_lead"):
        seen = set(visible(FundingRequest, scope_of(tenant.users[role])).values_list("pk", flat=True))
        assert seen == sent, role
    assert set(visible(FundingRequest, scope_of(tenant.users["senco"])).values_list("pk", flat=True)) == {
        kept.pk,
        withdrawn_draft.pk,
        *sent,
    }
    # An LA officer who is also the school's SENCO sees the school's drafts, as its SENCO.
    officer = tenant.users["la_officer"]
    f.grant(officer, tenant.authority, "senco", school=tenant.school_1)
    assert kept.pk in set(visible(FundingRequest, scope_of(officer)).values_list("pk", flat=True))


def test_locality_routing_follows_the_scheme_setting_not_whether_a_budget_exists(tenant):
    """A council that devolves budgets sends a locality school's request to its Area SEND Lead even before a
    locality budget is set; one that does not sends it to the top-up panel even if a locality budget exists."""
    from funding.models import Budget

    funding_request = draft(tenant)
    assert not Budget.objects.exists()
    assert services.route_for(funding_request) == (Route.LOCALITY, None)
    f.make_budget(tenant.authority, locality=tenant.locality_1, amount="10000.00", actor=tenant.users["la_officer"])
    tenant.authority.runs_locality_budgets = False
    tenant.authority.save()
    funding_request.refresh_from_db()
    route, panel = services.route_for(funding_request)
    assert route == Route.TOP_UP_PANEL and panel.kind == "top_up"
