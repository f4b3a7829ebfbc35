"""One cycle's page (assess, plan, do, review) and the forms that add to and remove from it: the costs shown,
every validation message, nothing saved on bad input, reviewed cycles refused, every change audited."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEvent
from pupils import cycle_services
from pupils.models import Equipment, EvidenceItem, Outcome, ProvisionEntry, ReviewDecision
from pupils.tests.test_cycle_workflow import (
    add_outcome,
    add_provision,
    date_fields,
    review,
    scope_of,
    start,
    today,
)
from tests import factories as f
from tests.fixtures import client_for


def url(name, cycle, *extra):
    return reverse(f"pupils:{name}", args=[cycle.pupil_id, cycle.pk, *extra])


@pytest.fixture
def cycle(tenant):
    return start(tenant)


@pytest.fixture
def senco(tenant):
    return client_for(tenant.users["senco"])


def assert_refused(response, field, message):
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "govuk-error-summary" in page
    assert f'href="#{field}">{message}' in page, page[page.find("govuk-error-summary") :][:1500]
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in page


# Costs on the page -------------------------------------------------------------------------------------

PROVISION = {
    "description": "Phonics catch-up",
    "delivered_by": "ta",
    "group_size": "1",
    "sessions_per_week": "3",
    "minutes_per_session": "30",
    "weeks": "38",
    "hourly_cost": "18.50",
    "fixed_cost": "",
    "outcome": "",
}


def test_cost_of_a_weekly_pattern_is_shown_and_totalled(tenant, cycle, senco):
    # 3 x 30 minutes = 1.5 hours a week, x 38 weeks = 57 hours, x £18.50 = £1,054.50
    response = senco.post(url("cycle-provision-add", cycle), PROVISION, follow=True)
    page = response.content.decode()
    assert "Provision added to cycle 1" in page
    assert "3 sessions a week of 30 minutes, 38 weeks a year" in page
    assert "£18.50 an hour" in page
    assert "£1,054.50" in page
    # The same pattern shared by a group of 4: £263.625, rounded to £263.63.
    page = senco.post(url("cycle-provision-add", cycle), {**PROVISION, "group_size": "4"}, follow=True)
    text = page.content.decode()
    assert "in a group of 4" in text and "£263.63" in text
    assert (
        '<td class="govuk-table__cell govuk-table__cell--numeric" data-testid="provision-total"><strong>£1,318.13'
        in text
    )
    # A fixed cost and equipment.
    senco.post(url("cycle-provision-add", cycle), {**PROVISION, "hourly_cost": "", "fixed_cost": "£1,200",
                                                   "sessions_per_week": "", "minutes_per_session": "", "weeks": ""})  # fmt: skip
    data = {"description": "Writing slope", "cost": "24.99", **date_fields("bought_on", today())}
    senco.post(url("cycle-equipment-add", cycle), data)
    text = senco.get(url("cycle-detail", cycle)).content.decode()
    assert "£1,200.00 for the year" in text and "No weekly pattern" in text
    assert "£2,518.13" in text  # 1,054.50 + 263.63 + 1,200.00
    assert "Writing slope" in text and "£24.99" in text
    assert [e.fixed_cost for e in ProvisionEntry.objects.order_by("pk")] == [None, None, Decimal("1200.00")]


def test_detail_page_shows_the_four_sections(tenant, cycle, senco):
    outcome = add_outcome(tenant, cycle, "Reads a short text aloud")
    add_provision(tenant, cycle, outcome=outcome)
    cycle_services.evidence_add(
        actor=tenant.users["senco"], scope=scope_of(tenant.users["senco"]), cycle_id=cycle.pk, kind="standardised",
        recorded_on=today(), summary="Reading age 6y 2m", standardised_score=82,
    )  # fmt: skip
    page = senco.get(url("cycle-detail", cycle)).content.decode()
    for heading in ('id="assess">Assess', 'id="plan">Plan', 'id="do">Do', 'id="review">Review'):
        assert heading in page
    assert "Standardised test score" in page and "Reading age 6y 2m" in page and ">82<" in page
    assert "Reads a short text aloud" in page and "Running record" in page
    assert "Towards outcome 1" in page
    assert "is due now" in page and "Record the review" in page
    assert AuditEvent.objects.filter(action="pupil_viewed", object_id=str(tenant.pupil_1.pk)).exists()


# Evidence ----------------------------------------------------------------------------------------------

EVIDENCE = {"kind": "observation", "summary": "Finds it hard to start written tasks", "standardised_score": "",
            "source": ""}  # fmt: skip


def evidence(**changes):
    data = {**EVIDENCE, **date_fields("recorded_on", today())}
    data.update(changes)
    return data


def test_evidence_is_added_and_audited_without_free_text(tenant, cycle, senco):
    response = senco.post(url("cycle-evidence-add", cycle), evidence(), follow=True)
    assert "Evidence added to cycle 1" in response.content.decode()
    item = EvidenceItem.objects.get()
    assert item.recorded_by == tenant.users["senco"] and item.cycle == cycle
    event = AuditEvent.objects.get(action="evidence_added")
    assert event.object_type == "pupils.pupil" and event.object_id == str(tenant.pupil_1.pk)
    assert event.summary.startswith(f"Evidence {item.pk} (teacher observations, ")
    assert "written tasks" not in event.summary
    assert tenant.pupil_1.first_name not in event.summary and tenant.pupil_1.upn not in event.summary


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"kind": ""}, "id_kind_0", "Select the kind of evidence"),
        ({"summary": "  "}, "id_summary", "Enter a summary of the evidence"),
        ({"recorded_on_0": "31", "recorded_on_1": "2"}, "id_recorded_on_0", "Enter a real date, for example 27 3 2017"),
        ({"recorded_on_2": str(today().year + 1)}, "id_recorded_on_0",
         "The date of the evidence must be today or in the past"),
        ({"kind": "standardised", "standardised_score": "39"}, "id_standardised_score",
         "Standardised score must be between 40 and 160"),
        ({"kind": "cats", "standardised_score": "161"}, "id_standardised_score",
         "Standardised score must be between 40 and 160"),
        ({"kind": "cats", "standardised_score": "eighty"}, "id_standardised_score",
         "Standardised score must be a whole number, like 85"),
        ({"kind": "standardised"}, "id_standardised_score",
         "Enter the standardised score, from 40 to 160: it is needed for a standardised test score"),
        ({"kind": "cats", "standardised_score": ""}, "id_standardised_score",
         "Enter the standardised score, from 40 to 160: it is needed for CATs scores"),
        ({"standardised_score": "100"}, "id_standardised_score",
         "Only enter a standardised score for a standardised test score or CATs scores"),
        ({"kind": "agency_advice"}, "id_source", "Enter who gave the advice"),
        ({"source": "Speech and language therapy"}, "id_source",
         "Only enter who gave it for advice from another agency"),
    ],
)  # fmt: skip
def test_bad_evidence_is_refused_with_a_specific_message(tenant, cycle, senco, changes, field, message):
    assert_refused(senco.post(url("cycle-evidence-add", cycle), evidence(**changes)), field, message)
    assert not EvidenceItem.objects.exists()
    assert not AuditEvent.objects.filter(action="evidence_added").exists()


@pytest.mark.parametrize("kind", ["standardised", "cats"])
def test_the_service_refuses_a_scored_kind_without_its_score(tenant, cycle, kind):
    senco_user = tenant.users["senco"]
    with pytest.raises(ValidationError) as excinfo:
        cycle_services.evidence_add(actor=senco_user, scope=scope_of(senco_user), cycle_id=cycle.pk, kind=kind,
                                    recorded_on=today(), summary="Reading test", standardised_score=None)  # fmt: skip
    assert list(excinfo.value.message_dict) == ["standardised_score"]
    assert not EvidenceItem.objects.exists()


def test_scores_and_sources_are_kept_where_they_belong(tenant, cycle, senco):
    senco.post(url("cycle-evidence-add", cycle), evidence(kind="standardised", standardised_score="40"))
    senco.post(url("cycle-evidence-add", cycle), evidence(kind="cats", standardised_score="160"))
    senco.post(url("cycle-evidence-add", cycle), evidence(kind="agency_advice", source="Educational psychology"))
    rows = EvidenceItem.objects.order_by("pk").values_list("kind", "standardised_score", "source")
    assert list(rows) == [("standardised", 40, ""), ("cats", 160, ""), ("agency_advice", None,
                                                                      "Educational psychology")]  # fmt: skip


# Outcomes ----------------------------------------------------------------------------------------------


def outcome(**changes):
    data = {"description": "Reads a short text aloud", "measured_by": "Running record",
            **date_fields("achieve_by", today())}  # fmt: skip
    data.update(changes)
    return data


def test_outcome_is_added(tenant, cycle, senco):
    response = senco.post(url("cycle-outcome-add", cycle), outcome(), follow=True)
    assert "Outcome added to cycle 1" in response.content.decode()
    assert Outcome.objects.get().achieve_by == today()
    assert AuditEvent.objects.filter(action="outcome_added").count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"description": ""}, "id_description", "Enter the outcome"),
        ({"measured_by": ""}, "id_measured_by", "Enter how the outcome will be measured"),
        ({"achieve_by_0": "", "achieve_by_1": "", "achieve_by_2": ""}, "id_achieve_by_0",
         "Enter the date it should be achieved by"),
    ],
)  # fmt: skip
def test_bad_outcome_is_refused(tenant, cycle, senco, changes, field, message):
    assert_refused(senco.post(url("cycle-outcome-add", cycle), outcome(**changes)), field, message)
    assert not Outcome.objects.exists()


def test_outcome_cannot_be_due_before_the_cycle_started(tenant, cycle, senco):
    before = cycle.started_on - datetime.timedelta(days=1)
    message = (
        "The achieve-by date must be on or after the date the cycle started, "
        f"{cycle.started_on.day} {cycle.started_on:%B %Y}"
    )
    assert_refused(
        senco.post(url("cycle-outcome-add", cycle), outcome(**date_fields("achieve_by", before))),
        "id_achieve_by_0",
        message,
    )
    assert not Outcome.objects.exists()


# Provision ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"description": ""}, "id_description", "Enter the intervention or support"),
        ({"delivered_by": ""}, "id_delivered_by_0", "Select who delivers it"),
        ({"group_size": "0"}, "id_group_size", "Group size must be at least 1"),
        ({"group_size": "41"}, "id_group_size", "Group size must be 40 or fewer"),
        ({"group_size": ""}, "id_group_size",
         "Enter the number of pupils in the group, 1 if it is for this pupil alone"),
        ({"minutes_per_session": "601"}, "id_minutes_per_session", "Minutes per session must be 600 or fewer"),
        ({"minutes_per_session": "0"}, "id_minutes_per_session", "Minutes per session must be at least 1"),
        ({"minutes_per_session": ""}, "id_minutes_per_session", "Enter the number of minutes a session lasts"),
        ({"sessions_per_week": "51"}, "id_sessions_per_week", "Sessions per week must be 50 or fewer"),
        ({"sessions_per_week": "2.5"}, "id_sessions_per_week", "Sessions per week must be a whole number, like 3"),
        ({"weeks": "53"}, "id_weeks", "Weeks a year must be 52 or fewer"),
        ({"weeks": "0"}, "id_weeks", "Weeks a year must be at least 1"),
        ({"hourly_cost": "-1"}, "id_hourly_cost", "Hourly cost cannot be negative"),
        ({"hourly_cost": "18.505"}, "id_hourly_cost", "Hourly cost can only have pence, not fractions of a penny"),
        ({"hourly_cost": "lots"}, "id_hourly_cost", "Hourly cost must be an amount of money, like 18.50"),
        ({"hourly_cost": "", "fixed_cost": "-200"}, "id_fixed_cost", "Fixed cost cannot be negative"),
        ({"fixed_cost": "400"}, "id_hourly_cost", "Enter an hourly cost or a fixed cost for the year, not both"),
        ({"hourly_cost": ""}, "id_hourly_cost", "Enter an hourly cost or a fixed cost for the year"),
        ({"outcome": "999999"}, "id_outcome", "Select an outcome of this cycle, or no outcome"),
    ],
)  # fmt: skip
def test_bad_provision_is_refused_with_a_specific_message(tenant, cycle, senco, changes, field, message):
    assert_refused(senco.post(url("cycle-provision-add", cycle), {**PROVISION, **changes}), field, message)
    assert not ProvisionEntry.objects.exists()
    assert not AuditEvent.objects.filter(action="provision_added").exists()


def test_provision_links_only_to_an_outcome_of_the_same_cycle(tenant, cycle, senco):
    own = add_outcome(tenant, cycle)
    # An outcome of another pupil's cycle (another school) is not offered and is refused if posted.
    other_senco = f.make_user(tenant.authority, Role.SENCO, school=tenant.school_2)
    foreign_cycle = start(tenant, tenant.pupil_2, user=other_senco)
    foreign = cycle_services.outcome_add(
        actor=other_senco, scope=scope_of(other_senco), cycle_id=foreign_cycle.pk, description="Theirs",
        achieve_by=today(), measured_by="x",
    )  # fmt: skip
    form_page = senco.get(url("cycle-provision-add", cycle)).content.decode()
    assert f'value="{own.pk}"' in form_page and f'value="{foreign.pk}"' not in form_page
    response = senco.post(url("cycle-provision-add", cycle), {**PROVISION, "outcome": str(foreign.pk)})
    assert_refused(response, "id_outcome", "Select an outcome of this cycle, or no outcome")
    with pytest.raises(ValidationError) as excinfo:
        add_provision(tenant, cycle, outcome=foreign)
    assert excinfo.value.message_dict["outcome"] == ["Select an outcome of this cycle, or no outcome"]
    senco.post(url("cycle-provision-add", cycle), {**PROVISION, "outcome": str(own.pk)})
    assert ProvisionEntry.objects.get().outcome == own


# Equipment ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"description": ""}, "id_description", "Enter what was bought"),
        ({"cost": "-0.01"}, "id_cost", "Cost cannot be negative"),
        ({"cost": ""}, "id_cost", "Enter the cost"),
        ({"bought_on_2": str(today().year + 1)}, "id_bought_on_0", "The date it was bought must be today or in the past"),
    ],
)  # fmt: skip
def test_bad_equipment_is_refused(tenant, cycle, senco, changes, field, message):
    data = {"description": "Writing slope", "cost": "24.99", **date_fields("bought_on", today()), **changes}
    assert_refused(senco.post(url("cycle-equipment-add", cycle), data), field, message)
    assert not Equipment.objects.exists()


# Reviewed cycles are kept as they were -----------------------------------------------------------------------


def test_nothing_can_be_added_to_or_removed_from_a_reviewed_cycle(tenant, cycle, senco):
    outcome = add_outcome(tenant, cycle)
    entry = add_provision(tenant, cycle, outcome=outcome)
    review(tenant, cycle, decision=ReviewDecision.STEP_DOWN, progress={outcome.pk: ("achieved", "")})
    message = "Cycle 1 has been reviewed, so nothing can be added to it or removed from it"
    for name in ("cycle-evidence-add", "cycle-outcome-add", "cycle-provision-add", "cycle-equipment-add"):
        assert message in senco.get(url(name, cycle)).content.decode()
    outcome_data = {"description": "Late", "measured_by": "x", **date_fields("achieve_by", today())}
    assert message in senco.post(url("cycle-outcome-add", cycle), outcome_data).content.decode()
    assert message in senco.post(url("cycle-provision-add", cycle), PROVISION).content.decode()
    assert message in senco.post(url("cycle-provision-remove", cycle, entry.pk)).content.decode()
    assert message in senco.post(url("cycle-outcome-remove", cycle, outcome.pk)).content.decode()
    assert Outcome.objects.filter(cycle=cycle).count() == 1 and ProvisionEntry.objects.count() == 1
    with pytest.raises(ValidationError) as excinfo:
        cycle_services.outcome_add(actor=tenant.users["senco"], scope=scope_of(tenant.users["senco"]),
                                   cycle_id=cycle.pk, achieve_by=today(), **{k: outcome_data[k] for k in
                                   ("description", "measured_by")})  # fmt: skip
    assert excinfo.value.message_dict["__all__"][0].startswith(message)
    page = senco.get(url("cycle-detail", cycle)).content.decode()
    assert "Add evidence" not in page and "Remove" not in page


# Removing ------------------------------------------------------------------------------------------------


def test_each_part_can_be_removed_after_confirming_and_the_removal_is_audited(tenant, cycle, senco):
    outcome = add_outcome(tenant, cycle)
    entry = add_provision(tenant, cycle, outcome=outcome)
    senco.post(url("cycle-evidence-add", cycle), evidence())
    senco.post(url("cycle-equipment-add", cycle),
               {"description": "Writing slope", "cost": "24.99", **date_fields("bought_on", today())})  # fmt: skip
    item, kit = EvidenceItem.objects.get(), Equipment.objects.get()

    confirm = senco.get(url("cycle-outcome-remove", cycle, outcome.pk)).content.decode()
    assert "Are you sure you want to remove this outcome?" in confirm
    assert "Provision delivering this outcome stays in the plan" in confirm
    assert not AuditEvent.objects.filter(action__endswith="_removed").exists()  # a GET changes nothing

    response = senco.post(url("cycle-outcome-remove", cycle, outcome.pk), follow=True)
    assert "Outcome removed from cycle 1" in response.content.decode()
    entry.refresh_from_db()
    assert entry.outcome is None  # the provision stays
    senco.post(url("cycle-provision-remove", cycle, entry.pk))
    senco.post(url("cycle-evidence-remove", cycle, item.pk))
    senco.post(url("cycle-equipment-remove", cycle, kit.pk))
    assert not (Outcome.objects.exists() or ProvisionEntry.objects.exists() or EvidenceItem.objects.exists()
                or Equipment.objects.exists())  # fmt: skip
    summaries = dict(AuditEvent.objects.filter(action__endswith="_removed").values_list("action", "summary"))
    assert summaries["outcome_removed"].startswith(f"Outcome {outcome.pk} (to be achieved by ")
    assert f"provision {entry.pk} no longer linked to it" in summaries["outcome_removed"]
    assert (
        summaries["provision_removed"] == f"Provision {entry.pk} (£1,054.50 a year for this pupil) removed from cycle 1"
    )
    assert summaries["evidence_removed"].startswith(f"Evidence {item.pk} (teacher observations, ")
    assert summaries["equipment_removed"].startswith(f"Equipment {kit.pk} (bought on ")
    assert "£24.99" in summaries["equipment_removed"]


def test_a_part_of_another_cycle_cannot_be_removed_through_this_cycles_url(tenant, cycle, senco):
    outcome = add_outcome(tenant, cycle)
    review(tenant, cycle, decision=ReviewDecision.CONTINUE, progress={outcome.pk: ("partly", "")},
           next_review_on=today() + datetime.timedelta(days=30))  # fmt: skip
    new_cycle = cycle.pupil.cycles.get(number=2)
    # The old cycle's outcome, addressed through the new cycle: not found.
    assert senco.post(url("cycle-outcome-remove", new_cycle, outcome.pk)).status_code == 404
    # The cycle of one pupil, addressed under another pupil's URL: not found.
    wrong = reverse("pupils:cycle-detail", args=[tenant.pupil_2.pk, new_cycle.pk])
    assert client_for(tenant.users["la_officer"]).get(wrong).status_code == 404
    assert Outcome.objects.filter(pk=outcome.pk).exists()


def test_user_text_is_escaped(tenant, cycle, senco):
    senco.post(url("cycle-outcome-add", cycle), outcome(description="<script>alert(1)</script>"))
    page = senco.get(url("cycle-detail", cycle)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_every_problem_is_shown_at_once(tenant, cycle, senco):
    data = {**PROVISION, "description": "", "delivered_by": "", "minutes_per_session": "601", "hourly_cost": "-1"}
    page = senco.post(url("cycle-provision-add", cycle), data).content.decode()
    for field, message in [
        ("id_description", "Enter the intervention or support"),
        ("id_delivered_by_0", "Select who delivers it"),
        ("id_minutes_per_session", "Minutes per session must be 600 or fewer"),
        ("id_hourly_cost", "Hourly cost cannot be negative"),
    ]:
        assert f'href="#{field}">{message}' in page
    # The summary lists the errors in the order of the fields on the page.
    assert page.index("#id_description") < page.index("#id_delivered_by_0") < page.index("#id_hourly_cost")
    assert not ProvisionEntry.objects.exists()


def test_the_cycle_page_costs_the_same_queries_however_much_it_holds(tenant, cycle, senco):
    def fill():
        outcome = add_outcome(tenant, cycle)
        add_provision(tenant, cycle, outcome=outcome)
        cycle_services.evidence_add(
            actor=tenant.users["senco"], scope=scope_of(tenant.users["senco"]), cycle_id=cycle.pk,
            kind="observation", recorded_on=today(), summary="Observed",
        )  # fmt: skip
        cycle_services.equipment_add(
            actor=tenant.users["senco"], scope=scope_of(tenant.users["senco"]), cycle_id=cycle.pk,
            description="Slope", cost=Decimal("20"), bought_on=today(),
        )  # fmt: skip

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert senco.get(url("cycle-detail", cycle)).status_code == 200
        return len(queries)

    fill()
    few = count()
    for _ in range(5):
        fill()
    assert count() == few
