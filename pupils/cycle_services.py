"""Writes of what a graduated-approach cycle holds: evidence (assess), outcomes (plan), provision and
equipment (do). Starting and reviewing a cycle live in pupils/cycles.py.

Every write locks the cycle, refuses a cycle that has been reviewed, validates, saves and audits in one
transaction. Errors are raised as ValidationError keyed by field name ("__all__" for the whole form), in
words a SENCO can act on. Audit summaries carry ids, kinds, dates and amounts only: never free text,
which could name a child.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts.scoping import Scope, access
from audit.services import audit_record
from pupils.costs import annual_cost
from pupils.models import (
    Cycle,
    CycleStatus,
    DeliveredBy,
    Equipment,
    EvidenceItem,
    EvidenceKind,
    Outcome,
    ProvisionEntry,
)
from pupils.uploads import CheckedUpload, check_upload
from send_portal.text import long_date

PENNY = Decimal("0.01")
SCORED_KINDS = frozenset({EvidenceKind.STANDARDISED, EvidenceKind.CATS})
SCORED_WORDS = {EvidenceKind.STANDARDISED: "a standardised test score", EvidenceKind.CATS: "CATs scores"}
SCORE_MIN, SCORE_MAX = 40, 160


def pounds(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


def closed_message(cycle: Cycle) -> str:
    return (
        f"Cycle {cycle.number} has been reviewed, so nothing can be added to it or removed from it. "
        "Make changes in the open cycle instead"
    )


def _open_cycle(*, scope: Scope, cycle_id: int) -> Cycle:
    """The cycle, if this scope may change it, locked for the rest of the transaction; refused once reviewed."""
    cycle = access(Cycle, scope, cycle_id, for_edit=True)
    cycle = Cycle.objects.select_for_update(of=("self",)).select_related("pupil").get(pk=cycle.pk)
    if cycle.status != CycleStatus.OPEN:
        raise ValidationError({"__all__": closed_message(cycle)})
    if not cycle.pupil.on_register:
        raise ValidationError({"__all__": "This pupil is no longer on the SEN register"})
    return cycle


def _audit(*, actor: Any, cycle: Cycle, action: str, summary: str) -> None:
    audit_record(
        actor=actor, local_authority_id=cycle.local_authority_id, action=action, obj=cycle.pupil, summary=summary
    )


# Rules --------------------------------------------------------------------------------------------------
# Each *_errors function checks a mapping of values and returns {field: message}. A field missing from the
# mapping is one that could not be read (a form reports that itself): it is not checked. The services call
# them with every value; the forms call them too, so every problem is shown at once.


def _text(
    errors: dict[str, str], values: Mapping[str, Any], field: str, *, missing: str, label: str, limit: int
) -> None:
    if field not in values:
        return
    value = values[field] or ""
    if not value.strip():
        errors[field] = missing
    elif len(value) > limit:
        errors[field] = f"{label} must be {limit:,} characters or fewer"


def _date(
    errors: dict[str, str], values: Mapping[str, Any], field: str, *, missing: str, past_label: str = ""
) -> datetime.date | None:
    if field not in values:
        return None
    day: datetime.date | None = values[field]
    if day is None:
        errors[field] = missing
    elif past_label and day > timezone.localdate():
        errors[field] = f"{past_label} must be today or in the past"
    return day


def _whole(
    errors: dict[str, str],
    values: Mapping[str, Any],
    field: str,
    *,
    label: str,
    low: int,
    high: int,
    needed: bool,
    missing: str,
) -> None:
    if field not in values:
        return
    value: int | None = values[field]
    if value is None:
        if needed:
            errors[field] = missing
    elif value < low:
        errors[field] = f"{label} must be at least {low}"
    elif value > high:
        errors[field] = f"{label} must be {high} or fewer"


def _money(
    errors: dict[str, str], values: Mapping[str, Any], field: str, *, label: str, below: Decimal, missing: str = ""
) -> None:
    if field not in values or field in errors:
        return
    amount: Decimal | None = values[field]
    if amount is None:
        if missing:
            errors[field] = missing
    elif not amount.is_finite():
        errors[field] = f"{label} must be an amount of money, like 18.50"
    elif amount < 0:
        errors[field] = f"{label} cannot be negative"
    elif amount != amount.quantize(PENNY):
        errors[field] = f"{label} can only have pence, not fractions of a penny"
    elif amount >= below:
        errors[field] = f"{label} must be less than {pounds(below)}"


def evidence_errors(values: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    kind = values.get("kind")
    if "kind" in values and kind not in EvidenceKind.values:
        errors["kind"] = "Select the kind of evidence"
    _date(
        errors, values, "recorded_on", missing="Enter the date of the evidence", past_label="The date of the evidence"
    )
    _text(errors, values, "summary", missing="Enter a summary of the evidence", label="Summary", limit=5000)
    known_kind = kind in EvidenceKind.values
    score = values.get("standardised_score")
    if known_kind and "standardised_score" in values and score is None and kind in SCORED_KINDS:
        # The score is the evidence: a standardised test or CATs entry without it tells a panel nothing.
        errors["standardised_score"] = (
            f"Enter the standardised score, from {SCORE_MIN} to {SCORE_MAX}: it is needed for {SCORED_WORDS[kind]}"
        )
    elif known_kind and score is not None:
        if kind not in SCORED_KINDS:
            errors["standardised_score"] = (
                "Only enter a standardised score for a standardised test score or CATs scores"
            )
        elif not SCORE_MIN <= score <= SCORE_MAX:
            errors["standardised_score"] = f"Standardised score must be between {SCORE_MIN} and {SCORE_MAX}"
    if known_kind and "source" in values:
        if kind == EvidenceKind.AGENCY_ADVICE:
            _text(errors, values, "source", missing="Enter who gave the advice", label="Who gave it", limit=150)
        elif (values["source"] or "").strip():
            errors["source"] = "Only enter who gave it for advice from another agency"
    if values.get("document") is not None:
        try:
            check_upload(values["document"])
        except ValidationError as error:
            errors["document"] = error.messages[0]
    return errors


def outcome_errors(values: Mapping[str, Any], *, started_on: datetime.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    _text(errors, values, "description", missing="Enter the outcome", label="Outcome", limit=2000)
    achieve_by = _date(errors, values, "achieve_by", missing="Enter the date it should be achieved by")
    if achieve_by is not None and achieve_by < started_on:
        errors["achieve_by"] = (
            f"The achieve-by date must be on or after the date the cycle started, {long_date(started_on)}"
        )
    _text(
        errors, values, "measured_by", missing="Enter how the outcome will be measured",
        label="How it will be measured", limit=2000,
    )  # fmt: skip
    return errors


def provision_errors(values: Mapping[str, Any]) -> dict[str, str]:
    """A weekly pattern at an hourly rate (the pattern then required) OR a fixed cost for the year."""
    errors: dict[str, str] = {}
    _text(
        errors, values, "description", missing="Enter the intervention or support", label="Intervention or support",
        limit=200,
    )  # fmt: skip
    if "delivered_by" in values and values["delivered_by"] not in DeliveredBy.values:
        errors["delivered_by"] = "Select who delivers it"
    _whole(
        errors, values, "group_size", label="Group size", low=1, high=40, needed=True,
        missing="Enter the number of pupils in the group, 1 if it is for this pupil alone",
    )  # fmt: skip
    by_the_hour = values.get("hourly_cost") is not None
    _whole(
        errors, values, "sessions_per_week", label="Sessions per week", low=1, high=50, needed=by_the_hour,
        missing="Enter the number of sessions a week",
    )  # fmt: skip
    _whole(
        errors, values, "minutes_per_session", label="Minutes per session", low=1, high=600, needed=by_the_hour,
        missing="Enter the number of minutes a session lasts",
    )  # fmt: skip
    _whole(
        errors, values, "weeks", label="Weeks a year", low=1, high=52, needed=by_the_hour,
        missing="Enter the number of weeks a year it runs",
    )  # fmt: skip
    if "hourly_cost" in values and "fixed_cost" in values:
        if values["hourly_cost"] is None and values["fixed_cost"] is None:
            errors["hourly_cost"] = "Enter an hourly cost or a fixed cost for the year"
        elif values["hourly_cost"] is not None and values["fixed_cost"] is not None:
            errors["hourly_cost"] = "Enter an hourly cost or a fixed cost for the year, not both"
    _money(errors, values, "hourly_cost", label="Hourly cost", below=Decimal("1000000"))
    _money(errors, values, "fixed_cost", label="Fixed cost", below=Decimal("100000000"))
    return errors


def equipment_errors(values: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    _text(errors, values, "description", missing="Enter what was bought", label="Description", limit=200)
    _money(errors, values, "cost", label="Cost", below=Decimal("100000000"), missing="Enter the cost")
    _date(errors, values, "bought_on", missing="Enter the date it was bought", past_label="The date it was bought")
    return errors


# Assess: evidence ------------------------------------------------------------------------------------


def evidence_add(
    *,
    actor: Any,
    scope: Scope,
    cycle_id: int,
    kind: str,
    recorded_on: datetime.date,
    summary: str,
    standardised_score: int | None = None,
    source: str = "",
    document: Any = None,
) -> EvidenceItem:
    """Record a piece of evidence in a cycle's assessment, with an optional document (checked by type)."""
    source = source.strip()
    errors = evidence_errors(
        {"kind": kind, "recorded_on": recorded_on, "summary": summary, "standardised_score": standardised_score,
         "source": source, "document": document}
    )  # fmt: skip
    checked: CheckedUpload | None = None
    if document is not None and "document" not in errors:
        checked = check_upload(document)

    stored_name = ""
    try:
        with transaction.atomic():
            cycle = _open_cycle(scope=scope, cycle_id=cycle_id)
            if errors:
                raise ValidationError(errors)
            item = EvidenceItem(
                local_authority_id=cycle.local_authority_id,
                cycle=cycle,
                kind=kind,
                recorded_on=recorded_on,
                summary=summary.strip(),
                standardised_score=standardised_score,
                source=source,
                recorded_by=actor,
            )
            if checked is not None:
                document.seek(0)
                item.document.save(checked.storage_name(), document, save=False)
                stored_name = item.document.name or ""
                item.document_name = checked.display_name
                item.document_content_type = checked.content_type
                item.document_size = checked.size
            item.save()
            with_document = " with a document" if checked is not None else ""
            _audit(
                actor=actor,
                cycle=cycle,
                action="evidence_added",
                summary=(
                    f"Evidence {item.pk} ({EvidenceKind(kind).label.lower()}, {long_date(recorded_on)}) "
                    f"added to cycle {cycle.number}{with_document}"
                ),
            )
    except BaseException:
        if stored_name:
            default_storage.delete(stored_name)  # nothing saved, so no file left behind either
        raise
    return item


