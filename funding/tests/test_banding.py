from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from funding import banding
from funding.banding_models import Band
from funding.tests.test_requests import act, draft
from pupils.tests.casework import scope_of
from tests import factories as f
from tests.fixtures import client_for

D = Decimal


@pytest.fixture
def matrix(tenant):
    officer = tenant.users["la_officer"]
    scope = scope_of(officer)
    comm = banding.banding_domain_add(
        actor=officer,
        scope=scope,
        name="Communication",
        weight=D("2"),
        levels=["No additional need", "Some support", "Daily support", "Constant support"],
    )
    learn = banding.banding_domain_add(
        actor=officer,
        scope=scope,
        name="Learning",
        weight=D("1"),
        levels=["No additional need", "Some support", "Daily support"],
    )
    bands = [
        banding.band_add(actor=officer, scope=scope, name=name, min_score=D(low), annual_tariff=D(tariff))
        for name, low, tariff in [("Band A", "0", "0"), ("Band B", "3", "2500"), ("Band C", "6", "6000")]
    ]
    return comm, learn, bands


def test_scores_give_a_weighted_indicative_band_shown_on_the_scoring_page(tenant, matrix):
    comm, learn, bands = matrix
    funding_request = draft(tenant)
    client = client_for(tenant.users["senco"])
    url = reverse("funding:request-scores", args=[funding_request.pk])
    assert "Level 2: Daily support" in client.get(url).content.decode()
    response = client.post(
        url, {f"level_{comm.pk}": "2", f"level_{learn.pk}": "1", f"rationale_{comm.pk}": "SALT report"}
    )
    assert response.status_code == 302
    funding_request.refresh_from_db()
    assert funding_request.indicative_band == bands[1]  # 2 x 2 + 1 x 1 = 5: Band B
    summary = banding.banding_summary(funding_request=funding_request)
    assert summary.score == D("5") and summary.complete


def test_every_domain_needs_a_level(tenant, matrix):
    comm, _learn, _ = matrix
    funding_request = draft(tenant)
    page = (
        client_for(tenant.users["senco"])
        .post(reverse("funding:request-scores", args=[funding_request.pk]), {f"level_{comm.pk}": "2"})
        .content.decode()
    )
    assert "Select a level for learning" in page
    assert not funding_request.scores.exists()


def test_a_different_band_at_approval_needs_a_reason(tenant, matrix):
    comm, learn, bands = matrix
    f.make_budget(tenant.authority, locality=tenant.locality_1, amount="10000", actor=tenant.users["la_officer"])
    funding_request = draft(tenant)
    senco = tenant.users["senco"]
    banding.request_scores_save(
        actor=senco,
        scope=scope_of(senco),
        request_id=funding_request.pk,
        levels={comm.pk: (1, None, ""), learn.pk: (1, None, "")},
    )
    act(tenant, "senco", funding_request, "submit")
    with pytest.raises(ValidationError) as error:
        act(
            tenant,
            "area_lead",
            funding_request,
            "approve",
            amount=D("1000"),
            start=funding_request.period_start,
            end=funding_request.period_end,
            band_id=bands[2].pk,
        )
    assert "band_reason" in error.value.message_dict
    act(
        tenant,
        "area_lead",
        funding_request,
        "approve",
        amount=D("1000"),
        start=funding_request.period_start,
        end=funding_request.period_end,
        band_id=bands[2].pk,
        band_reason="Needs rising fast; EP report",
    )
    funding_request.refresh_from_db()
    assert funding_request.indicative_band == bands[1] and funding_request.decided_band == bands[2]
    assert funding_request.band_override_reason == "Needs rising fast; EP report"


def test_banding_configuration_is_validated_and_only_for_la_officers(tenant, matrix):
    officer_client = client_for(tenant.users["la_officer"])
    page = officer_client.post(
        reverse("funding:band-add"), {"name": "Band B", "min_score": "3", "annual_tariff": "-1"}
    ).content.decode()
    assert "There is already a band with this name" in page and "Another band already starts at this score" in page
    assert "The tariff cannot be negative" in page
    assert Band.objects.count() == 3
    assert client_for(tenant.users["senco"]).get(reverse("funding:banding-settings")).status_code == 403
    assert client_for(tenant.users["finance_officer"]).get(reverse("funding:band-add")).status_code == 403
    page = client_for(tenant.users["finance_officer"]).get(reverse("funding:banding-settings")).content.decode()
    assert "Constant support" in page and "£6,000.00" in page


def test_scoring_is_scoped(world):
    funding_request = draft(world.a)
    url = reverse("funding:request-scores", args=[funding_request.pk])
    assert client_for(world.b.users["senco"]).get(url).status_code == 404
    other_school = f.make_user(world.a.authority, "senco", school=world.a.school_2)
    assert client_for(other_school).get(url).status_code == 404
    assert client_for(world.a.users["area_lead"]).get(url).status_code == 403


def test_other_tenants_bands_cannot_be_decided(world):
    officer = world.b.users["la_officer"]
    foreign = banding.band_add(actor=officer, scope=scope_of(officer), name="X", min_score=D("0"), annual_tariff=D("1"))
    funding_request = draft(world.a)
    with pytest.raises(ValidationError, match="one of the council"):
        banding.band_decision_check(funding_request=funding_request, band_id=foreign.pk, reason="")


