"""The tenant (a local authority), its localities and its schools."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Self

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from accounts.scoping import Scope

la_code_validator = RegexValidator(r"^\d{3}$", "Enter the DfE LA code as 3 digits, like 306")
urn_validator = RegexValidator(r"^\d{6}$", "Enter the URN as 6 digits, like 100000")
establishment_number_validator = RegexValidator(r"^\d{4}$", "Enter the establishment number as 4 digits")


class ApportionBy(models.TextChoices):
    DAYS = "days", "Days"
    MONTHS = "months", "Months"


class LocalAuthority(models.Model):
    """The tenant. Scheme policy lives here, editable by the council's LA officers, never in code."""

    name = models.CharField(max_length=120, unique=True)
    la_code = models.CharField("DfE LA code", max_length=3, unique=True, validators=[la_code_validator])
    scheme_name = models.CharField(max_length=120, default="Locality SEND funding")
    scheme_summary = models.TextField(blank=True)
    notional_sen_threshold = models.DecimalField(
        "notional SEN threshold per pupil",
        max_digits=12,
        decimal_places=2,
        default=Decimal("6000.00"),
        help_text="Schools fund additional support up to this amount a year from their notional SEN budget.",
    )
    financial_year_start_month = models.PositiveSmallIntegerField(
        default=4, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    min_completed_cycles_for_top_up = models.PositiveSmallIntegerField(
        "completed assess-plan-do-review cycles before a top-up request",
        default=2,
        validators=[MaxValueValidator(12)],
    )
    early_adopter_schools_only = models.BooleanField(
        "only early-adopter mainstream schools may request locality funding", default=False
    )
    ehcp_issued_before_excluded = models.DateField(
        "pupils with an EHC plan issued before this date are not eligible",
        null=True,
        blank=True,
    )
    apportion_by = models.CharField(max_length=6, choices=ApportionBy.choices, default=ApportionBy.DAYS)
    runs_locality_budgets = models.BooleanField(
        "the council devolves budgets to its localities: a locality school's requests go to its Area SEND Lead",
        default=True,
    )
    above_threshold_to_top_up_panel = models.BooleanField(
        "requests that take a pupil above the notional threshold go to the top-up panel, not the locality",
        default=False,
    )
    # Panels (Croydon's exceptional-needs panel, Stockton's One Point Panel).
    panel_quorum = models.PositiveSmallIntegerField(
        "members present, without a conflict of interest, for a panel to decide a case",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    panel_packs_pseudonymised = models.BooleanField(
        "panel packs show initials and a pupil reference instead of names and UPNs", default=False
    )
    decision_target_days = models.PositiveSmallIntegerField(
        "days from submission to decision that a request should take at most",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "local authorities"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(notional_sen_threshold__gte=0), name="la_threshold_not_negative"),
            models.CheckConstraint(
                condition=Q(financial_year_start_month__gte=1, financial_year_start_month__lte=12),
                name="la_fy_start_month_valid",
            ),
            models.CheckConstraint(condition=Q(panel_quorum__gte=1), name="la_panel_quorum_at_least_one"),
            models.CheckConstraint(condition=Q(decision_target_days__gte=1), name="la_decision_target_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def financial_year_containing(self, day: datetime.date) -> tuple[datetime.date, datetime.date]:
        """First and last day of the financial year that contains `day` (1 April to 31 March by default)."""
        start_month = self.financial_year_start_month
        start_year = day.year if day.month >= start_month else day.year - 1
        start = datetime.date(start_year, start_month, 1)
        next_start = datetime.date(start_year + 1, start_month, 1)
        return start, next_start - datetime.timedelta(days=1)


class TenantQuerySet(models.QuerySet):
    """Base for every tenant-owned model: scoping rules live on each model's queryset."""

    def in_tenant(self, local_authority_id: int) -> Self:
        return self.filter(local_authority_id=local_authority_id)


class TenantOwned(models.Model):
    """Every tenant-owned row carries its tenant, so no query can forget it cheaply."""

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


class LocalityQuerySet(TenantQuerySet):
    def visible_to(self, scope: Scope) -> Self:
        qs = self.in_tenant(scope.local_authority_id)
        if scope.sees_whole_tenant:
            return qs
        return qs.filter(Q(pk__in=scope.locality_ids) | Q(schools__pk__in=scope.school_ids)).distinct()


class Locality(TenantOwned):
    """A group of nearby schools sharing a devolved budget and an Area SEND Lead."""

    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    objects = LocalityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "localities"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["local_authority", "name"], name="locality_name_unique_in_la"),
        ]
        indexes = [models.Index(fields=["local_authority", "name"], name="locality_la_name_idx")]

    def __str__(self) -> str:
        return self.name


class Phase(models.TextChoices):
    NURSERY = "nursery", "Nursery"
    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"
    ALL_THROUGH = "all_through", "All-through"
    SIXTEEN_PLUS = "16_plus", "16 plus"


class ProvisionKind(models.TextChoices):
    MAINSTREAM = "mainstream", "Mainstream"
    SPECIAL = "special", "Special school"
    ENHANCED_LEARNING = "enhanced", "Enhanced learning provision or SRB"
    PUPIL_REFERRAL_UNIT = "pru", "Pupil referral unit"


class Governance(models.TextChoices):
    MAINTAINED = "maintained", "Maintained"
    ACADEMY = "academy", "Academy"


class SchoolQuerySet(TenantQuerySet):
    def visible_to(self, scope: Scope) -> Self:
        qs = self.in_tenant(scope.local_authority_id)
        if scope.sees_whole_tenant:
            return qs
        return qs.filter(Q(pk__in=scope.school_ids) | Q(locality_id__in=scope.locality_ids))


class School(TenantOwned):
    urn = models.CharField("URN", max_length=6, unique=True, validators=[urn_validator])
    establishment_number = models.CharField(max_length=4, validators=[establishment_number_validator])
    name = models.CharField(max_length=200)
    phase = models.CharField(max_length=12, choices=Phase.choices)
    provision_kind = models.CharField(max_length=12, choices=ProvisionKind.choices, default=ProvisionKind.MAINSTREAM)
    governance = models.CharField(max_length=12, choices=Governance.choices, default=Governance.MAINTAINED)
    is_early_adopter = models.BooleanField(default=False)
    is_open = models.BooleanField(default=True)
    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, null=True, blank=True, related_name="schools")

    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["local_authority", "establishment_number"], name="school_laestab_unique"),
        ]
        indexes = [
            models.Index(fields=["local_authority", "name"], name="school_la_name_idx"),
            models.Index(fields=["locality", "name"], name="school_locality_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def laestab(self) -> str:
        return f"{self.local_authority.la_code}{self.establishment_number}"


class SendArea(models.TextChoices):
    COMMUNICATION = "communication", "Communication and interaction"
    COGNITION = "cognition", "Cognition and learning"
    SEMH = "semh", "Social, emotional and mental health"
    SENSORY_PHYSICAL = "sensory", "Sensory and/or physical"
    GENERAL = "general", "SEND in general"


class StaffTrainingQuerySet(TenantQuerySet):
    def visible_to(self, scope: Scope) -> Self:
        qs = self.in_tenant(scope.local_authority_id)
        if scope.sees_whole_tenant:
            return qs
        return qs.filter(Q(school_id__in=scope.school_ids) | Q(school__locality_id__in=scope.locality_ids))

    def editable_by(self, scope: Scope) -> Self:
        return self.in_tenant(scope.local_authority_id).filter(school_id__in=scope.school_ids)


class StaffTraining(TenantOwned):
    """SEND training the school's staff completed (Stockton asks schools to keep this record)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="training_records")
    staff_name = models.CharField(max_length=150)
    course = models.CharField(max_length=200)
    completed_on = models.DateField()
    send_area = models.CharField("SEND area", max_length=14, choices=SendArea.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StaffTrainingQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_on", "pk"]
        indexes = [models.Index(fields=["school", "completed_on"], name="training_school_date_idx")]

    def __str__(self) -> str:
        return f"{self.course} ({self.completed_on.day} {self.completed_on:%B %Y})"