def evidence_remove(*, actor: Any, scope: Scope, evidence_id: int) -> None:
    with transaction.atomic():
        item = access(EvidenceItem, scope, evidence_id, for_edit=True)
        cycle = _open_cycle(scope=scope, cycle_id=item.cycle_id)
        stored_name = item.document.name or ""
        item_id = item.pk
        item.delete()
        with_document = " and its document" if stored_name else ""
        _audit(
            actor=actor,
            cycle=cycle,
            action="evidence_removed",
            summary=(
                f"Evidence {item_id} ({EvidenceKind(item.kind).label.lower()}, {long_date(item.recorded_on)})"
                f"{with_document} removed from cycle {cycle.number}"
            ),
        )
        if stored_name:
            transaction.on_commit(partial(default_storage.delete, stored_name))


def evidence_downloaded(*, actor: Any, item: EvidenceItem) -> None:
    """Every download of an evidence document is logged (children's data)."""
    cycle = item.cycle
    _audit(
        actor=actor,
        cycle=cycle,
        action="evidence_downloaded",
        summary=f"Document of evidence {item.pk} in cycle {cycle.number} downloaded",
    )


# Plan: outcomes --------------------------------------------------------------------------------------


def outcome_add(
    *, actor: Any, scope: Scope, cycle_id: int, description: str, achieve_by: datetime.date, measured_by: str
) -> Outcome:
    with transaction.atomic():
        cycle = _open_cycle(scope=scope, cycle_id=cycle_id)
        values = {"description": description, "achieve_by": achieve_by, "measured_by": measured_by}
        errors = outcome_errors(values, started_on=cycle.started_on)
        if errors:
            raise ValidationError(errors)
        outcome = Outcome.objects.create(
            local_authority_id=cycle.local_authority_id,
            cycle=cycle,
            description=description.strip(),
            achieve_by=achieve_by,
            measured_by=measured_by.strip(),
        )
        _audit(
            actor=actor,
            cycle=cycle,
            action="outcome_added",
            summary=f"Outcome {outcome.pk} added to cycle {cycle.number}, to be achieved by {long_date(achieve_by)}",
        )
    return outcome


