"""Changes to the SEN register: adding, changing, moving, removing and returning pupils, and the export's
audit. Every change is checked against the actor's scope here (not only in the view), runs in one
transaction and leaves one audit row on the pupil that names ids, codes and dates, never the child."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from guardian.shortcuts import assign_perm

from accounts.models import Membership, Role
from accounts.scoping import Scope, access_pupil, access_school
from audit.services import audit_record, changes_between
from localities.models import LocalAuthority, School
from pupils import selectors
from pupils.models import (
    Cycle,
    CycleStatus,
    GroupIntervention,
    NationalCurriculumYear,
    NeedType,
    Pupil,
    PupilSchoolMove,
    SenStatus,
)
from pupils.upn import validate_upn
from send_portal.text import long_date

# SEN provision a SENCO may choose when adding a pupil to the register (No SEN is not a register entry).
ADD_STATUSES = (SenStatus.SEN_SUPPORT, SenStatus.EHC_PLAN)
NAME_FIELDS = ("first_name", "last_name")
DATE_OF_BIRTH_IN_THE_PAST = "Date of birth must be in the past"
# Field -> how a change to it is described in an audit summary.
CHANGE_LABELS = {
    "upn": "UPN",
    "first_name": "first name",
    "last_name": "last name",
    "date_of_birth": "date of birth",
    "nc_year": "year group",
    "sen_status": "SEN provision",
    "primary_need": "primary need",
    "secondary_need": "secondary need",
    "ehcp_issued_on": "EHC plan issue date",
    "sen_support_since": "date added to SEN Support",
    "joined_school_on": "date joined the school",
}


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
    if secondary_need is not None and not secondary_need.valid_as_secondary_need and "secondary_need" not in errors:
        errors["secondary_need"] = f"{secondary_need.name} ({secondary_need.code}) can only be a primary need"
    if primary_need is not None and secondary_need is not None and primary_need.pk == secondary_need.pk:
        errors["secondary_need"] = "Secondary need must be different from the primary need"
    return errors


def _check_pupil_details(
    *,
    local_authority_id: int,
    upn: str,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date,
    nc_year: int,
    sen_status: str,
    primary_need: NeedType | None,
    secondary_need: NeedType | None,
    ehcp_issued_on: datetime.date | None,
    sen_support_since: datetime.date | None,
    joined_school_on: datetime.date | None = None,
    exclude_pupil_id: int | None = None,
) -> tuple[str, dict[str, Any]]:
    """The normalised UPN and every problem with a pupil's details, by field (empty when all is well)."""
    today = timezone.localdate()
    errors: dict[str, Any] = {}
    try:
        upn = validate_upn(upn)
    except ValidationError as error:
        errors["upn"] = error.messages
    if not first_name.strip():
        errors["first_name"] = "Enter the pupil's first name"
    if not last_name.strip():
        errors["last_name"] = "Enter the pupil's last name"
    if date_of_birth >= today:
        errors["date_of_birth"] = DATE_OF_BIRTH_IN_THE_PAST
    if nc_year not in NationalCurriculumYear.values:
        errors["nc_year"] = "Select the pupil's year group"
    errors.update(
        validate_census_needs(sen_status=sen_status, primary_need=primary_need, secondary_need=secondary_need)
    )
    if sen_status == SenStatus.EHC_PLAN:
        if ehcp_issued_on is None:
            errors["ehcp_issued_on"] = "Enter the date the EHC plan was issued"
        elif ehcp_issued_on > today:
            errors["ehcp_issued_on"] = "EHC plan issue date cannot be in the future"
        elif ehcp_issued_on < date_of_birth:
            errors["ehcp_issued_on"] = "EHC plan issue date must be after the pupil's date of birth"
    if sen_support_since is not None:
        if sen_support_since > today:
            errors["sen_support_since"] = "Date added to SEN Support cannot be in the future"
        elif sen_support_since < date_of_birth:
            errors["sen_support_since"] = "Date added to SEN Support must be after the pupil's date of birth"
    if joined_school_on is not None:
        if joined_school_on > today:
            errors["joined_school_on"] = "Date the pupil joined the school cannot be in the future"
        elif joined_school_on < date_of_birth:
            errors["joined_school_on"] = "Date the pupil joined the school must be after their date of birth"
    if "upn" not in errors:
        existing = Pupil.objects.filter(local_authority_id=local_authority_id, upn=upn)
        if exclude_pupil_id is not None:
            existing = existing.exclude(pk=exclude_pupil_id)
        duplicate = existing.select_related("school").first()
        if duplicate is not None and not duplicate.on_register:
            # Still the same child (one UPN for life): their record is kept, so it is returned, not re-added.
            errors["upn"] = (
                f"A pupil with this UPN was removed from the register at {duplicate.school.name} on "
                f"{long_date(duplicate.removed_on)}. Return them to the register from their record instead "
                "of adding them again"
            )
        elif duplicate is not None:
            errors["upn"] = f"A pupil with this UPN is already on the register at {duplicate.school.name}"
    return upn, errors


