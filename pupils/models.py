"""Pupils on the SEN register and the census code lists they use."""

from __future__ import annotations

import datetime
import operator
from functools import reduce
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
    valid_as_secondary_need = models.BooleanField(default=True)
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


class InformedBy(models.TextChoices):
    MEETING = "meeting", "At a meeting"
    LETTER = "letter", "By letter"
    EMAIL = "email", "By email"
    PHONE = "phone", "By phone"
    OTHER = "other", "Another way"


class PupilQuerySet(TenantQuerySet):
    def visible_to(self, scope: Scope) -> Self:
        qs = self.in_tenant(scope.local_authority_id)
        if scope.sees_all_pupils:
            return qs
        # SENCOs: their schools; Area SEND Leads: their localities' schools; specialists: pupils
        # referred to them (a guardian object permission). Each condition is built only for a role that
        # needs it, so a SENCO's list stays a plain school_id condition on the (school, ...) indexes.
        from accounts.models import Role

        conditions = []
        if scope.school_ids:
            conditions.append(Q(school_id__in=scope.school_ids))
        if scope.locality_ids:
            schools = School.objects.filter(
                local_authority_id=scope.local_authority_id, locality_id__in=scope.locality_ids
            )
            conditions.append(Q(school_id__in=schools.values("pk")))
        if scope.has_role(Role.SPECIALIST):
            referred = PupilUserObjectPermission.objects.filter(
                user_id=scope.user_id, permission__codename="view_pupil"
            ).values("content_object_id")
            conditions.append(Q(pk__in=referred))
        if not conditions:
            return qs.none()
        return qs.filter(reduce(operator.or_, conditions))

    def editable_by(self, scope: Scope) -> Self:
        """SENCOs change the records of their own schools' pupils; everyone else reads."""
        return self.in_tenant(scope.local_authority_id).filter(school_id__in=scope.school_ids)


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
    sen_support_since = models.DateField("date added to SEN Support", null=True, blank=True)
    # When the pupil joined their current school: a new admission, or a move from another school of the
    # tenant (set by the move). Empty for a pupil at the school since before anyone recorded it. The
    # notional threshold is pro-rated for a pupil who joins part-way through the financial year.
    joined_school_on = models.DateField("date the pupil joined the school", null=True, blank=True)
    # Code of Practice 6.43: parents must be formally told that special educational provision is made.
    parents_informed_on = models.DateField("date parents or carers were formally informed", null=True, blank=True)
    parents_informed_how = models.CharField(
        "how parents or carers were informed", max_length=12, choices=InformedBy.choices, blank=True
    )
    # Removing a pupil from the register keeps the record (never a hard delete).
    on_register = models.BooleanField(default=True)
    # The open cycle's agreed review date, kept by pupils.cycles (the only writer) so the register can
    # filter and sort by it on an index. Empty when no cycle is open.
    next_review_on = models.DateField(null=True, blank=True, editable=False)
    removed_on = models.DateField(null=True, blank=True)
    removal_reason = models.TextField(blank=True)
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
            models.CheckConstraint(
                condition=Q(on_register=True, removed_on__isnull=True) | Q(on_register=False, removed_on__isnull=False),
                name="pupil_removal_has_a_date",
            ),
            models.CheckConstraint(
                condition=Q(parents_informed_on__isnull=True, parents_informed_how="")
                | Q(parents_informed_on__isnull=False) & ~Q(parents_informed_how=""),
                name="pupil_parents_informed_date_and_way_together",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "last_name", "first_name"], name="pupil_school_name_idx"),
            models.Index(fields=["local_authority", "last_name", "first_name"], name="pupil_la_name_idx"),
            models.Index(fields=["local_authority", "sen_status"], name="pupil_la_status_idx"),
            models.Index(fields=["local_authority", "nc_year"], name="pupil_la_year_idx"),
            models.Index(fields=["local_authority", "primary_need"], name="pupil_la_need_idx"),
            models.Index(fields=["school", "on_register", "nc_year"], name="pupil_school_register_year_idx"),
            models.Index(fields=["school", "on_register", "sen_status"], name="pupil_school_register_st_idx"),
            models.Index(fields=["school", "on_register", "primary_need"], name="pupil_school_register_nd_idx"),
            # The register's need filter matches the secondary need too (an OR of the two indexes).
            models.Index(fields=["school", "on_register", "secondary_need"], name="pupil_school_register_nd2_idx"),
            models.Index(fields=["local_authority", "secondary_need"], name="pupil_la_need2_idx"),
            models.Index(fields=["school", "on_register", "next_review_on"], name="pupil_school_register_rv_idx"),
            models.Index(fields=["local_authority", "on_register", "next_review_on"], name="pupil_la_register_rv_idx"),
            # The register's "parents not yet formally informed" filter (and the SENCO dashboard's list),
            # in name order: small partial indexes, as most pupils' parents have been informed.
            models.Index(
                fields=["school", "last_name", "first_name"],
                condition=Q(on_register=True, parents_informed_on__isnull=True),
                name="pupil_school_not_informed_idx",
            ),
            models.Index(
                fields=["local_authority", "last_name", "first_name"],
                condition=Q(on_register=True, parents_informed_on__isnull=True),
                name="pupil_la_not_informed_idx",
            ),
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


