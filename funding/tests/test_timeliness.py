"""How long requests wait: the stages on a request's page, and the LA's median and 90th percentile days
from submission to decision per panel and per locality, with the cases over the target."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from funding.models import FundingRequest, RequestEvent, RequestStatus
from funding.timeliness import la_timeliness, percentile, request_stages
from panels import services
from panels.tests.scenario import build, item_of, referred_request, start_meeting
from pupils.tests.casework import scope_of
from tests.fixtures import client_for

NOW = timezone.now()


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def days_ago(days):
    return NOW - datetime.timedelta(days=days)


def backdate(funding_request, *, created, events):
    """Move a request's history into the past: created `created` days ago, its events at the given days ago."""
    FundingRequest.objects.filter(pk=funding_request.pk).update(created_at=days_ago(created))
    for event, days in zip(funding_request.events.order_by("pk"), events, strict=True):
        RequestEvent.objects.filter(pk=event.pk).update(created_at=days_ago(days))
    submitted = funding_request.events.filter(to_status=RequestStatus.SUBMITTED).order_by("pk").first()
    FundingRequest.objects.filter(pk=funding_request.pk).update(submitted_at=submitted.created_at)
    funding_request.refresh_from_db()
    return funding_request


def test_the_90th_percentile_is_the_nearest_rank():
    values = [float(n) for n in range(1, 11)]
    assert (percentile(values, 0.5), percentile(values, 0.9)) == (5.0, 9.0)
    assert percentile([7.0], 0.9) == 7.0
    with pytest.raises(ValueError):
        percentile([], 0.5)


def test_a_request_shows_the_time_at_each_stage(tenant):
    pw = build(tenant, cases=1)
    request = pw.requests[0]  # drafted, submitted, referred
    request = backdate(request, created=30, events=[28, 20])
    stages = {s.label: s for s in request_stages(request, list(request.events.order_by("created_at", "pk")), now=NOW)}
    assert stages["Being written by the school"].shown == "2 days"
    assert stages["Waiting for the Area SEND Lead"].shown == "8 days"
    current = stages["Referred by the Area SEND Lead, waiting for the central panel"]
    assert current.shown == "20 days" and current.is_current
    page = text(client_for(pw.sencos[request.school_id]).get(reverse("funding:request-detail", args=[request.pk])))
    assert "How long it has waited" in page and "Waiting for the Area SEND Lead 8 days" in page


@pytest.fixture
def decided(tenant):
    """Three requests decided by the panel after 10, 20 and 40 days; one still waiting after 45 days."""
    pw = build(tenant, cases=3)
    start_meeting(pw)
    for request, days in zip(pw.requests, (10, 20, 40), strict=True):
        services.decision_record(actor=pw.officer, scope=scope_of(pw.officer), item_id=item_of(pw, request).pk,
                                 outcome="decline", reasons="Within the notional budget")  # fmt: skip
        FundingRequest.objects.filter(pk=request.pk).update(submitted_at=NOW - datetime.timedelta(days=days))
    waiting = referred_request(pw)
    FundingRequest.objects.filter(pk=waiting.pk).update(submitted_at=days_ago(45))
    return pw, waiting


def _this_year(tenant):
    return tenant.authority.financial_year_containing(timezone.localdate())


def test_the_la_sees_median_and_90th_percentile_per_panel_and_locality_and_the_cases_over_target(tenant, decided):
    pw, waiting = decided
    since, until = _this_year(tenant)
    result = la_timeliness(scope=scope_of(pw.officer), since=since, until=until)
    assert result.target_days == 30 and result.decided == 3
    assert (round(result.median), round(result.p90), result.over_target) == (20, 40, 1)
    panel = next(g for g in result.by_panel if g.name == pw.panel.name)
    assert (panel.decided, round(panel.median), round(panel.p90), panel.over_target) == (3, 20, 40, 1)
    locality = next(g for g in result.by_locality if g.name == tenant.locality_1.name)
    assert locality.decided == 3
    assert [o.funding_request for o in result.overdue] == [waiting] and result.overdue[0].days == 45
    page = text(client_for(pw.officer).get(reverse("funding:timeliness")))
    assert "Requests decided 3" in page and "90th percentile 40 days" in page
    assert f"Funding request {waiting.pk}" in page and "over the target" in page


def test_another_council_s_requests_are_not_counted(world, decided):
    pw, _ = decided
    since, until = _this_year(world.b)
    other = la_timeliness(scope=scope_of(world.b.users["la_officer"]), since=since, until=until)
    assert other.decided == 0 and other.overdue == [] and other.by_panel == []
    page = text(client_for(world.b.users["la_officer"]).get(reverse("funding:timeliness")))
    assert pw.panel.name not in page and "No request is waiting longer than the target" in page


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("la_officer", 200),
        ("finance_officer", 200),
        ("senco", 403),
        ("area_lead", 403),
        ("panel_member", 403),
        ("specialist", 403),
    ],
)
def test_who_reads_the_timeliness_page(tenant, role, status):
    assert client_for(tenant.users[role]).get(reverse("funding:timeliness")).status_code == status


def test_the_page_costs_the_same_with_one_decision_or_twenty(tenant):
    pw = build(tenant, cases=1)
    start_meeting(pw)
    services.decision_record(actor=pw.officer, scope=scope_of(pw.officer), item_id=item_of(pw, pw.requests[0]).pk,
                             outcome="decline", reasons="No")  # fmt: skip
    client = client_for(pw.officer)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("funding:timeliness"))
    pw.requests = [referred_request(pw) for _ in range(19)]
    pw.meeting = None
    start_meeting(pw)
    for request in pw.requests:
        services.decision_record(actor=pw.officer, scope=scope_of(pw.officer), item_id=item_of(pw, request).pk,
                                 outcome="decline", reasons="No")  # fmt: skip
    with CaptureQueriesContext(connection) as twenty:
        client.get(reverse("funding:timeliness"))
    assert len(twenty) == len(one)