def _resolve_needs(
    *, primary_need_code: str, secondary_need_code: str, keep_ids: tuple[int | None, ...] = ()
) -> tuple[NeedType | None, NeedType | None, dict[str, str]]:
    """Census need types from their codes: active ones, or one the pupil already has. Unknown codes are
    refused rather than dropped."""
    codes = {code for code in (primary_need_code, secondary_need_code) if code}
    found = {need.code: need for need in selectors.need_types_for_choice(keep_ids=keep_ids).filter(code__in=codes)}
    errors: dict[str, str] = {}
    if primary_need_code and primary_need_code not in found:
        errors["primary_need"] = "Primary need must be one of the census need types"
    if secondary_need_code and secondary_need_code not in found:
        errors["secondary_need"] = "Secondary need must be one of the census need types"
    return found.get(primary_need_code), found.get(secondary_need_code), errors


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
    sen_support_since: datetime.date | None = None,
    joined_school_on: datetime.date | None = None,
) -> Pupil:
    upn, errors = _check_pupil_details(
        local_authority_id=school.local_authority_id,
        upn=upn,
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        nc_year=nc_year,
        sen_status=sen_status,
        primary_need=primary_need,
        secondary_need=secondary_need,
        ehcp_issued_on=ehcp_issued_on,
        sen_support_since=sen_support_since,
        joined_school_on=joined_school_on,
    )
    if errors:
        raise ValidationError(errors)
    if sen_status != SenStatus.EHC_PLAN:
        ehcp_issued_on = None
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
        sen_support_since=sen_support_since,
        joined_school_on=joined_school_on,
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


def pupil_add(
    *,
    actor: Any,
    scope: Scope,
    school_id: int | None,
    upn: str,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date,
    nc_year: int,
    sen_status: str,
    primary_need_code: str,
    secondary_need_code: str = "",
    ehcp_issued_on: datetime.date | None = None,
    sen_support_since: datetime.date | None = None,
    joined_school_on: datetime.date | None = None,
) -> Pupil:
    """A SENCO adds a pupil to the register of one of their own open schools, at SEN Support or with an
    EHC plan. Everything wrong is reported at once, by field; nothing is saved unless all is well.

    `joined_school_on` is for a pupil newly admitted to the school (empty for a pupil who has been at
    the school since before this year): the notional threshold is pro-rated from it."""
    errors: dict[str, Any] = {}
    school = selectors.schools_for_senco(scope=scope).filter(pk=school_id).first() if school_id else None
    if school is None:
        errors["school"] = "Select one of your schools"
    if sen_status not in ADD_STATUSES:
        errors["sen_status"] = "Select SEN Support or EHC plan"
    primary_need, secondary_need, need_errors = _resolve_needs(
        primary_need_code=primary_need_code, secondary_need_code=secondary_need_code
    )
    errors.update(need_errors)
    details: dict[str, Any] = {
        "upn": upn,
        "first_name": first_name,
        "last_name": last_name,
        "date_of_birth": date_of_birth,
        "nc_year": nc_year,
        "sen_status": sen_status,
        "primary_need": primary_need,
        "secondary_need": secondary_need,
        "ehcp_issued_on": ehcp_issued_on,
        "sen_support_since": sen_support_since,
        "joined_school_on": joined_school_on,
    }
    if errors or school is None:
        _upn, detail_errors = _check_pupil_details(local_authority_id=scope.local_authority_id, **details)
        raise ValidationError({**detail_errors, **errors})
    return pupil_create(actor=actor, school=school, **details)