class PupilChildQuerySet(TenantQuerySet):
    """Rows that belong to a pupil: visible exactly when their pupil is."""

    def visible_to(self, scope: Scope) -> Self:
        return self.in_tenant(scope.local_authority_id).filter(pupil__in=Pupil.objects.visible_to(scope))

    def editable_by(self, scope: Scope) -> Self:
        return self.in_tenant(scope.local_authority_id).filter(pupil__school_id__in=scope.school_ids)


class CycleChildQuerySet(TenantQuerySet):
    """Rows of a cycle (evidence, outcomes, provision, equipment): visible when the cycle's pupil is."""

    def visible_to(self, scope: Scope) -> Self:
        return self.in_tenant(scope.local_authority_id).filter(cycle__pupil__in=Pupil.objects.visible_to(scope))

    def editable_by(self, scope: Scope) -> Self:
        return self.in_tenant(scope.local_authority_id).filter(cycle__pupil__school_id__in=scope.school_ids)


class PupilSchoolMove(TenantOwned):
    """History of a pupil moving between schools of the tenant."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="moves")
    from_school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    to_school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    moved_on = models.DateField()
    reason = models.TextField(blank=True)
    moved_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PupilChildQuerySet.as_manager()

    class Meta:
        ordering = ["-moved_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(from_school=models.F("to_school")), name="move_changes_school")
        ]


class VoiceOf(models.TextChoices):
    CHILD = "child", "The child or young person"
    PARENT = "parent", "Parents or carers"


class PupilVoice(TenantOwned):
    """The child's views and the parents' views, dated: co-production, not an afterthought."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="voices")
    voice_of = models.CharField(max_length=6, choices=VoiceOf.choices)
    recorded_on = models.DateField()
    views = models.TextField()
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PupilChildQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_on", "-pk"]
        indexes = [models.Index(fields=["pupil", "voice_of", "recorded_on"], name="voice_pupil_idx")]


class PupilContact(TenantOwned):
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=150)
    relationship = models.CharField(max_length=60)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    has_parental_responsibility = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PupilChildQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]


class CycleStatus(models.TextChoices):
    OPEN = "open", "Open"
    REVIEWED = "reviewed", "Reviewed"


class ReviewDecision(models.TextChoices):
    CONTINUE = "continue", "Continue the support"
    ADAPT = "adapt", "Adapt the support"
    ESCALATE = "escalate", "Escalate to a funding request"
    STEP_DOWN = "step_down", "Step down the support"
    REMOVE = "remove", "Remove from SEN Support"


# Decisions after which support goes on, so the next cycle opens at once.
CONTINUING_DECISIONS = frozenset({ReviewDecision.CONTINUE, ReviewDecision.ADAPT, ReviewDecision.ESCALATE})


