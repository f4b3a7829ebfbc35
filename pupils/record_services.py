"""Writes on a pupil's record other than the register itself: parents informed, views, contacts,
and school group interventions."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.scoping import Scope, access
from audit.services import audit_record
from localities.models import School
from pupils.models import DeliveredBy, GroupIntervention, InformedBy, Pupil, PupilContact, PupilVoice, VoiceOf
from send_portal.text import long_date


def _not_future(day: datetime.date, field: str, label: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: f"{label} cannot be in the future"})


def parents_informed_record(
    *, actor: Any, scope: Scope, pupil_id: int, informed_on: datetime.date, informed_how: str
) -> Pupil:
    """Record when and how parents were formally told that special educational provision is made."""
    _not_future(informed_on, "informed_on", "The date parents were informed")
    if informed_how not in InformedBy.values:
        raise ValidationError({"informed_how": "Select how parents or carers were informed"})
    with transaction.atomic():
        pupil = access(Pupil, scope, pupil_id, for_edit=True)
        before = [pupil.parents_informed_on and pupil.parents_informed_on.isoformat(), pupil.parents_informed_how]
        pupil.parents_informed_on = informed_on
        pupil.parents_informed_how = informed_how
        pupil.save(update_fields=["parents_informed_on", "parents_informed_how", "updated_at"])
        audit_record(
            actor=actor,
            local_authority_id=pupil.local_authority_id,
            action="parents_informed",
            obj=pupil,
            summary=f"Parents or carers formally informed {InformedBy(informed_how).label.lower()} "
            f"on {long_date(informed_on)}",
            changes={"parents_informed": [before, [informed_on.isoformat(), informed_how]]},
        )
    return pupil


def pupil_voice_add(
    *, actor: Any, scope: Scope, pupil_id: int, voice_of: str, recorded_on: datetime.date, views: str
) -> PupilVoice:
    _not_future(recorded_on, "recorded_on", "The date of these views")
    if voice_of not in VoiceOf.values:
        raise ValidationError({"voice_of": "Select whose views these are"})
    if not views.strip():
        raise ValidationError({"views": "Enter the views, in their own words where you can"})
    with transaction.atomic():
        pupil = access(Pupil, scope, pupil_id, for_edit=True)
        voice = PupilVoice.objects.create(
            local_authority_id=pupil.local_authority_id,
            pupil=pupil,
            voice_of=voice_of,
            recorded_on=recorded_on,
            views=views.strip(),
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            local_authority_id=pupil.local_authority_id,
            action="views_recorded",
            obj=pupil,
            summary=f"Views of {VoiceOf(voice_of).label.lower()} recorded, dated {long_date(recorded_on)}",
        )
    return voice


def pupil_contact_add(*, actor: Any, scope: Scope, pupil_id: int, **fields: Any) -> PupilContact:
    if not (fields.get("phone") or fields.get("email")):
        raise ValidationError({"phone": "Enter a phone number or an email address"})
    with transaction.atomic():
        pupil = access(Pupil, scope, pupil_id, for_edit=True)
        contact = PupilContact.objects.create(local_authority_id=pupil.local_authority_id, pupil=pupil, **fields)
        audit_record(
            actor=actor,
            local_authority_id=pupil.local_authority_id,
            action="contact_added",
            obj=pupil,
            summary=f"Contact added ({contact.relationship})",
        )
    return contact


def pupil_contact_remove(*, actor: Any, scope: Scope, contact_id: int) -> None:
    with transaction.atomic():
        contact = access(PupilContact, scope, contact_id, for_edit=True)
        pupil = contact.pupil
        contact.delete()
        audit_record(
            actor=actor,
            local_authority_id=pupil.local_authority_id,
            action="contact_removed",
            obj=pupil,
            summary=f"Contact removed ({contact.relationship})",
        )


GROUP_FIELDS = (
    "name",
    "delivered_by",
    "sessions_per_week",
    "minutes_per_session",
    "weeks",
    "hourly_cost",
    "fixed_cost",
)
# Field -> how a change to it is described in an audit summary (the name is free text: named, never quoted).
GROUP_CHANGE_LABELS = {
    "name": "name",
    "delivered_by": "who delivers it",
    "sessions_per_week": "sessions a week",
    "minutes_per_session": "minutes a session",
    "weeks": "weeks a year",
    "hourly_cost": "hourly cost",
    "fixed_cost": "fixed cost",
}


def _check_group_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The rules for a group intervention's name, pattern and cost (the form checks them too, to show every
    problem at once): the cleaned values, or ValidationError by field."""
    errors: dict[str, str] = {}
    name = (fields.get("name") or "").strip()
    if not name:
        errors["name"] = "Enter the name of the intervention"
    elif len(name) > 200:
        errors["name"] = "Name of the intervention must be 200 characters or fewer"
    if fields.get("delivered_by") not in DeliveredBy.values:
        errors["delivered_by"] = "Select who delivers it"
    pattern = {key: fields.get(key) or 0 for key in ("sessions_per_week", "minutes_per_session", "weeks")}
    for key, label, high in (("sessions_per_week", "Sessions a week", 50), ("minutes_per_session",
                             "Minutes per session", 600), ("weeks", "Weeks a year", 52)):  # fmt: skip
        if not 0 <= pattern[key] <= high:
            errors[key] = f"{label} must be between 0 and {high}"
    hourly, fixed = fields.get("hourly_cost"), fields.get("fixed_cost")
    if (hourly is None) == (fixed is None):
        errors["hourly_cost"] = "Enter either an hourly cost or a fixed cost for the year, not both"
    for key, amount in (("hourly_cost", hourly), ("fixed_cost", fixed)):
        if amount is not None and (amount < 0 or amount != amount.quantize(Decimal("0.01"))):
            errors[key] = "Enter a cost of 0 or more, in pounds and pence"
    if hourly is not None and "hourly_cost" not in errors:
        for key, label in (("sessions_per_week", "sessions a week"), ("minutes_per_session", "minutes a session"),
                           ("weeks", "weeks a year")):  # fmt: skip
            if not pattern[key] and key not in errors:
                errors[key] = f"Enter the number of {label} to cost it at an hourly rate"
    if errors:
        raise ValidationError(errors)
    return {**pattern, "name": name, "delivered_by": fields["delivered_by"], "hourly_cost": hourly, "fixed_cost": fixed}


