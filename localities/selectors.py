from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from accounts.scoping import Scope, visible
from localities.models import LocalAuthority, Locality, School
from pupils.models import SenStatus


def school_list_for_scope(*, scope: Scope, locality_id: int | None = None, search: str = "") -> QuerySet[School]:
    schools = visible(School, scope).select_related("locality")
    if locality_id:
        schools = schools.filter(locality_id=locality_id)
    if search:
        schools = schools.filter(Q(name__icontains=search) | Q(urn=search))
    return schools.order_by("name", "pk")


def locality_list_for_scope(*, scope: Scope) -> QuerySet[Locality]:
    return (
        visible(Locality, scope)
        .annotate(
            school_count=Count("schools", distinct=True),
            early_adopter_count=Count("schools", filter=Q(schools__is_early_adopter=True), distinct=True),
        )
        .order_by("name", "pk")
    )


def area_send_leads_of_locality(*, locality: Locality) -> list[str]:
    """Names of the Area SEND Leads who hold this locality (for display; no contact details)."""
    from accounts.models import Role, RoleAssignment

    return list(
        RoleAssignment.objects.filter(
            role=Role.AREA_SEND_LEAD, locality=locality, membership__is_active=True
        ).values_list("membership__user__full_name", flat=True)
    )


def school_register_counts(*, school: School) -> dict[str, int]:
    """Pupils on the SEN register of one school, by provision status."""
    counts = school.pupils.aggregate(
        sen_support=Count("pk", filter=Q(sen_status=SenStatus.SEN_SUPPORT)),
        ehc_plan=Count("pk", filter=Q(sen_status=SenStatus.EHC_PLAN)),
    )
    return {key: value or 0 for key, value in counts.items()}


def local_authority_for_scope(*, scope: Scope) -> LocalAuthority:
    return LocalAuthority.objects.get(pk=scope.local_authority_id)
