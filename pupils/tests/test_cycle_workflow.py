"""The cycle's state rules: one open cycle at a time, a review only on or after the agreed date, with
progress on every outcome, once; what each decision does next. Through the services and through the pages."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.scoping import scope_for_membership
from audit.models import AuditEvent
from pupils import cycle_services
from pupils.cycles import cycle_review, cycle_start
from pupils.models import Cycle, CycleStatus, OutcomeProgress, ProvisionEntry, ReviewDecision, SenStatus
from tests.fixtures import client_for

# Helpers shared by the test_cycle_* files ----------------------------------------------------------------


def today() -> datetime.date:
    return timezone.localdate()


def scope_of(user):
    return scope_for_membership(user.memberships.get())


def start(tenant, pupil=None, *, started_days_ago=70, review_in_days=-1, user=None):
    """A cycle for pupil_1 (by default) whose review is due (or, with review_in_days > 0, not yet)."""
    user = user or tenant.users["senco"]
    return cycle_start(
        actor=user,
        scope=scope_of(user),
        pupil_id=(pupil or tenant.pupil_1).pk,
        started_on=today() - datetime.timedelta(days=started_days_ago),
        review_on=today() + datetime.timedelta(days=review_in_days),
    )


def add_outcome(tenant, cycle, description="Reads a short text aloud", achieve_by=None):
    senco = tenant.users["senco"]
    return cycle_services.outcome_add(
        actor=senco,
        scope=scope_of(senco),
        cycle_id=cycle.pk,
        description=description,
        achieve_by=achieve_by or today(),
        measured_by="Running record",
    )


def add_provision(tenant, cycle, *, outcome=None, group_size=1, hourly_cost="18.50", fixed_cost=None):
    senco = tenant.users["senco"]
    return cycle_services.provision_add(
        actor=senco,
        scope=scope_of(senco),
        cycle_id=cycle.pk,
        description="Phonics catch-up",
        delivered_by="ta",
        group_size=group_size,
        sessions_per_week=3,
        minutes_per_session=30,
        weeks=38,
        hourly_cost=Decimal(hourly_cost) if hourly_cost is not None else None,
        fixed_cost=Decimal(fixed_cost) if fixed_cost is not None else None,
        outcome_id=outcome.pk if outcome else None,
    )


def review(tenant, cycle, *, decision, progress, next_review_on=None, reviewed_on=None):
    senco = tenant.users["senco"]
    return cycle_review(
        actor=senco,
        scope=scope_of(senco),
        cycle_id=cycle.pk,
        reviewed_on=reviewed_on or today(),
        decision=decision,
        notes="Discussed with parents",
        next_review_on=next_review_on,
        progress=progress,
    )


def date_fields(name, day):
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def error_dict(excinfo):
    return {key: [e.messages[0] for e in errors] for key, errors in excinfo.value.error_dict.items()}


# Service rules -----------------------------------------------------------------------------------------


def test_only_one_cycle_is_open_at_a_time(tenant):
    first = start(tenant)
    assert first.number == 1 and first.status == CycleStatus.OPEN
    with pytest.raises(ValidationError) as excinfo:
        start(tenant)
    assert error_dict(excinfo)["__all__"] == ["This pupil already has an open cycle: review it before starting another"]
    assert Cycle.objects.filter(pupil=tenant.pupil_1).count() == 1


def test_review_is_refused_before_the_agreed_date(tenant):
    cycle = start(tenant, review_in_days=10)
    outcome = add_outcome(tenant, cycle)
    with pytest.raises(ValidationError) as excinfo:
        review(tenant, cycle, decision=ReviewDecision.STEP_DOWN, progress={outcome.pk: ("achieved", "")})
    assert "can only be recorded on or after the agreed date" in error_dict(excinfo)["reviewed_on"][0]
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.OPEN


def test_review_is_refused_without_progress_on_every_outcome(tenant):
    cycle = start(tenant)
    first, second = add_outcome(tenant, cycle), add_outcome(tenant, cycle, "Writes a sentence")
    with pytest.raises(ValidationError) as excinfo:
        review(tenant, cycle, decision=ReviewDecision.STEP_DOWN, progress={first.pk: ("achieved", "")})
    errors = error_dict(excinfo)
    assert errors[f"outcome_{second.pk}"] == ["Select the progress made towards this outcome"]
    assert f"outcome_{first.pk}" not in errors
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.OPEN


def test_a_cycle_is_reviewed_once(tenant):
    cycle = start(tenant)
    outcome = add_outcome(tenant, cycle)
    review(tenant, cycle, decision=ReviewDecision.STEP_DOWN, progress={outcome.pk: ("achieved", "")})
    with pytest.raises(ValidationError, match="already been reviewed"):
        review(tenant, cycle, decision=ReviewDecision.STEP_DOWN, progress={outcome.pk: ("achieved", "")})


def test_continuing_opens_the_next_cycle_with_unmet_outcomes_and_the_provision(tenant):
    cycle = start(tenant)
    met = add_outcome(tenant, cycle, "Met")
    partly = add_outcome(tenant, cycle, "Partly")
    not_met = add_outcome(tenant, cycle, "Not met")
    add_provision(tenant, cycle, outcome=partly)
    add_provision(tenant, cycle, group_size=4)
    progress = {met.pk: ("achieved", ""), partly.pk: ("partly", "Nearly"), not_met.pk: ("not_achieved", "")}
    next_cycle = review(
        tenant, cycle, decision=ReviewDecision.CONTINUE, progress=progress,
        next_review_on=today() + datetime.timedelta(days=60),
    )  # fmt: skip
    assert next_cycle is not None and next_cycle.number == 2 and next_cycle.status == CycleStatus.OPEN
    assert next_cycle.started_on == today()
    assert sorted(next_cycle.outcomes.values_list("description", flat=True)) == ["Not met", "Partly"]
    carried = ProvisionEntry.objects.filter(cycle=next_cycle).order_by("group_size")
    assert [e.group_size for e in carried] == [1, 4]
    assert carried[0].outcome.cycle_id == next_cycle.pk and carried[0].outcome.description == "Partly"
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.REVIEWED and cycle.decision == ReviewDecision.CONTINUE
    assert Cycle.objects.filter(pupil=tenant.pupil_1, status=CycleStatus.OPEN).get() == next_cycle


def test_continuing_needs_the_next_review_date(tenant):
    cycle = start(tenant)
    outcome = add_outcome(tenant, cycle)
    with pytest.raises(ValidationError) as excinfo:
        review(tenant, cycle, decision=ReviewDecision.ADAPT, progress={outcome.pk: ("partly", "")})
    assert error_dict(excinfo)["next_review_on"] == ["Enter the date of the next review"]


def test_remove_takes_the_pupil_off_the_register_and_opens_nothing(tenant):
    cycle = start(tenant)
    outcome = add_outcome(tenant, cycle)
    assert review(tenant, cycle, decision=ReviewDecision.REMOVE, progress={outcome.pk: ("exceeded", "")}) is None
    pupil = tenant.pupil_1
    pupil.refresh_from_db()
    assert pupil.on_register is False and pupil.sen_status == SenStatus.NO_SEN and pupil.removed_on == today()
    assert not Cycle.objects.filter(pupil=pupil, status=CycleStatus.OPEN).exists()
    with pytest.raises(ValidationError) as excinfo:
        start(tenant, started_days_ago=0, review_in_days=30)
    assert error_dict(excinfo)["__all__"] == ["This pupil is no longer on the SEN register"]


def test_step_down_opens_nothing_and_keeps_the_pupil_on_the_register(tenant):
    cycle = start(tenant)
    outcome = add_outcome(tenant, cycle)
    assert review(tenant, cycle, decision=ReviewDecision.STEP_DOWN, progress={outcome.pk: ("achieved", "")}) is None
    assert Cycle.objects.filter(pupil=tenant.pupil_1).count() == 1
    tenant.pupil_1.refresh_from_db()
    assert tenant.pupil_1.on_register is True
    # A new cycle can be started later, numbered on.
    assert start(tenant, started_days_ago=0, review_in_days=40).number == 2


# The same rules through the pages -------------------------------------------------------------------------


def test_cycle_list_numbers_newest_first_and_offers_to_start_the_next(tenant):
    cycle = start(tenant)
    outcome = add_outcome(tenant, cycle)
    review(tenant, cycle, decision=ReviewDecision.STEP_DOWN, progress={outcome.pk: ("achieved", "")})
    start(tenant, started_days_ago=0, review_in_days=40)
    client = client_for(tenant.users["senco"])
    page = client.get(reverse("pupils:cycle-list", args=[tenant.pupil_1.pk])).content.decode()
    assert page.index("Cycle 2") < page.index("Cycle 1")
    assert "Step down the support" in page
    assert "Start cycle" not in page  # cycle 2 is open
    assert page.count("govuk-tag--blue") == 1 and page.count("govuk-tag--grey") == 1

    empty = client.get(reverse("pupils:cycle-list", args=[tenant.pupil_2.pk]))
    assert empty.status_code == 404  # not this SENCO's school


def test_start_button_posts_to_cycle_start_and_the_cycle_opens(tenant):
    client = client_for(tenant.users["senco"])
    url = reverse("pupils:cycle-list", args=[tenant.pupil_1.pk])
    page = client.get(url).content.decode()
    assert "Start cycle 1" in page
    assert f'action="{reverse("pupils:cycle-start", args=[tenant.pupil_1.pk])}"' in page
    for reader in ("area_lead", "la_officer"):
        assert "Start cycle" not in client_for(tenant.users[reader]).get(url).content.decode()
    data = {**date_fields("started_on", today()), **date_fields("review_on", today() + datetime.timedelta(days=42))}
    response = client.post(reverse("pupils:cycle-start", args=[tenant.pupil_1.pk]), data, follow=True)
    assert response.status_code == 200
    assert "Cycle 1 started" in response.content.decode()
    cycle = Cycle.objects.get(pupil=tenant.pupil_1)
    assert response.redirect_chain[-1][0] == reverse("pupils:cycle-detail", args=[tenant.pupil_1.pk, cycle.pk])
    event = AuditEvent.objects.get(action="cycle_started")
    assert event.object_id == str(tenant.pupil_1.pk)


def test_start_is_refused_while_a_cycle_is_open_and_a_review_date_before_the_start(tenant):
    client = client_for(tenant.users["senco"])
    url = reverse("pupils:cycle-start", args=[tenant.pupil_1.pk])
    bad = {**date_fields("started_on", today()), **date_fields("review_on", today() - datetime.timedelta(days=1))}
    page = client.post(url, bad).content.decode()
    assert "<title>Error: " in page
    assert "Review date must be on or after the date the cycle starts" in page
    assert 'href="#id_review_on_0"' in page
    assert not Cycle.objects.exists()

    start(tenant)
    good = {**date_fields("started_on", today()), **date_fields("review_on", today() + datetime.timedelta(days=30))}
    page = client.post(url, good).content.decode()
    assert "This pupil already has an open cycle: review it before starting another" in page
    assert Cycle.objects.count() == 1
    assert "Review cycle 1" in client.get(url).content.decode()  # the page points to the open cycle instead


def test_a_cycle_cannot_start_before_the_last_review_or_the_date_of_birth(tenant):
    first = start(tenant, started_days_ago=70, review_in_days=-20)
    outcome = add_outcome(tenant, first)
    reviewed_on = today() - datetime.timedelta(days=10)
    review(tenant, first, decision=ReviewDecision.STEP_DOWN, progress={outcome.pk: ("achieved", "")},
           reviewed_on=reviewed_on)  # fmt: skip
    client = client_for(tenant.users["senco"])
    url = reverse("pupils:cycle-start", args=[tenant.pupil_1.pk])
    review_on = today() + datetime.timedelta(days=30)
    # Overlapping cycle 1 (started before its review) and predating it altogether are both refused.
    for started_on in (reviewed_on - datetime.timedelta(days=1), first.started_on - datetime.timedelta(days=5)):
        page = client.post(url, {**date_fields("started_on", started_on), **date_fields("review_on", review_on)})
        text = page.content.decode()
        assert "<title>Error: " in text
        message = f"Start date must be on or after the review of cycle 1, {reviewed_on.day} {reviewed_on:%B %Y}"
        assert f'href="#id_started_on_0">{message}' in text
    before_birth = tenant.pupil_1.date_of_birth - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        cycle_start(actor=tenant.users["senco"], scope=scope_of(tenant.users["senco"]), pupil_id=tenant.pupil_1.pk,
                    started_on=before_birth, review_on=review_on)  # fmt: skip
    assert error_dict(excinfo) == {"started_on": ["Start date must be after the pupil's date of birth"]}
    assert Cycle.objects.filter(pupil=tenant.pupil_1).count() == 1
    assert AuditEvent.objects.filter(action="cycle_started").count() == 1
    # On the day of the review is fine: one cycle ends as the next begins.
    page = client.post(url, {**date_fields("started_on", reviewed_on), **date_fields("review_on", review_on)})
    assert page.status_code == 302
    assert Cycle.objects.filter(pupil=tenant.pupil_1).count() == 2


def review_data(outcomes, *, decision="continue", progress="partly", next_review_on=None, reviewed_on=None):
    data = {**date_fields("reviewed_on", reviewed_on or today()), "decision": decision, "review_notes": "Agreed"}
    for outcome in outcomes:
        data[f"outcome_{outcome.pk}"] = progress
        data[f"outcome_{outcome.pk}_notes"] = "Some progress"
    if next_review_on:
        data.update(date_fields("next_review_on", next_review_on))
    return data


def test_review_page_before_the_agreed_date_explains_when(tenant):
    cycle = start(tenant, review_in_days=12)
    outcome = add_outcome(tenant, cycle)
    url = reverse("pupils:cycle-review", args=[tenant.pupil_1.pk, cycle.pk])
    client = client_for(tenant.users["senco"])
    due = today() + datetime.timedelta(days=12)
    page = client.get(url).content.decode()
    assert "cannot be reviewed yet" in page
    assert f"The review was agreed for {due.day} {due:%B %Y}. You can record it on or after that date." in page
    client.post(url, review_data([outcome], decision="step_down"))
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.OPEN
    detail = client.get(reverse("pupils:cycle-detail", args=[tenant.pupil_1.pk, cycle.pk])).content.decode()
    assert f"The review is agreed for {due.day} {due:%B %Y}" in detail
    assert "Record the review" not in detail


def test_review_page_maps_the_service_errors_onto_the_fields(tenant):
    cycle = start(tenant)
    first, second = add_outcome(tenant, cycle), add_outcome(tenant, cycle, "Writes a sentence")
    url = reverse("pupils:cycle-review", args=[tenant.pupil_1.pk, cycle.pk])
    client = client_for(tenant.users["senco"])
    detail = client.get(reverse("pupils:cycle-detail", args=[tenant.pupil_1.pk, cycle.pk])).content.decode()
    assert f'href="{url}"' in detail and "Record the review" in detail
    data = review_data([first], decision="")
    data.pop("decision")
    page = client.post(url, data).content.decode()
    assert "<title>Error: " in page
    assert f'href="#id_outcome_{second.pk}_0">Select the progress made towards this outcome' in page
    assert 'href="#id_decision_0">Select the decision made at the review' in page
    page = client.post(url, review_data([first, second], decision="continue")).content.decode()
    assert 'href="#id_next_review_on_0">Enter the date of the next review' in page
    page = client.post(url, review_data([first, second], reviewed_on=today() + datetime.timedelta(days=1)))
    assert "Review date cannot be in the future" in page.content.decode()
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.OPEN
    assert not AuditEvent.objects.filter(action="cycle_reviewed").exists()


def test_review_page_without_outcomes_says_to_add_one(tenant):
    cycle = start(tenant)
    url = reverse("pupils:cycle-review", args=[tenant.pupil_1.pk, cycle.pk])
    client = client_for(tenant.users["senco"])
    assert "There are no outcomes in this plan" in client.get(url).content.decode()
    page = client.post(url, review_data([], decision="step_down")).content.decode()
    assert "Add at least one outcome to the plan before reviewing the cycle" in page


def test_review_with_continue_redirects_to_the_new_cycle(tenant):
    cycle = start(tenant)
    outcome = add_outcome(tenant, cycle)
    add_provision(tenant, cycle, outcome=outcome)
    client = client_for(tenant.users["senco"])
    url = reverse("pupils:cycle-review", args=[tenant.pupil_1.pk, cycle.pk])
    data = review_data([outcome], next_review_on=today() + datetime.timedelta(days=56))
    response = client.post(url, data, follow=True)
    new = Cycle.objects.get(pupil=tenant.pupil_1, number=2)
    assert response.redirect_chain[-1][0] == reverse("pupils:cycle-detail", args=[tenant.pupil_1.pk, new.pk])
    page = response.content.decode()
    assert "Cycle 1 reviewed. Cycle 2 has started" in page
    assert "£1,054.50" in page  # the provision came with it
    old = client.get(reverse("pupils:cycle-detail", args=[tenant.pupil_1.pk, cycle.pk])).content.decode()
    assert "Continue the support" in old and "Partly achieved" in old and "Some progress" in old
    # A second review of the same cycle is refused with a clear message.
    again = client.post(url, data).content.decode()
    assert "Cycle 1 has been reviewed, so nothing can be added to it or removed from it" in again
    assert Cycle.objects.filter(pupil=tenant.pupil_1).count() == 2


def test_review_with_remove_redirects_to_the_reviewed_cycle(tenant):
    cycle = start(tenant)
    outcome = add_outcome(tenant, cycle)
    client = client_for(tenant.users["senco"])
    url = reverse("pupils:cycle-review", args=[tenant.pupil_1.pk, cycle.pk])
    response = client.post(url, review_data([outcome], decision="remove", progress="exceeded"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("pupils:cycle-detail", args=[tenant.pupil_1.pk, cycle.pk])
    assert "The pupil has been removed from SEN Support" in response.content.decode()
    tenant.pupil_1.refresh_from_db()
    assert not tenant.pupil_1.on_register
    assert Cycle.objects.get(pk=cycle.pk).outcomes.get().progress == OutcomeProgress.EXCEEDED
    listing = client.get(reverse("pupils:cycle-list", args=[tenant.pupil_1.pk])).content.decode()
    assert "This pupil is no longer on the SEN register" in listing and "Start cycle" not in listing


def test_nothing_can_be_added_to_the_open_cycle_of_a_pupil_taken_off_the_register(tenant):
    cycle = start(tenant)
    tenant.pupil_1.on_register = False
    tenant.pupil_1.removed_on = today()
    tenant.pupil_1.removal_reason = "Left the school"
    tenant.pupil_1.save()
    with pytest.raises(ValidationError) as excinfo:
        add_outcome(tenant, cycle)
    assert error_dict(excinfo)["__all__"] == ["This pupil is no longer on the SEN register"]
    assert not cycle.outcomes.exists()


def test_the_pupils_next_review_date_follows_the_open_cycle(tenant):
    pupil = tenant.pupil_1
    cycle = start(tenant)  # review agreed for yesterday
    pupil.refresh_from_db()
    assert pupil.next_review_on == cycle.review_on
    outcome = add_outcome(tenant, cycle)
    later = today() + datetime.timedelta(days=45)
    next_cycle = review(tenant, cycle, decision=ReviewDecision.CONTINUE, next_review_on=later,
                        progress={outcome.pk: (OutcomeProgress.PARTLY, "")})  # fmt: skip
    pupil.refresh_from_db()
    assert pupil.next_review_on == later == next_cycle.review_on
    Cycle.objects.filter(pk=next_cycle.pk).update(review_on=today())  # the agreed date arrives
    carried = next_cycle.outcomes.get()
    review(tenant, next_cycle, decision=ReviewDecision.STEP_DOWN, progress={carried.pk: (OutcomeProgress.ACHIEVED, "")})
    pupil.refresh_from_db()
    assert pupil.next_review_on is None


def test_escalating_at_a_review_points_the_senco_to_a_funding_request_for_the_pupil(tenant):
    cycle = start(tenant)
    outcome = add_outcome(tenant, cycle)
    client = client_for(tenant.users["senco"])
    url = reverse("pupils:cycle-review", args=[tenant.pupil_1.pk, cycle.pk])
    data = review_data([outcome], decision="escalate", next_review_on=today() + datetime.timedelta(days=42))
    response = client.post(url, data, follow=True)
    new = Cycle.objects.get(pupil=tenant.pupil_1, number=2)
    assert response.redirect_chain[-1][0] == reverse("pupils:cycle-detail", args=[tenant.pupil_1.pk, new.pk])
    page = response.content.decode()
    assert "Cycle 1 reviewed and escalated to a funding request. Cycle 2 has started" in page
    link = f'href="{reverse("funding:request-add")}?pupil={tenant.pupil_1.pk}"'
    assert link in page and 'data-testid="escalated"' in page
    reviewed = reverse("pupils:cycle-detail", args=[tenant.pupil_1.pk, cycle.pk])
    assert link in client.get(reviewed).content.decode()
    # The link opens the funding request form with the pupil chosen.
    form = client.get(f"{reverse('funding:request-add')}?pupil={tenant.pupil_1.pk}").content.decode()
    assert f'value="{tenant.pupil_1.pk}" selected' in form
    # Readers see the decision but are not offered to ask for funding.
    assert link not in client_for(tenant.users["area_lead"]).get(reviewed).content.decode()


def test_other_decisions_do_not_offer_a_funding_request(tenant):
    cycle = start(tenant)
    outcome = add_outcome(tenant, cycle)
    review(tenant, cycle, decision=ReviewDecision.CONTINUE, progress={outcome.pk: ("partly", "")},
           next_review_on=today() + datetime.timedelta(days=42))  # fmt: skip
    client = client_for(tenant.users["senco"])
    for number in (1, 2):
        page = client.get(reverse("pupils:cycle-detail", args=[tenant.pupil_1.pk, Cycle.objects.get(
            pupil=tenant.pupil_1, number=number).pk])).content.decode()  # fmt: skip
        assert 'data-testid="escalated"' not in page