def _register_snapshot(pupil: Pupil, need_codes: dict[int, str]) -> dict[str, Any]:
    """A pupil's register details as JSON-safe codes and ISO dates (for an audited diff)."""

    def iso(day: datetime.date | None) -> str | None:
        return day.isoformat() if day else None

    return {
        "upn": pupil.upn,
        "first_name": pupil.first_name,
        "last_name": pupil.last_name,
        "date_of_birth": iso(pupil.date_of_birth),
        "nc_year": pupil.nc_year,
        "sen_status": pupil.sen_status,
        "primary_need": need_codes.get(pupil.primary_need_id) if pupil.primary_need_id else None,
        "secondary_need": need_codes.get(pupil.secondary_need_id) if pupil.secondary_need_id else None,
        "ehcp_issued_on": iso(pupil.ehcp_issued_on),
        "sen_support_since": iso(pupil.sen_support_since),
        "joined_school_on": iso(pupil.joined_school_on),
    }


def _lock_pupil_for_edit(scope: Scope, pupil_id: int) -> Pupil:
    """The pupil, if this scope may change it (404 otherwise), locked until the transaction ends."""
    return access_pupil(scope, pupil_id, for_edit=True, lock=True)


def pupil_update(
    *,
    actor: Any,
    scope: Scope,
    pupil_id: int,
    upn: str,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date,
    nc_year: int,
    sen_status: str,
    primary_need_code: str,
    secondary_need_code: str = "",
    ehcp_issued_on: datetime.date | None = None,
    sen_support_since: datetime.date | None = None,
    joined_school_on: datetime.date | None = None,
) -> Pupil:
    """A SENCO corrects a pupil's register details: the same rules as adding, a changed UPN checked again.

    The audit row lists what changed; its `changes` hold old and new codes and dates, and say only that
    a name changed, never the names."""
    with transaction.atomic():
        pupil = _lock_pupil_for_edit(scope, pupil_id)
        errors: dict[str, Any] = {}
        if sen_status not in selectors.sen_status_values_for_edit(current=pupil.sen_status):
            errors["sen_status"] = "Select SEN Support or EHC plan"
        kept = (pupil.primary_need_id, pupil.secondary_need_id)
        primary_need, secondary_need, need_errors = _resolve_needs(
            primary_need_code=primary_need_code, secondary_need_code=secondary_need_code, keep_ids=kept
        )
        errors.update(need_errors)
        upn, detail_errors = _check_pupil_details(
            local_authority_id=pupil.local_authority_id,
            upn=upn,
            first_name=first_name,
            last_name=last_name,
            date_of_birth=date_of_birth,
            nc_year=nc_year,
            sen_status=sen_status,
            primary_need=primary_need,
            secondary_need=secondary_need,
            ehcp_issued_on=ehcp_issued_on,
            sen_support_since=sen_support_since,
            joined_school_on=joined_school_on,
            exclude_pupil_id=pupil.pk,
        )
        errors = {**detail_errors, **errors}
        if errors:
            raise ValidationError(errors)

        need_codes = {need.pk: need.code for need in selectors.need_types_for_choice(keep_ids=kept)}
        before = _register_snapshot(pupil, need_codes)
        pupil.upn = upn
        pupil.first_name = first_name.strip()
        pupil.last_name = last_name.strip()
        pupil.date_of_birth = date_of_birth
        pupil.nc_year = nc_year
        pupil.sen_status = sen_status
        pupil.primary_need = primary_need
        pupil.secondary_need = secondary_need
        pupil.ehcp_issued_on = ehcp_issued_on if sen_status == SenStatus.EHC_PLAN else None
        pupil.sen_support_since = sen_support_since
        pupil.joined_school_on = joined_school_on
        after = _register_snapshot(pupil, need_codes)
        changed = [field for field in CHANGE_LABELS if before[field] != after[field]]
        if not changed:
            return pupil
        try:
            with transaction.atomic():
                pupil.save()
        except IntegrityError:
            # Someone else took this UPN between the check and the save.
            raise ValidationError({"upn": "A pupil with this UPN is already on the register"}) from None
        changes = changes_between(
            {k: v for k, v in before.items() if k not in NAME_FIELDS},
            {k: v for k, v in after.items() if k not in NAME_FIELDS},
        )
        audit_record(
            actor=actor,
            local_authority_id=pupil.local_authority_id,
            action="pupil_changed",
            obj=pupil,
            summary="Changed " + ", ".join(CHANGE_LABELS[field] for field in changed),
            changes=changes,
        )
    return pupil


