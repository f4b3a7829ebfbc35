from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm

from accounts.models import Membership, Role
from audit.services import audit_record
from localities.models import School
from pupils.models import NeedType, Pupil, SenStatus
from pupils.upn import validate_upn


def validate_census_needs(
    *, sen_status: str, primary_need: NeedType | None, secondary_need: NeedType | None
) -> dict[str, str]:
    """DfE census rules: a need is required for K and E; some needs (NSA) are only valid with K."""
    errors: dict[str, str] = {}
    if sen_status in (SenStatus.SEN_SUPPORT, SenStatus.EHC_PLAN) and primary_need is None:
        errors["primary_need"] = "Select the pupil's primary need: it is required at SEN Support and with an EHC plan"
    for field, need in (("primary_need", primary_need), ("secondary_need", secondary_need)):
        if need is None or field in errors:
            continue
        if sen_status == SenStatus.EHC_PLAN and not need.valid_with_ehc_plan:
            errors[field] = f"{need.name} ({need.code}) can only be recorded for pupils at SEN Support"
        elif sen_status == SenStatus.SEN_SUPPORT and not need.valid_with_sen_support:
            errors[field] = f"{need.name} ({need.code}) cannot be recorded at SEN Support"
    if primary_need is not None and secondary_need is not None and primary_need.pk == secondary_need.pk:
        errors["secondary_need"] = "Secondary need must be different from the primary need"
    return errors


def pupil_create(
    *,
    actor: Any,
    school: School,
    upn: str,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date,
    nc_year: int,
    sen_status: str,
    primary_need: NeedType | None = None,
    secondary_need: NeedType | None = None,
    ehcp_issued_on: datetime.date | None = None,
) -> Pupil:
    errors: dict[str, Any] = {}
    try:
        upn = validate_upn(upn)
    except ValidationError as error:
        errors["upn"] = error.messages
    if date_of_birth > timezone.localdate():
        errors["date_of_birth"] = "Date of birth must be in the past"
    errors.update(
        validate_census_needs(sen_status=sen_status, primary_need=primary_need, secondary_need=secondary_need)
    )
    if sen_status == SenStatus.EHC_PLAN and ehcp_issued_on is None:
        errors["ehcp_issued_on"] = "Enter the date the EHC plan was issued"
    if sen_status != SenStatus.EHC_PLAN:
        ehcp_issued_on = None
    if "upn" not in errors:
        existing = Pupil.objects.filter(local_authority_id=school.local_authority_id, upn=upn).select_related("school")
        duplicate = existing.first()
        if duplicate is not None:
            errors["upn"] = f"A pupil with this UPN is already on the register at {duplicate.school.name}"
    if errors:
        raise ValidationError(errors)
    pupil = Pupil(
        local_authority_id=school.local_authority_id,
        school=school,
        upn=upn,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        date_of_birth=date_of_birth,
        nc_year=nc_year,
        sen_status=sen_status,
        primary_need=primary_need,
        secondary_need=secondary_need,
        ehcp_issued_on=ehcp_issued_on,
    )
    try:
        with transaction.atomic():
            pupil.save()
            audit_record(
                actor=actor,
                local_authority_id=pupil.local_authority_id,
                action="pupil_added",
                obj=pupil,
                summary=f"Added to the register at school {school.pk}",
            )
    except IntegrityError:
        # Two SENCOs adding the same UPN at once: the database constraint decides.
        raise ValidationError({"upn": "A pupil with this UPN is already on the register"}) from None
    return pupil


def pupil_record_viewed(*, actor: Any, pupil: Pupil) -> None:
    """Every view of a pupil record is logged (children's data)."""
    audit_record(actor=actor, local_authority_id=pupil.local_authority_id, action="pupil_viewed", obj=pupil)


def pupil_refer_to_specialist(*, actor: Any, pupil: Pupil, specialist: Membership) -> None:
    """Grant a specialist (for example an Educational Psychologist) read access to one pupil."""
    if specialist.local_authority_id != pupil.local_authority_id:
        raise ValidationError("The specialist does not work with this local authority")
    if not specialist.roles.filter(role=Role.SPECIALIST).exists():
        raise ValidationError("The person referred to must hold the specialist role")
    with transaction.atomic():
        assign_perm("pupils.view_pupil", specialist.user, pupil)
        audit_record(
            actor=actor,
            local_authority_id=pupil.local_authority_id,
            action="pupil_referred",
            obj=pupil,
            summary=f"Referred to specialist user {specialist.user_id}",
        )
