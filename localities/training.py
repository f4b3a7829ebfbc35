"""Staff SEND training records of a school (reads and writes kept together: one small concern).

A record can be corrected or removed by the school's SENCO. Removal is a real delete, with an audit row:
these are records about staff, not children's data, and a record entered by mistake (the wrong person,
say) is personal data the school should not keep (UK GDPR accuracy). The audit row keeps the record's id,
date and SEND area, never the person's name or the course's free text."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.scoping import Scope, access, visible
from audit.services import audit_record
from localities.models import School, SendArea, StaffTraining


def training_for_school(*, scope: Scope, school: School) -> QuerySet[StaffTraining]:
    return visible(StaffTraining, scope).filter(school=school).order_by("-completed_on", "pk")


def _check_training(*, staff_name: str, course: str, completed_on: datetime.date, send_area: str) -> None:
    errors: dict[str, str] = {}
    if not staff_name.strip():
        errors["staff_name"] = "Enter the name of the member of staff"
    if not course.strip():
        errors["course"] = "Enter the course or training"
    if completed_on > timezone.localdate():
        errors["completed_on"] = "The date the training was completed cannot be in the future"
    if send_area not in SendArea.values:
        errors["send_area"] = "Select the SEND area the training covered"
    if errors:
        raise ValidationError(errors)


def staff_training_add(
    *,
    actor: Any,
    scope: Scope,
    school_id: int,
    staff_name: str,
    course: str,
    completed_on: datetime.date,
    send_area: str,
) -> StaffTraining:
    school = access(School, scope, school_id)
    if school.pk not in scope.school_ids:
        raise ValidationError("Only the school's SENCO can add its training records")
    _check_training(staff_name=staff_name, course=course, completed_on=completed_on, send_area=send_area)
    with transaction.atomic():
        record = StaffTraining.objects.create(
            local_authority_id=school.local_authority_id,
            school=school,
            staff_name=staff_name.strip(),
            course=course.strip(),
            completed_on=completed_on,
            send_area=send_area,
        )
        audit_record(
            actor=actor,
            local_authority_id=school.local_authority_id,
            action="training_recorded",
            obj=school,
            summary=f"Staff training record {record.pk} added",
        )
    return record


def staff_training_update(
    *,
    actor: Any,
    scope: Scope,
    training_id: int,
    staff_name: str,
    course: str,
    completed_on: datetime.date,
    send_area: str,
) -> StaffTraining:
    """The school's SENCO corrects a training record. Audited: what changed, with old and new dates and
    areas (names and course titles only as changed)."""
    _check_training(staff_name=staff_name, course=course, completed_on=completed_on, send_area=send_area)
    with transaction.atomic():
        record = access(StaffTraining, scope, training_id, for_edit=True, lock=True)
        after = {"staff_name": staff_name.strip(), "course": course.strip(), "completed_on": completed_on,
                 "send_area": send_area}  # fmt: skip
        changed = [field for field, value in after.items() if getattr(record, field) != value]
        if not changed:
            return record
        changes = {}
        for field in ("completed_on", "send_area"):
            if field in changed:
                old, new = getattr(record, field), after[field]
                changes[field] = [str(old), str(new)]
        for field in changed:
            setattr(record, field, after[field])
        record.save(update_fields=changed)
        labels = {"staff_name": "member of staff", "course": "course", "completed_on": "date completed",
                  "send_area": "SEND area"}  # fmt: skip
        audit_record(
            actor=actor,
            local_authority_id=record.local_authority_id,
            action="training_changed",
            obj=record.school,
            summary=f"Staff training record {record.pk} corrected: " + ", ".join(labels[f] for f in changed),
            changes=changes,
        )
    return record


def staff_training_remove(*, actor: Any, scope: Scope, training_id: int) -> None:
    """The school's SENCO removes a training record (a real delete: see the module's docstring)."""
    with transaction.atomic():
        record = access(StaffTraining, scope, training_id, for_edit=True, lock=True)
        school = record.school
        record_id, completed_on, send_area = record.pk, record.completed_on, record.send_area
        record.delete()
        audit_record(
            actor=actor,
            local_authority_id=school.local_authority_id,
            action="training_removed",
            obj=school,
            summary=f"Staff training record {record_id} removed",
            changes={"completed_on": [completed_on.isoformat(), None], "send_area": [send_area, None]},
        )
