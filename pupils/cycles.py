"""The graduated-approach cycle as a workflow: its states, allowed transitions and the services that
move it. Nothing else assigns Cycle.status."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.scoping import Scope, access
from audit.services import audit_record
from pupils.models import (
    CONTINUING_DECISIONS,
    Cycle,
    CycleStatus,
    Outcome,
    OutcomeProgress,
    ProvisionEntry,
    Pupil,
    ReviewDecision,
    SenStatus,
)
from pupils.services import group_memberships_end
from send_portal.text import long_date

# state -> {action: next state}
TRANSITIONS: dict[str, dict[str, str]] = {
    CycleStatus.OPEN: {"review": CycleStatus.REVIEWED},
    CycleStatus.REVIEWED: {},
}
UNMET = frozenset({OutcomeProgress.PARTLY, OutcomeProgress.NOT_ACHIEVED})


def _check_transition(cycle: Cycle, action: str) -> str:
    allowed = TRANSITIONS[cycle.status]
    if action not in allowed:
        raise ValidationError(f"Cycle {cycle.number} has already been reviewed and cannot be changed")
    return allowed[action]


def cycle_start(
    *, actor: Any, scope: Scope, pupil_id: int, started_on: datetime.date, review_on: datetime.date
) -> Cycle:
    """Open the next numbered cycle for a pupil; only one cycle is open at a time."""
    errors: dict[str, str] = {}
    if review_on < started_on:
        errors["review_on"] = "Review date must be on or after the date the cycle starts"
    if started_on > timezone.localdate() + datetime.timedelta(days=31):
        errors["started_on"] = "Start date must be within the next month"
    with transaction.atomic():
        # Lock the pupil so two people starting a cycle at once cannot both succeed.
        pupil = access(Pupil, scope, pupil_id, for_edit=True)
        pupil = Pupil.objects.select_for_update().get(pk=pupil.pk)
        if not pupil.on_register:
            errors["__all__"] = "This pupil is no longer on the SEN register"
        if Cycle.objects.filter(pupil=pupil, status=CycleStatus.OPEN).exists():
            errors["__all__"] = "This pupil already has an open cycle: review it before starting another"
        # Cycles follow one another: a new one starts on or after the review that closed the last one
        # (the next cycle a review opens starts on the review's date), and never before the child was born.
        previous = (
            Cycle.objects.filter(pupil=pupil, reviewed_on__isnull=False).order_by("-reviewed_on", "-number").first()
        )
        if "started_on" not in errors:
            if started_on <= pupil.date_of_birth:
                errors["started_on"] = "Start date must be after the pupil's date of birth"
            elif previous is not None and previous.reviewed_on and started_on < previous.reviewed_on:
                errors["started_on"] = (
                    f"Start date must be on or after the review of cycle {previous.number}, "
                    f"{long_date(previous.reviewed_on)}"
                )
        if errors:
            raise ValidationError(errors)
        number = (Cycle.objects.filter(pupil=pupil).aggregate(n=Max("number"))["n"] or 0) + 1
        cycle = Cycle.objects.create(
            local_authority_id=pupil.local_authority_id,
            pupil=pupil,
            number=number,
            started_on=started_on,
            review_on=review_on,
        )
        _set_next_review(pupil, review_on)
        audit_record(
            actor=actor,
            local_authority_id=pupil.local_authority_id,
            action="cycle_started",
            obj=pupil,
            summary=f"Cycle {number} started on {long_date(started_on)}; review agreed for {long_date(review_on)}",
        )
    return cycle


def cycle_review(
    *,
    actor: Any,
    scope: Scope,
    cycle_id: int,
    reviewed_on: datetime.date,
    decision: str,
    notes: str,
    next_review_on: datetime.date | None,
    progress: dict[int, tuple[str, str]],
) -> Cycle | None:
    """Review a cycle: record progress on every outcome and the decision, close the cycle, and open the
    next one when support continues (carrying forward unmet outcomes and the provision). Returns the
    new cycle, if any."""
    with transaction.atomic():
        cycle = access(Cycle, scope, cycle_id, for_edit=True)
        cycle = Cycle.objects.select_for_update().select_related("pupil").get(pk=cycle.pk)
        _check_transition(cycle, "review")
        if not cycle.pupil.on_register:
            raise ValidationError({"__all__": "This pupil is no longer on the SEN register"})
        outcomes = list(cycle.outcomes.all())
        errors: dict[str, str] = {}
        if decision == ReviewDecision.REMOVE and cycle.pupil.sen_status == SenStatus.EHC_PLAN:
            errors["decision"] = (
                "A pupil with an EHC plan cannot be removed from SEN Support at a cycle review: "
                "changes to the plan are made at its annual review"
            )
        if reviewed_on < cycle.review_on:
            errors["reviewed_on"] = (
                f"A review can only be recorded on or after the agreed date, {long_date(cycle.review_on)}"
            )
        if reviewed_on > timezone.localdate():
            errors["reviewed_on"] = "Review date cannot be in the future"
        if decision not in ReviewDecision.values:
            errors["decision"] = "Select the decision made at the review"
        if not outcomes:
            errors["__all__"] = "Add at least one outcome to the plan before reviewing the cycle"
        for outcome in outcomes:
            value = progress.get(outcome.pk, ("", ""))[0]
            if value not in OutcomeProgress.values:
                errors[f"outcome_{outcome.pk}"] = "Select the progress made towards this outcome"
        continuing = decision in CONTINUING_DECISIONS
        if continuing and next_review_on is None:
            errors["next_review_on"] = "Enter the date of the next review"
        elif continuing and next_review_on is not None and next_review_on <= reviewed_on:
            errors["next_review_on"] = "Next review date must be after this review"
        if errors:
            raise ValidationError(errors)

        for outcome in outcomes:
            outcome.progress, outcome.progress_notes = progress[outcome.pk]
            outcome.save(update_fields=["progress", "progress_notes"])
        cycle.status = _check_transition(cycle, "review")
        cycle.reviewed_on = reviewed_on
        cycle.decision = decision
        cycle.review_notes = notes
        cycle.next_review_on = next_review_on if continuing else None
        cycle.reviewed_by = actor
        cycle.save()
        pupil = cycle.pupil
        label = ReviewDecision(decision).label
        audit_record(
            actor=actor,
            local_authority_id=pupil.local_authority_id,
            action="cycle_reviewed",
            obj=pupil,
            summary=f"Cycle {cycle.number} reviewed on {long_date(reviewed_on)}: {label.lower()}",
            changes={"decision": [None, decision]},
        )
        next_cycle = None
        _set_next_review(pupil, next_review_on if continuing else None)
        if continuing:
            assert next_review_on is not None
            next_cycle = _open_next_cycle(actor=actor, cycle=cycle, outcomes=outcomes, review_on=next_review_on)
        elif decision == ReviewDecision.REMOVE:
            pupil.sen_status = SenStatus.NO_SEN
            pupil.on_register = False
            pupil.removed_on = reviewed_on
            pupil.removal_reason = f"Removed from SEN Support at the review of cycle {cycle.number}"
            pupil.save(update_fields=["sen_status", "on_register", "removed_on", "removal_reason", "updated_at"])
            group_memberships_end(actor=actor, pupil=pupil, why="removed from SEN Support")
            audit_record(
                actor=actor,
                local_authority_id=pupil.local_authority_id,
                action="pupil_removed",
                obj=pupil,
                summary=pupil.removal_reason,
            )
    return next_cycle


def _set_next_review(pupil: Pupil, review_on: datetime.date | None) -> None:
    """Keep the pupil's copy of the open cycle's review date (the register filters and sorts on it)."""
    pupil.next_review_on = review_on
    Pupil.objects.filter(pk=pupil.pk).update(next_review_on=review_on)


def _open_next_cycle(*, actor: Any, cycle: Cycle, outcomes: list[Outcome], review_on: datetime.date) -> Cycle:
    assert cycle.reviewed_on is not None
    next_cycle = Cycle.objects.create(
        local_authority_id=cycle.local_authority_id,
        pupil=cycle.pupil,
        number=cycle.number + 1,
        started_on=cycle.reviewed_on,
        review_on=review_on,
    )
    # Nothing asked twice: unmet outcomes and the provision carry forward, to be adapted as needed.
    carried: dict[int, Outcome] = {}
    for outcome in outcomes:
        if outcome.progress in UNMET:
            carried[outcome.pk] = Outcome.objects.create(
                local_authority_id=cycle.local_authority_id,
                cycle=next_cycle,
                description=outcome.description,
                achieve_by=max(outcome.achieve_by, review_on),
                measured_by=outcome.measured_by,
            )
    for entry in ProvisionEntry.objects.filter(cycle=cycle):
        old_outcome_id = entry.outcome_id
        entry.pk = None
        entry._state.adding = True
        entry.cycle = next_cycle
        entry.outcome = carried.get(old_outcome_id) if old_outcome_id else None
        entry.save()
    audit_record(
        actor=actor,
        local_authority_id=cycle.local_authority_id,
        action="cycle_started",
        obj=cycle.pupil,
        summary=(
            f"Cycle {next_cycle.number} started on {long_date(next_cycle.started_on)} with "
            f"{len(carried)} outcome{'s' if len(carried) != 1 else ''} and the provision carried forward; "
            f"review agreed for {long_date(review_on)}"
        ),
    )
    return next_cycle