def outcome_remove(*, actor: Any, scope: Scope, outcome_id: int) -> None:
    with transaction.atomic():
        outcome = access(Outcome, scope, outcome_id, for_edit=True)
        cycle = _open_cycle(scope=scope, cycle_id=outcome.cycle_id)
        linked = sorted(outcome.provision.values_list("pk", flat=True))
        outcome_pk = outcome.pk
        outcome.delete()  # provision delivering it stays, no longer linked to an outcome
        unlinked = f"; provision {', '.join(map(str, linked))} no longer linked to it" if linked else ""
        _audit(
            actor=actor,
            cycle=cycle,
            action="outcome_removed",
            summary=(
                f"Outcome {outcome_pk} (to be achieved by {long_date(outcome.achieve_by)}) removed from cycle "
                f"{cycle.number}{unlinked}"
            ),
        )


# Do: provision and equipment -------------------------------------------------------------------------


def provision_add(
    *,
    actor: Any,
    scope: Scope,
    cycle_id: int,
    description: str,
    delivered_by: str,
    group_size: int,
    sessions_per_week: int | None,
    minutes_per_session: int | None,
    weeks: int | None,
    hourly_cost: Decimal | None,
    fixed_cost: Decimal | None,
    outcome_id: int | None = None,
) -> ProvisionEntry:
    """Add provision to the plan, costed EITHER by a weekly pattern at an hourly rate OR by a fixed yearly cost.

    With an hourly cost the weekly pattern (sessions, minutes, weeks) is required; with a fixed cost it is
    optional (left at 0 when not given)."""
    with transaction.atomic():
        cycle = _open_cycle(scope=scope, cycle_id=cycle_id)
        errors = provision_errors(
            {"description": description, "delivered_by": delivered_by, "group_size": group_size,
             "sessions_per_week": sessions_per_week, "minutes_per_session": minutes_per_session, "weeks": weeks,
             "hourly_cost": hourly_cost, "fixed_cost": fixed_cost}
        )  # fmt: skip
        outcome: Outcome | None = None
        if outcome_id is not None:
            outcome = cycle.outcomes.filter(pk=outcome_id).first()
            if outcome is None:
                errors["outcome"] = "Select an outcome of this cycle, or no outcome"
        if errors:
            raise ValidationError(errors)
        entry = ProvisionEntry.objects.create(
            local_authority_id=cycle.local_authority_id,
            cycle=cycle,
            outcome=outcome,
            description=description.strip(),
            delivered_by=delivered_by,
            group_size=group_size,
            sessions_per_week=sessions_per_week or 0,
            minutes_per_session=minutes_per_session or 0,
            weeks=weeks or 0,
            hourly_cost=hourly_cost,
            fixed_cost=fixed_cost,
        )
        cost = annual_cost(entry, shared_by=entry.group_size)
        linked = f" towards outcome {outcome.pk}" if outcome is not None else ""
        _audit(
            actor=actor,
            cycle=cycle,
            action="provision_added",
            summary=(
                f"Provision {entry.pk} added to cycle {cycle.number}{linked}: delivered by "
                f"{DeliveredBy(delivered_by).label.lower()}, {pounds(cost)} a year for this pupil"
            ),
        )
    return entry


