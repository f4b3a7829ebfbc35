"""Routing and eligibility at submission, per scheme: where each council's rules send a request, and why
a request is refused, in the words the school reads."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from funding import services
from funding.models import FundingRequest, LedgerEntry, RequestEvent, RequestStatus, Route
from funding.tests.test_request_pages import create_draft, text
from localities.models import ProvisionKind
from panels.models import PanelKind
from pupils.tests.casework import completed_cycles, scope_of
from tests import factories as f
from tests.fixtures import client_for

D = Decimal


def submit_page(client, funding_request):
    return client.post(reverse("funding:request-submit", args=[funding_request.pk]))


def refusal_summary(response):
    """The error summary of a refused submission, as the SENCO reads it."""
    assert response.status_code == 200
    assert "<title>Error: " in response.content.decode()
    return text(response).replace("&#x27;", "'").split("There is a problem")[1].split("Funding request")[0]


def assert_nothing_written(funding_request):
    funding_request.refresh_from_db()
    assert funding_request.status == RequestStatus.DRAFT and funding_request.submitted_at is None
    assert funding_request.snapshot == {} and funding_request.eligibility == {}
    assert not RequestEvent.objects.filter(request=funding_request).exists()
    assert not LedgerEntry.objects.filter(funding_request=funding_request).exists()


def configure(authority, **settings):
    for name, value in settings.items():
        setattr(authority, name, value)
    authority.save()


# Above the threshold, to the top-up panel (a locality council that sends such requests on) ---------------


@pytest.fixture
def above_threshold_council(tenant):
    configure(tenant.authority, above_threshold_to_top_up_panel=True)
    f.make_budget(tenant.authority, locality=tenant.locality_1, amount="10000.00", actor=tenant.users["la_officer"])
    return tenant


def test_a_request_the_top_up_panel_gets_for_being_above_the_threshold_can_be_submitted(above_threshold_council):
    """Provision in place (£5,000) is within the threshold; with the £1,500 asked for it is above it. The
    route and the eligibility apply the same rule, so the request goes to the panel and is eligible."""
    tenant = above_threshold_council
    completed_cycles(tenant.users["senco"], tenant.pupil_1, 2, provision_cost="5000.00")
    client = client_for(tenant.users["senco"])
    funding_request = create_draft(tenant, client, amount_requested="1500.00")
    preview = text(client.get(reverse("funding:request-detail", args=[funding_request.pk])))
    assert "it would go to High Needs top-up panel" in preview and "Not eligible" not in preview
    response = submit_page(client, funding_request)
    assert response.status_code == 302
    funding_request.refresh_from_db()
    assert funding_request.status == RequestStatus.SUBMITTED
    assert funding_request.route == Route.TOP_UP_PANEL and funding_request.panel.kind == PanelKind.HIGH_NEEDS_TOP_UP
    assert funding_request.eligibility["eligible"] is True
    words = text(client.get(response.url)).replace("&#x27;", "'")
    assert (
        "Provision in place costs £5,000.00 a year; with the £1,500.00 asked for it comes to £6,500.00, £500.00 more "
        "than the £6,000.00 the school meets from its notional SEN budget." in words
    )
    assert "2 assess, plan, do, review cycles have been completed (2 needed)." in words
    # The locality's Area SEND Lead does not decide it: the panel does.
    lead = tenant.users["area_lead"]
    with pytest.raises(ValidationError, match="Only the Area SEND Lead of the school's locality decides"):
        services.request_transition(
            actor=lead, scope=scope_of(lead), request_id=funding_request.pk, action="decline", reasons="No"
        )


def test_a_request_above_the_threshold_without_the_cycles_is_refused_in_plain_words(above_threshold_council):
    tenant = above_threshold_council
    completed_cycles(tenant.users["senco"], tenant.pupil_1, 1, provision_cost="5000.00")
    client = client_for(tenant.users["senco"])
    funding_request = create_draft(tenant, client, amount_requested="1500.00")
    summary = refusal_summary(submit_page(client, funding_request))
    assert "This request cannot be submitted:" in summary
    assert (
        "Only 1 assess, plan, do, review cycle has been completed; 2 cycles are needed before a top-up request."
        in summary
    )
    assert_nothing_written(funding_request)


# Complex and exceptional needs: the central panel --------------------------------------------------------


def test_a_request_for_complex_and_exceptional_needs_goes_to_the_central_panel(tenant):
    central = f.make_panel(tenant.authority, kind=PanelKind.EXCEPTIONAL_NEEDS)
    configure(tenant.authority, above_threshold_to_top_up_panel=True)
    completed_cycles(tenant.users["senco"], tenant.pupil_1, 2, provision_cost="9000.00")  # above the threshold too
    client = client_for(tenant.users["senco"])
    funding_request = create_draft(tenant, client, is_exceptional="on")
    assert submit_page(client, funding_request).status_code == 302
    funding_request.refresh_from_db()
    assert (funding_request.route, funding_request.panel) == (Route.EXCEPTIONAL_PANEL, central)
    assert funding_request.status == RequestStatus.SUBMITTED and funding_request.eligibility["eligible"] is True


def test_a_complex_needs_request_in_a_council_without_that_panel_is_refused_and_says_why(tenant):
    client = client_for(tenant.users["senco"])
    funding_request = create_draft(tenant, client, is_exceptional="on")
    summary = refusal_summary(submit_page(client, funding_request))
    assert f"{tenant.authority.name} has no panel for complex and exceptional needs panel requests." in summary
    assert_nothing_written(funding_request)


# Croydon: early-adopter mainstream schools only ----------------------------------------------------------


@pytest.fixture
def croydon_style(tenant):
    configure(
        tenant.authority,
        early_adopter_schools_only=True,
        ehcp_issued_before_excluded=datetime.date(2020, 11, 1),
        runs_locality_budgets=True,
    )
    f.make_panel(tenant.authority, kind=PanelKind.EXCEPTIONAL_NEEDS)
    f.make_budget(tenant.authority, locality=tenant.locality_1, amount="10000.00", actor=tenant.users["la_officer"])
    return tenant


@pytest.mark.parametrize(
    "school_change",
    [{"is_early_adopter": False}, {"provision_kind": ProvisionKind.SPECIAL},
     {"provision_kind": ProvisionKind.ENHANCED_LEARNING}],
    ids=["not an early adopter", "special school", "enhanced learning provision"],
)  # fmt: skip
def test_croydon_refuses_schools_outside_the_scheme_at_submission(croydon_style, school_change):
    tenant = croydon_style
    client = client_for(tenant.users["senco"])
    funding_request = create_draft(tenant, client)
    for name, value in school_change.items():
        setattr(tenant.school_1, name, value)
    tenant.school_1.save()
    # The draft already says why, and the submission is refused with the same words.
    reason = (
        f"In this scheme only early-adopter mainstream schools can request funding, and {tenant.school_1.name} "
        "is not one."
    )
    assert reason in text(client.get(reverse("funding:request-detail", args=[funding_request.pk]))).replace(
        "&#x27;", "'"
    )
    summary = refusal_summary(submit_page(client, funding_request))
    assert "This request cannot be submitted:" in summary and reason in summary
    assert_nothing_written(funding_request)


def test_croydon_accepts_an_early_adopter_mainstream_school_and_routes_it_to_the_locality(croydon_style):
    tenant = croydon_style
    client = client_for(tenant.users["senco"])
    funding_request = create_draft(tenant, client)
    assert submit_page(client, funding_request).status_code == 302
    funding_request.refresh_from_db()
    assert (funding_request.route, funding_request.panel) == (Route.LOCALITY, None)
    assert (
        f"{tenant.school_1.name} is an early-adopter mainstream school in the scheme."
        in (funding_request.eligibility["reasons"])
    )


# Stockton: no locality budgets, everything above the threshold goes to the One Point Panel ----------------


@pytest.fixture
def stockton_style(tenant):
    configure(tenant.authority, runs_locality_budgets=False, min_completed_cycles_for_top_up=2)
    f.make_budget(tenant.authority, kind="top_up", panel=tenant.panel, amount="50000.00",
                  actor=tenant.users["la_officer"])  # fmt: skip
    return tenant


def test_stockton_sends_a_locality_school_s_request_to_the_top_up_panel_and_it_can_be_submitted(stockton_style):
    tenant = stockton_style
    completed_cycles(tenant.users["senco"], tenant.pupil_1, 2, provision_cost="5000.00")
    client = client_for(tenant.users["senco"])
    funding_request = create_draft(tenant, client, amount_requested="2400.00")
    assert submit_page(client, funding_request).status_code == 302
    funding_request.refresh_from_db()
    assert funding_request.route == Route.TOP_UP_PANEL and funding_request.panel.kind == PanelKind.HIGH_NEEDS_TOP_UP
    assert funding_request.eligibility["eligible"] is True
    assert "with the £2,400.00 asked for it comes to £7,400.00" in funding_request.eligibility["reasons"][0]


@pytest.mark.parametrize(
    ("cycles", "provision", "asked", "reason"),
    [(1, "7000.00", "2400.00",
      "Only 1 assess, plan, do, review cycle has been completed; 2 cycles are needed before a top-up request."),
     (0, "7000.00", "2400.00",
      "Only 0 assess, plan, do, review cycles have been completed; 2 cycles are needed before a top-up request."),
     (2, "3000.00", "2400.00",
      "Provision in place costs £3,000.00 a year; with the £2,400.00 asked for it comes to £5,400.00, within the "
      "£6,000.00 the school meets from its notional SEN budget, so it is not for top-up funding.")],
    ids=["one cycle", "no cycles", "within the threshold"],
)  # fmt: skip
def test_stockton_applies_the_top_up_rules_at_submission(stockton_style, cycles, provision, asked, reason):
    tenant = stockton_style
    senco = tenant.users["senco"]
    if cycles:
        completed_cycles(senco, tenant.pupil_1, cycles, provision_cost=provision)
    else:
        from pupils.cycles import cycle_start
        from pupils.tests.casework import add_provision

        cycle = cycle_start(actor=senco, scope=scope_of(senco), pupil_id=tenant.pupil_1.pk,
                            started_on=datetime.date.today() - datetime.timedelta(days=10),
                            review_on=datetime.date.today() + datetime.timedelta(days=50))  # fmt: skip
        add_provision(cycle, hourly_cost=None, fixed_cost=D(provision), sessions_per_week=0, minutes_per_session=0,
                      weeks=0)  # fmt: skip
    client = client_for(senco)
    funding_request = create_draft(tenant, client, amount_requested=asked)
    summary = refusal_summary(submit_page(client, funding_request))
    assert "This request cannot be submitted:" in summary and reason in summary
    assert_nothing_written(funding_request)
    assert FundingRequest.objects.get(pk=funding_request.pk).route == Route.LOCALITY  # the default, not saved
