"""Reads for role home pages: a handful of counts, one query each, whatever the tenant's size."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from accounts.models import Role
from accounts.scoping import Scope, visible
from localities.models import Locality, School
from panels.models import Panel
from pupils.models import Pupil, SenStatus


def home_summary_for_scope(*, scope: Scope) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    if scope.has_role(Role.SENCO, Role.AREA_SEND_LEAD, Role.LA_OFFICER, Role.SPECIALIST):
        summary["pupils"] = visible(Pupil, scope).aggregate(
            total=Count("pk"),
            sen_support=Count("pk", filter=Q(sen_status=SenStatus.SEN_SUPPORT)),
            ehc_plan=Count("pk", filter=Q(sen_status=SenStatus.EHC_PLAN)),
        )
    if scope.has_role(Role.SENCO, Role.AREA_SEND_LEAD, Role.LA_OFFICER, Role.FINANCE_OFFICER):
        summary["schools"] = list(visible(School, scope).order_by("name")[:10])
        summary["school_count"] = visible(School, scope).count()
    if scope.has_role(Role.AREA_SEND_LEAD, Role.LA_OFFICER, Role.FINANCE_OFFICER):
        summary["localities"] = list(
            visible(Locality, scope).annotate(school_count=Count("schools")).order_by("name")[:20]
        )
    if scope.has_role(Role.PANEL_MEMBER, Role.LA_OFFICER):
        summary["panels"] = list(visible(Panel, scope).order_by("name")[:20])
    return summary