def pupil_move(
    *,
    actor: Any,
    scope: Scope,
    pupil_id: int,
    to_school_id: int | None,
    moved_on: datetime.date,
    reason: str,
) -> PupilSchoolMove:
    """A SENCO moves their pupil to another open school of the tenant. The move is kept as history; the
    pupil's record, cycles and casework go with them, and the old school's SENCO no longer sees them."""
    reason = reason.strip()
    errors: dict[str, Any] = {}
    if not reason:
        errors["reason"] = "Enter the reason for the move"
    if moved_on > timezone.localdate():
        errors["moved_on"] = "Date of the move cannot be in the future"
    with transaction.atomic():
        pupil = _lock_pupil_for_edit(scope, pupil_id)
        schools = selectors.schools_open_in_tenant(scope=scope)
        to_school = schools.filter(pk=to_school_id).first() if to_school_id else None
        if to_school is None:
            errors["to_school"] = "Select the school the pupil is moving to"
        elif to_school.pk == pupil.school_id:
            errors["to_school"] = "Select a different school: the pupil is already at this school"
        last_move = selectors.last_move_of(pupil=pupil)
        if "moved_on" not in errors and last_move is not None and moved_on < last_move.moved_on:
            errors["moved_on"] = (
                f"Date of the move must be on or after the pupil's last move, {long_date(last_move.moved_on)}"
            )
        if errors:
            raise ValidationError(errors)
        assert to_school is not None
        from_school_id = pupil.school_id
        joined_before = pupil.joined_school_on.isoformat() if pupil.joined_school_on else None
        move = PupilSchoolMove.objects.create(
            local_authority_id=pupil.local_authority_id,
            pupil=pupil,
            from_school_id=from_school_id,
            to_school=to_school,
            moved_on=moved_on,
            reason=reason,
            moved_by=actor,
        )
        pupil.school = to_school
        pupil.joined_school_on = moved_on  # the new school's notional threshold is pro-rated from here
        pupil.save(update_fields=["school", "joined_school_on", "updated_at"])
        group_memberships_end(actor=actor, pupil=pupil, why="moved school")
        audit_record(
            actor=actor,
            local_authority_id=pupil.local_authority_id,
            action="pupil_moved",
            obj=pupil,
            summary=f"Moved from school {from_school_id} to school {to_school.pk} on {moved_on.isoformat()}",
            changes={
                "school": [from_school_id, to_school.pk],
                "moved_on": [None, moved_on.isoformat()],
                "joined_school_on": [joined_before, moved_on.isoformat()],
            },
        )
    return move


def group_memberships_end(*, actor: Any, pupil: Pupil, why: str) -> None:
    """Take a pupil out of their school's group interventions (they moved school or left the register),
    so the group's cost is shared only by the pupils still taking part. Shown on the pupil's timeline."""
    for group in GroupIntervention.objects.filter(pupils=pupil).select_for_update(of=("self",)):
        group.pupils.remove(pupil)
        audit_record(
            actor=actor,
            local_authority_id=pupil.local_authority_id,
            action="group_left",
            obj=pupil,
            summary=f"Left the group intervention \u201c{group.name}\u201d ({why})",
        )