def group_intervention_create(*, actor: Any, scope: Scope, school_id: int, **fields: Any) -> GroupIntervention:
    school = access(School, scope, school_id)
    if school.pk not in scope.school_ids:
        raise ValidationError("Only the school's SENCO can add its group interventions")
    fields = _check_group_fields(fields)
    with transaction.atomic():
        group = GroupIntervention.objects.create(local_authority_id=school.local_authority_id, school=school, **fields)
        audit_record(
            actor=actor,
            local_authority_id=school.local_authority_id,
            action="group_intervention_added",
            obj=group,
            summary=f"Group intervention {group.pk} added at school {school.pk}",
        )
    return group


def _audit_value(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def group_intervention_update(*, actor: Any, scope: Scope, group_id: int, **fields: Any) -> GroupIntervention:
    """The school's SENCO changes a group intervention's name, who delivers it, its weekly pattern or its
    cost. Each member's share changes with it (the provision maps compute it). Audited with old and new
    values, except the name, which is free text: the audit says only that it changed."""
    fields = _check_group_fields(fields)
    with transaction.atomic():
        group = access(GroupIntervention, scope, group_id, for_edit=True, lock=True)
        before = {key: getattr(group, key) for key in GROUP_FIELDS}
        changed = [key for key in GROUP_FIELDS if before[key] != fields[key]]
        if not changed:
            return group
        for key in changed:
            setattr(group, key, fields[key])
        group.save(update_fields=changed)
        audit_record(
            actor=actor,
            local_authority_id=group.local_authority_id,
            action="group_intervention_changed",
            obj=group,
            summary=f"Group intervention {group.pk} changed: " + ", ".join(GROUP_CHANGE_LABELS[k] for k in changed),
            changes={key: [_audit_value(before[key]), _audit_value(fields[key])] for key in changed if key != "name"},
        )
    return group


def group_intervention_set_members(
    *, actor: Any, scope: Scope, group_id: int, pupil_ids: list[int], is_running: bool
) -> GroupIntervention:
    """Choose which pupils of the same school take part; cost is then shared equally among them."""
    with transaction.atomic():
        group = access(GroupIntervention, scope, group_id, for_edit=True)
        group = GroupIntervention.objects.select_for_update().get(pk=group.pk)
        allowed = set(
            Pupil.objects.filter(school_id=group.school_id, on_register=True, pk__in=pupil_ids).values_list(
                "pk", flat=True
            )
        )
        if allowed != set(pupil_ids):
            raise ValidationError({"pupils": "Choose pupils on this school's SEN register"})
        before = sorted(group.pupils.values_list("pk", flat=True))
        group.pupils.set(sorted(allowed))
        # Each pupil's timeline shows when they joined or left the group.
        for pupil_id, verb in [(p, "Joined") for p in sorted(allowed - set(before))] + [
            (p, "Left") for p in sorted(set(before) - allowed)
        ]:
            audit_record(
                actor=actor,
                local_authority_id=group.local_authority_id,
                action="group_joined" if verb == "Joined" else "group_left",
                obj=Pupil(pk=pupil_id),
                summary=f"{verb} the group intervention \u201c{group.name}\u201d",
            )
        was_running = group.is_running
        group.is_running = is_running
        group.save(update_fields=["is_running"])
        audit_record(
            actor=actor,
            local_authority_id=group.local_authority_id,
            action="group_intervention_changed",
            obj=group,
            summary=f"Group intervention {group.pk}: {len(allowed)} pupils, {'running' if is_running else 'stopped'}",
            changes={"pupils": [before, sorted(allowed)], "is_running": [was_running, is_running]},
        )
    return group