class Cycle(TenantOwned):
    """One round of the graduated approach: assess, plan, do, review (Code of Practice 6.44 to 6.56)."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="cycles")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=8, choices=CycleStatus.choices, default=CycleStatus.OPEN)
    started_on = models.DateField()
    review_on = models.DateField("agreed review date")
    reviewed_on = models.DateField(null=True, blank=True)
    decision = models.CharField(max_length=10, choices=ReviewDecision.choices, blank=True)
    review_notes = models.TextField(blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    reviewed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PupilChildQuerySet.as_manager()

    class Meta:
        ordering = ["pupil", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "number"], name="cycle_number_unique_per_pupil"),
            models.UniqueConstraint(fields=["pupil"], condition=Q(status="open"), name="cycle_one_open_per_pupil"),
            models.CheckConstraint(condition=Q(review_on__gte=models.F("started_on")), name="cycle_review_after_start"),
            models.CheckConstraint(
                condition=Q(status="open", reviewed_on__isnull=True, decision="")
                | Q(status="reviewed", reviewed_on__isnull=False) & ~Q(decision=""),
                name="cycle_review_fields_match_status",
            ),
        ]
        indexes = [
            models.Index(fields=["local_authority", "status", "review_on"], name="cycle_la_status_review_idx"),
            models.Index(fields=["pupil", "status"], name="cycle_pupil_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Cycle {self.number}"


class EvidenceKind(models.TextChoices):
    CHILD_VIEWS = "child_views", "Views of the child"
    PARENT_VIEWS = "parent_views", "Views of parents or carers"
    KEY_STAGE = "key_stage", "End of key stage attainment"
    CATS = "cats", "Cognitive abilities test (CATs) scores"
    STANDARDISED = "standardised", "Standardised test score"
    AFL = "afl", "Assessment for learning"
    OBSERVATION = "observation", "Teacher observations"
    DIAGNOSTIC = "diagnostic", "Diagnostic test"
    CHECKLIST = "checklist", "Observational checklist"
    AGENCY_ADVICE = "agency_advice", "Advice from another agency"


class EvidenceItem(TenantOwned):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=14, choices=EvidenceKind.choices)
    recorded_on = models.DateField("date of the evidence")
    summary = models.TextField()
    standardised_score = models.PositiveSmallIntegerField(null=True, blank=True)
    source = models.CharField("who gave it (for advice from another agency)", max_length=150, blank=True)
    # Stored under MEDIA_ROOT (outside the web root) with a random name; served only by a checked view.
    document = models.FileField(upload_to="evidence/%Y/%m/", blank=True)
    document_name = models.CharField(max_length=200, blank=True)
    document_content_type = models.CharField(max_length=100, blank=True)
    document_size = models.PositiveIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CycleChildQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(standardised_score__isnull=True)
                | Q(standardised_score__gte=40, standardised_score__lte=160),
                name="evidence_standardised_score_range",
            ),
        ]


class OutcomeProgress(models.TextChoices):
    EXCEEDED = "exceeded", "Exceeded"
    ACHIEVED = "achieved", "Achieved"
    PARTLY = "partly", "Partly achieved"
    NOT_ACHIEVED = "not_achieved", "Not achieved"


class Outcome(TenantOwned):
    """What should be achieved by when, and how it will be measured; reviewed at the end of the cycle."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="outcomes")
    description = models.TextField()
    achieve_by = models.DateField()
    measured_by = models.TextField("how it will be measured")
    progress = models.CharField(max_length=14, choices=OutcomeProgress.choices, blank=True)
    progress_notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CycleChildQuerySet.as_manager()

    class Meta:
        ordering = ["achieve_by", "pk"]


class DeliveredBy(models.TextChoices):
    TEACHING_ASSISTANT = "ta", "Teaching assistant"
    TEACHER = "teacher", "Teacher"
    SENCO = "senco", "SENCO"
    EXTERNAL_AGENCY = "external", "External agency"
    OTHER = "other", "Someone else"


