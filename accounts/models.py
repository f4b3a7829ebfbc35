"""People: users sign in by email; a membership of a tenant carries roles, each with a scope."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from localities.models import LocalAuthority, Locality, School
from panels.models import Panel


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("Users need an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        # People type their email in any case; addresses are stored lower-case and unique ignoring case.
        return self.get(email__iexact=username)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    is_active = models.BooleanField(default=True)
    # Platform operators only (Django admin); council staff never get this.
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Membership(models.Model):
    """A user's place in one tenant. A user may belong to several councils and picks one to work in."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="memberships")
    job_title = models.CharField(max_length=120, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "local_authority"], name="membership_unique_per_la"),
        ]
        indexes = [models.Index(fields=["local_authority", "is_active"], name="membership_la_active_idx")]

    def __str__(self) -> str:
        return f"{self.user} at {self.local_authority}"


class Role(models.TextChoices):
    SENCO = "senco", "SENCO"
    AREA_SEND_LEAD = "area_send_lead", "Area SEND Lead"
    PANEL_MEMBER = "panel_member", "Panel member"
    LA_OFFICER = "la_officer", "LA officer"
    FINANCE_OFFICER = "finance_officer", "Finance officer"
    SPECIALIST = "specialist", "Specialist"


class PanelRole(models.TextChoices):
    """A member's place on a panel: panels are multi-disciplinary by design."""

    CHAIR = "chair", "Chair"
    LA_SEND_OFFICER = "la_send_officer", "LA SEND officer"
    EDUCATIONAL_PSYCHOLOGIST = "educational_psychologist", "Educational Psychologist"
    HEALTH = "health", "Health"
    SOCIAL_CARE = "social_care", "Social care"
    FINANCE = "finance", "Finance"
    HEADTEACHER_REPRESENTATIVE = "headteacher_rep", "Headteacher representative"


# Which scope column each role needs; the database enforces the same table.
ROLE_SCOPE_FIELD: dict[str, str | None] = {
    Role.SENCO: "school",
    Role.AREA_SEND_LEAD: "locality",
    Role.PANEL_MEMBER: "panel",
    Role.LA_OFFICER: None,
    Role.FINANCE_OFFICER: None,
    Role.SPECIALIST: None,
}


def _scope_condition(role: str, field: str | None) -> Q:
    condition = Q(role=role)
    for other in ("school", "locality", "panel"):
        condition &= Q(**{f"{other}__isnull": other != field})
    return condition


class RoleAssignment(models.Model):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=Role.choices)
    school = models.ForeignKey(School, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    locality = models.ForeignKey(Locality, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    panel_role = models.CharField(max_length=24, choices=PanelRole.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    _scope_condition(Role.SENCO, "school")
                    | _scope_condition(Role.AREA_SEND_LEAD, "locality")
                    | _scope_condition(Role.PANEL_MEMBER, "panel")
                    | _scope_condition(Role.LA_OFFICER, None)
                    | _scope_condition(Role.FINANCE_OFFICER, None)
                    | _scope_condition(Role.SPECIALIST, None)
                ),
                name="role_assignment_scope_matches_role",
            ),
            models.CheckConstraint(
                condition=Q(role=Role.PANEL_MEMBER) | Q(panel_role=""), name="panel_role_only_for_panel_members"
            ),
            models.UniqueConstraint(
                fields=["membership", "role", "school", "locality", "panel"],
                nulls_distinct=False,
                name="role_assignment_unique",
            ),
        ]

    def __str__(self) -> str:
        scope = self.school or self.locality or self.panel
        return f"{self.get_role_display()} ({scope})" if scope else self.get_role_display()
