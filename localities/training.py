"""Staff SEND training records of a school (reads and writes kept together: one small concern)."""

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
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "The date the training was completed cannot be in the future"})
    if send_area not in SendArea.values:
        raise ValidationError({"send_area": "Select the SEND area the training covered"})
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
