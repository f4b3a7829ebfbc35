"""Pupils on the SEN register and the census code lists they use."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Self

from django.db import models
from django.db.models import Q
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from localities.models import School, TenantOwned, TenantQuerySet

if TYPE_CHECKING:
    from accounts.scoping import Scope


class SenStatus(models.TextChoices):
    SEN_SUPPORT = "K", "SEN Support"
    EHC_PLAN = "E", "EHC plan"
    NO_SEN = "N", "No SEN"


class NeedType(models.Model):
    """DfE census need type. Data, not code: the list changes (a Down syndrome type arrived in 2025)."""

    code = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=120)
    valid_with_sen_support = models.BooleanField(default=True)
    valid_with_ehc_plan = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class NationalCurriculumYear(models.IntegerChoices):
    NURSERY_1 = -2, "Nursery 1"
    NURSERY_2 = -1, "Nursery 2"
    RECEPTION = 0, "Reception"
    YEAR_1 = 1, "Year 1"
    YEAR_2 = 2, "Year 2"
    YEAR_3 = 3, "Year 3"
    YEAR_4 = 4, "Year 4"
    YEAR_5 = 5, "Year 5"
    YEAR_6 = 6, "Year 6"
    YEAR_7 = 7, "Year 7"
    YEAR_8 = 8, "Year 8"
    YEAR_9 = 9, "Year 9"
    YEAR_10 = 10, "Year 10"
    YEAR_11 = 11, "Year 11"
    YEAR_12 = 12, "Year 12"
    YEAR_13 = 13, "Year 13"
    YEAR_14 = 14, "Year 14"


class PupilQuerySet(TenantQuerySet):
    def visible_to(self, scope: Scope) -> Self:
        qs = self.in_tenant(scope.local_authority_id)
        if scope.sees_all_pupils:
            return qs
        # SENCOs: their schools; Area SEND Leads: their localities' schools; specialists:
        # pupils referred to them (a guardian object permission on that pupil).
        return qs.filter(
            Q(school_id__in=scope.school_ids)
            | Q(school__locality_id__in=scope.locality_ids)
            | Q(
                pk__in=PupilUserObjectPermission.objects.filter(
                    user_id=scope.user_id, permission__codename="view_pupil"
                ).values("content_object_id")
            )
        )


class Pupil(TenantOwned):
    upn = models.CharField("UPN", max_length=13)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    nc_year = models.SmallIntegerField("national curriculum year", choices=NationalCurriculumYear.choices)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="pupils")
    sen_status = models.CharField("SEN provision", max_length=1, choices=SenStatus.choices)
    primary_need = models.ForeignKey(NeedType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    secondary_need = models.ForeignKey(NeedType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    ehcp_issued_on = models.DateField("EHC plan issue date", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PupilQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["local_authority", "upn"], name="pupil_upn_unique_in_la"),
            models.CheckConstraint(
                condition=Q(sen_status="N") | Q(primary_need__isnull=False),
                name="pupil_need_required_for_k_and_e",
            ),
            models.CheckConstraint(
                condition=Q(sen_status="E", ehcp_issued_on__isnull=False) | ~Q(sen_status="E"),
                name="pupil_ehcp_date_required_for_e",
            ),
            models.CheckConstraint(
                condition=Q(secondary_need__isnull=True) | ~Q(secondary_need=models.F("primary_need")),
                name="pupil_secondary_need_differs",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "last_name", "first_name"], name="pupil_school_name_idx"),
            models.Index(fields=["local_authority", "last_name", "first_name"], name="pupil_la_name_idx"),
            models.Index(fields=["local_authority", "sen_status"], name="pupil_la_status_idx"),
            models.Index(fields=["local_authority", "nc_year"], name="pupil_la_year_idx"),
            models.Index(fields=["local_authority", "primary_need"], name="pupil_la_need_idx"),
        ]
        permissions = [("refer_pupil", "Can refer a pupil to a specialist")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: datetime.date) -> int:
        years = day.year - self.date_of_birth.year
        return years - ((day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day))


class PupilUserObjectPermission(UserObjectPermissionBase):
    """Direct-FK guardian grants (fast joins, deleted with the pupil): used for specialist referrals."""

    content_object = models.ForeignKey(Pupil, on_delete=models.CASCADE)


class PupilGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Pupil, on_delete=models.CASCADE)