def pupil_remove(*, actor: Any, scope: Scope, pupil_id: int, removed_on: datetime.date, reason: str) -> Pupil:
    """Take a pupil off the SEN register with a date and a reason. The record is kept, never deleted."""
    reason = reason.strip()
    errors: dict[str, Any] = {}
    if not reason:
        errors["reason"] = "Enter a reason for removing the pupil from the register"
    if removed_on > timezone.localdate():
        errors["removed_on"] = "Date removed from the register cannot be in the future"
    with transaction.atomic():
        pupil = _lock_pupil_for_edit(scope, pupil_id)
        if not pupil.on_register:
            raise ValidationError(f"This pupil was already removed from the register on {long_date(pupil.removed_on)}")
        if "removed_on" not in errors and removed_on < pupil.date_of_birth:
            errors["removed_on"] = "Date removed from the register must be after the pupil's date of birth"
        if errors:
            raise ValidationError(errors)
        pupil.on_register = False
        pupil.removed_on = removed_on
        pupil.removal_reason = reason
        # An open cycle stays as history, but nothing is due while the pupil is off the register.
        pupil.next_review_on = None
        pupil.save(update_fields=["on_register", "removed_on", "removal_reason", "next_review_on", "updated_at"])
        group_memberships_end(actor=actor, pupil=pupil, why="left the register")
        audit_record(
            actor=actor,
            local_authority_id=pupil.local_authority_id,
            action="pupil_removed",
            obj=pupil,
            summary=f"Removed from the register on {removed_on.isoformat()}",
            changes={"on_register": [True, False], "removed_on": [None, removed_on.isoformat()]},
        )
    return pupil


def pupil_return(*, actor: Any, scope: Scope, pupil_id: int) -> Pupil:
    """Put a removed pupil back on the register: the removal's date and reason are cleared (the audit
    trail keeps when it happened)."""
    with transaction.atomic():
        pupil = _lock_pupil_for_edit(scope, pupil_id)
        if pupil.on_register:
            raise ValidationError("This pupil is already on the SEN register")
        if pupil.sen_status not in ADD_STATUSES:
            raise ValidationError(
                "Change the pupil's SEN provision to SEN Support or EHC plan before returning them to the register"
            )
        removed_on = pupil.removed_on.isoformat() if pupil.removed_on else None
        pupil.on_register = True
        pupil.removed_on = None
        pupil.removal_reason = ""
        open_cycle = Cycle.objects.filter(pupil=pupil, status=CycleStatus.OPEN).first()
        pupil.next_review_on = open_cycle.review_on if open_cycle else None
        pupil.save(update_fields=["on_register", "removed_on", "removal_reason", "next_review_on", "updated_at"])
        audit_record(
            actor=actor,
            local_authority_id=pupil.local_authority_id,
            action="pupil_returned",
            obj=pupil,
            summary=f"Returned to the register (removed on {removed_on})",
            changes={"on_register": [False, True], "removed_on": [removed_on, None]},
        )
    return pupil


def register_read_through_api(*, actor: Any, scope: Scope, filters: dict[str, Any], page: str) -> None:
    """A page of the register read through the API is a bulk read of children's data: audit it like an
    export (one row a request, on the tenant; no lookup, the tenant's id is enough)."""
    audit_record(
        actor=actor,
        local_authority_id=scope.local_authority_id,
        action="register_read_api",
        obj=LocalAuthority(pk=scope.local_authority_id),
        summary=f"Read page {page} of the SEN register through the API ({selectors.describe_filters(filters)})",
    )


def register_exported(*, actor: Any, scope: Scope, filters: dict[str, Any]) -> None:
    """Record one export of the register, on the school exported (or the tenant, for several schools).

    A school filter naming a school this scope cannot read answers 404, as its page would."""
    obj: Model
    single_school = len(scope.school_ids) == 1 and not scope.locality_ids and not scope.sees_all_pupils
    if filters.get("school_id"):
        obj = access_school(scope, filters["school_id"])
    elif single_school:
        obj = access_school(scope, next(iter(scope.school_ids)))
    else:
        obj = LocalAuthority.objects.get(pk=scope.local_authority_id)
    audit_record(
        actor=actor,
        local_authority_id=scope.local_authority_id,
        action="register_exported",
        obj=obj,
        summary=f"Exported the SEN register as CSV ({selectors.describe_filters(filters)})",
    )


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