class ProvisionEntry(TenantOwned):
    """Provision in a pupil's plan. Cost comes from the weekly pattern, or a fixed cost for the year."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="provision")
    outcome = models.ForeignKey(Outcome, on_delete=models.SET_NULL, null=True, blank=True, related_name="provision")
    description = models.CharField("intervention or support", max_length=200)
    delivered_by = models.CharField(max_length=10, choices=DeliveredBy.choices)
    group_size = models.PositiveSmallIntegerField(default=1)
    sessions_per_week = models.PositiveSmallIntegerField(default=0)
    minutes_per_session = models.PositiveSmallIntegerField(default=0)
    weeks = models.PositiveSmallIntegerField("weeks a year", default=0)
    hourly_cost = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    fixed_cost = models.DecimalField("fixed cost for the year", max_digits=10, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CycleChildQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(group_size__gte=1, group_size__lte=40), name="provision_group_size"),
            models.CheckConstraint(condition=Q(minutes_per_session__lte=600), name="provision_minutes_at_most_600"),
            models.CheckConstraint(condition=Q(sessions_per_week__lte=50), name="provision_sessions_at_most_50"),
            models.CheckConstraint(condition=Q(weeks__lte=52), name="provision_weeks_at_most_52"),
            models.CheckConstraint(
                condition=Q(hourly_cost__isnull=True) | Q(hourly_cost__gte=0), name="provision_hourly_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(fixed_cost__isnull=True) | Q(fixed_cost__gte=0), name="provision_fixed_not_negative"
            ),
            # Exactly one way of costing: a weekly pattern at an hourly rate, or a fixed cost.
            models.CheckConstraint(
                condition=Q(hourly_cost__isnull=False, fixed_cost__isnull=True)
                | Q(hourly_cost__isnull=True, fixed_cost__isnull=False),
                name="provision_one_way_of_costing",
            ),
        ]


class Equipment(TenantOwned):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="equipment")
    description = models.CharField(max_length=200)
    cost = models.DecimalField(max_digits=10, decimal_places=2)
    bought_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CycleChildQuerySet.as_manager()

    class Meta:
        ordering = ["bought_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(cost__gte=0), name="equipment_cost_not_negative")]


class GroupInterventionQuerySet(TenantQuerySet):
    def visible_to(self, scope: Scope) -> Self:
        qs = self.in_tenant(scope.local_authority_id)
        if scope.sees_all_pupils:
            return qs
        return qs.filter(Q(school_id__in=scope.school_ids) | Q(school__locality_id__in=scope.locality_ids))

    def editable_by(self, scope: Scope) -> Self:
        return self.in_tenant(scope.local_authority_id).filter(school_id__in=scope.school_ids)


class GroupIntervention(TenantOwned):
    """A school-level intervention run for a group (one intervention, many pupils); cost shared equally."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="group_interventions")
    name = models.CharField(max_length=200)
    delivered_by = models.CharField(max_length=10, choices=DeliveredBy.choices)
    sessions_per_week = models.PositiveSmallIntegerField(default=0)
    minutes_per_session = models.PositiveSmallIntegerField(default=0)
    weeks = models.PositiveSmallIntegerField("weeks a year", default=0)
    hourly_cost = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    fixed_cost = models.DecimalField("fixed cost for the year", max_digits=10, decimal_places=2, null=True, blank=True)
    is_running = models.BooleanField(default=True)
    pupils = models.ManyToManyField(Pupil, related_name="group_interventions", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GroupInterventionQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(minutes_per_session__lte=600), name="group_minutes_at_most_600"),
            models.CheckConstraint(condition=Q(sessions_per_week__lte=50), name="group_sessions_at_most_50"),
            models.CheckConstraint(condition=Q(weeks__lte=52), name="group_weeks_at_most_52"),
            models.CheckConstraint(
                condition=Q(hourly_cost__isnull=False, fixed_cost__isnull=True, hourly_cost__gte=0)
                | Q(hourly_cost__isnull=True, fixed_cost__isnull=False, fixed_cost__gte=0),
                name="group_one_way_of_costing",
            ),
        ]
        indexes = [models.Index(fields=["school", "is_running", "name"], name="group_school_running_idx")]
