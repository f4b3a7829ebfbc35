"""What a signed-in user may see: the one place that turns roles into querysets.

Views, API classes and tasks never query tenant-owned models directly: they call `visible(...)`
or an `access_*` helper here (a test in tests/test_scoping_lint.py fails the build otherwise).
Every queryset starts from the tenant, then narrows by the role's scope. A missing object and a
forbidden one raise the same Http404, so ids cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from accounts.models import Membership, Role

if TYPE_CHECKING:
    from localities.models import Locality, School
    from panels.models import Panel
    from pupils.models import Pupil

M = TypeVar("M", bound=Model)

WHOLE_TENANT_ROLES = frozenset({Role.LA_OFFICER, Role.FINANCE_OFFICER})


@dataclass(frozen=True)
class Scope:
    user_id: int
    membership_id: int
    local_authority_id: int
    roles: frozenset[str]
    school_ids: frozenset[int] = field(default_factory=frozenset)
    locality_ids: frozenset[int] = field(default_factory=frozenset)
    panel_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def sees_whole_tenant(self) -> bool:
        """LA and finance officers read the tenant's structure: localities, schools, panels, budgets."""
        return bool(self.roles & WHOLE_TENANT_ROLES)

    @property
    def sees_all_pupils(self) -> bool:
        """Only LA officers read every pupil record of the tenant; finance officers see money, not children."""
        return Role.LA_OFFICER in self.roles

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


def scope_for_membership(membership: Membership) -> Scope:
    assignments = list(membership.roles.all())
    return Scope(
        user_id=membership.user_id,
        membership_id=membership.pk,
        local_authority_id=membership.local_authority_id,
        roles=frozenset(a.role for a in assignments),
        school_ids=frozenset(a.school_id for a in assignments if a.school_id),
        locality_ids=frozenset(a.locality_id for a in assignments if a.locality_id),
        panel_ids=frozenset(a.panel_id for a in assignments if a.panel_id),
    )


def visible(model: type[M], scope: Scope) -> QuerySet[M]:
    """The rows of `model` this scope may read. Each tenant-owned model defines `visible_to`."""
    manager: Any = model._default_manager
    return manager.visible_to(scope)


def editable(model: type[M], scope: Scope) -> QuerySet[M]:
    """The rows of `model` this scope may change (models that can be changed define `editable_by`)."""
    manager: Any = model._default_manager
    return manager.editable_by(scope)


def _access(model: type[M], scope: Scope, pk: Any) -> M:
    return access(model, scope, pk)


def access(model: type[M], scope: Scope, pk: Any, *, for_edit: bool = False, lock: bool = False) -> M:
    """One row this scope may read (or change, with for_edit): 404 for missing and forbidden alike.
    With lock, the row is locked FOR UPDATE in the same query that checks the scope, so a concurrent
    move to another school cannot slip in between the check and the write (inside a transaction)."""
    queryset = editable(model, scope) if for_edit else visible(model, scope)
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):  # type: ignore[attr-defined]
        raise Http404 from None


def access_school(scope: Scope, pk: Any) -> School:
    from localities.models import School

    return _access(School, scope, pk)


def access_locality(scope: Scope, pk: Any) -> Locality:
    from localities.models import Locality

    return _access(Locality, scope, pk)


def access_panel(scope: Scope, pk: Any) -> Panel:
    from panels.models import Panel

    return _access(Panel, scope, pk)


def access_pupil(scope: Scope, pk: Any, *, for_edit: bool = False, lock: bool = False) -> Pupil:
    from pupils.models import Pupil

    return access(Pupil, scope, pk, for_edit=for_edit, lock=lock)
