from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts.scoping import Scope, visible
from pupils.models import NeedType, Pupil

SORTS = {
    "name": ("last_name", "first_name", "pk"),
    "year": ("nc_year", "last_name", "first_name", "pk"),
    "school": ("school__name", "last_name", "first_name", "pk"),
}


def pupil_list_for_scope(
    *,
    scope: Scope,
    sen_status: str = "",
    nc_year: int | None = None,
    need_code: str = "",
    school_id: int | None = None,
    sort: str = "name",
) -> QuerySet[Pupil]:
    pupils = visible(Pupil, scope).select_related("school", "primary_need")
    if sen_status:
        pupils = pupils.filter(sen_status=sen_status)
    if nc_year is not None:
        pupils = pupils.filter(nc_year=nc_year)
    if need_code:
        pupils = pupils.filter(primary_need__code=need_code)
    if school_id:
        pupils = pupils.filter(school_id=school_id)
    return pupils.order_by(*SORTS.get(sort, SORTS["name"]))


def need_types_active() -> QuerySet[NeedType]:
    return NeedType.objects.filter(is_active=True)


def pupil_filters_from_query(params: Any) -> dict[str, Any]:
    """Parse list filters from a query string; anything malformed is ignored rather than erroring."""
    filters: dict[str, Any] = {"sen_status": "", "nc_year": None, "need_code": "", "sort": "name"}
    if params.get("status") in ("K", "E", "N"):
        filters["sen_status"] = params["status"]
    year = params.get("year", "")
    if year.lstrip("-").isdigit() and -2 <= int(year) <= 14:
        filters["nc_year"] = int(year)
    need = params.get("need", "")
    if need.isalnum() and len(need) <= 8:
        filters["need_code"] = need.upper()
    if params.get("sort") in SORTS:
        filters["sort"] = params["sort"]
    return filters