def provision_remove(*, actor: Any, scope: Scope, provision_id: int) -> None:
    with transaction.atomic():
        entry = access(ProvisionEntry, scope, provision_id, for_edit=True)
        cycle = _open_cycle(scope=scope, cycle_id=entry.cycle_id)
        cost = annual_cost(entry, shared_by=entry.group_size)
        entry_pk = entry.pk
        entry.delete()
        _audit(
            actor=actor,
            cycle=cycle,
            action="provision_removed",
            summary=f"Provision {entry_pk} ({pounds(cost)} a year for this pupil) removed from cycle {cycle.number}",
        )


def equipment_add(
    *, actor: Any, scope: Scope, cycle_id: int, description: str, cost: Decimal, bought_on: datetime.date
) -> Equipment:
    with transaction.atomic():
        cycle = _open_cycle(scope=scope, cycle_id=cycle_id)
        errors = equipment_errors({"description": description, "cost": cost, "bought_on": bought_on})
        if errors:
            raise ValidationError(errors)
        item = Equipment.objects.create(
            local_authority_id=cycle.local_authority_id,
            cycle=cycle,
            description=description.strip(),
            cost=cost,
            bought_on=bought_on,
        )
        _audit(
            actor=actor,
            cycle=cycle,
            action="equipment_added",
            summary=(
                f"Equipment {item.pk} bought on {long_date(bought_on)} for {pounds(cost)} added to cycle {cycle.number}"
            ),
        )
    return item


def equipment_remove(*, actor: Any, scope: Scope, equipment_id: int) -> None:
    with transaction.atomic():
        item = access(Equipment, scope, equipment_id, for_edit=True)
        cycle = _open_cycle(scope=scope, cycle_id=item.cycle_id)
        item_pk = item.pk
        item.delete()
        _audit(
            actor=actor,
            cycle=cycle,
            action="equipment_removed",
            summary=(
                f"Equipment {item_pk} (bought on {long_date(item.bought_on)} for {pounds(item.cost)}) removed "
                f"from cycle {cycle.number}"
            ),
        )