def test_request_page_shows_scores_and_the_indicative_band_to_school_and_decision_maker(tenant, matrix):
    comm, learn, _bands = matrix
    f.make_budget(tenant.authority, locality=tenant.locality_1, amount="10000", actor=tenant.users["la_officer"])
    funding_request = draft(tenant)
    senco = tenant.users["senco"]
    banding.request_scores_save(
        actor=senco,
        scope=scope_of(senco),
        request_id=funding_request.pk,
        levels={comm.pk: (2, None, "Daily SALT"), learn.pk: (1, None, "")},
    )
    act(tenant, "senco", funding_request, "submit")
    for who in ("senco", "area_lead"):
        page = (
            client_for(tenant.users[who])
            .get(reverse("funding:request-detail", args=[funding_request.pk]))
            .content.decode()
        )
        assert "Level 2: Daily support" in page and "Daily SALT" in page
        assert "Band B: £2,500.00 a year above the notional threshold" in page


def test_a_pupil_s_request_cannot_be_submitted_until_every_domain_is_scored(tenant, matrix):
    comm, learn, _bands = matrix
    f.make_budget(tenant.authority, locality=tenant.locality_1, amount="10000", actor=tenant.users["la_officer"])
    funding_request = draft(tenant)
    client = client_for(tenant.users["senco"])
    response = client.post(reverse("funding:request-submit", args=[funding_request.pk]))
    assert response.status_code == 200 and "<title>Error: " in response.content.decode()
    assert (
        f"Score the pupil&#x27;s needs in every domain of {tenant.authority.name}&#x27;s banding before you submit: "
        "Communication and Learning are not scored yet." in response.content.decode()
    )
    funding_request.refresh_from_db()
    assert funding_request.status == "draft" and not funding_request.events.exists()
    senco = tenant.users["senco"]
    banding.request_scores_save(actor=senco, scope=scope_of(senco), request_id=funding_request.pk,
                                levels={comm.pk: (1, None, ""), learn.pk: (1, None, "")})  # fmt: skip
    # The council adds a domain after the school scored: that one is still to score.
    officer = tenant.users["la_officer"]
    banding.banding_domain_add(actor=officer, scope=scope_of(officer), name="Sensory", weight=D("1"),
                               levels=["None", "Some"])  # fmt: skip
    with pytest.raises(ValidationError, match="Sensory is not scored yet"):
        act(tenant, "senco", funding_request, "submit")
    banding.request_scores_save(actor=senco, scope=scope_of(senco), request_id=funding_request.pk,
                                levels={d.pk: (1, None, "") for d in banding.matrix(local_authority_id=tenant.authority.pk)})  # fmt: skip
    act(tenant, "senco", funding_request, "submit")
    funding_request.refresh_from_db()
    assert funding_request.status == "submitted"


def test_a_council_without_banding_does_not_ask_for_scores(tenant):
    f.make_budget(tenant.authority, locality=tenant.locality_1, amount="10000", actor=tenant.users["la_officer"])
    funding_request = draft(tenant)
    act(tenant, "senco", funding_request, "submit")
    funding_request.refresh_from_db()
    assert funding_request.status == "submitted"


def test_the_evidence_behind_a_score_links_to_its_cycle_for_those_who_may_read_the_pupil(tenant, matrix):
    import datetime

    from pupils.models import EvidenceItem
    from pupils.tests.casework import completed_cycles

    comm, learn, _bands = matrix
    f.make_budget(tenant.authority, locality=tenant.locality_1, amount="10000", actor=tenant.users["la_officer"])
    senco = tenant.users["senco"]
    cycle = completed_cycles(senco, tenant.pupil_1, 1)
    evidence = EvidenceItem.objects.create(
        local_authority=tenant.authority, cycle=cycle, kind="standardised", recorded_on=datetime.date(2026, 10, 5),
        summary="Receptive language below the 5th percentile", standardised_score=70, recorded_by=senco,
    )  # fmt: skip
    funding_request = draft(tenant)
    banding.request_scores_save(actor=senco, scope=scope_of(senco), request_id=funding_request.pk,
                                levels={comm.pk: (2, evidence.pk, "Daily SALT"), learn.pk: (1, None, "")})  # fmt: skip
    act(tenant, "senco", funding_request, "submit")
    detail_url = reverse("funding:request-detail", args=[funding_request.pk])
    cycle_url = reverse("pupils:cycle-detail", args=[tenant.pupil_1.pk, cycle.pk]) + "#assess"
    for who in ("senco", "area_lead", "la_officer"):
        page = client_for(tenant.users[who]).get(detail_url).content.decode()
        assert f'href="{cycle_url}" data-testid="evidence-link">Standardised test score, 5 October 2026' in page, who
        assert client_for(tenant.users[who]).get(cycle_url.split("#")[0]).status_code == 200  # the link opens
    # Finance officers see no casework; a lead who may no longer read the pupil sees the evidence unlinked.
    page = client_for(tenant.users["finance_officer"]).get(detail_url).content.decode()
    assert cycle_url not in page and "Standardised test score" not in page
    from pupils.models import Pupil

    Pupil.objects.filter(pk=tenant.pupil_1.pk).update(school=tenant.school_3)  # now in another locality
    page = client_for(tenant.users["area_lead"]).get(detail_url).content.decode()
    assert cycle_url not in page and "Standardised test score, 5 October 2026" in page
