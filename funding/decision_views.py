"""The Area SEND Lead's queue and decisions, the budget pages, the Area SEND Lead's dashboard and the LA
overview. Thin: reads come from funding.dashboard_selectors, writes go through funding.services and
funding.budget_services, whose refusals are shown on the form's fields."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role
from funding import budget_services, dashboard_selectors, services
from funding.decision_forms import (
    DECISION_PAGES,
    ActionChoiceForm,
    ApproveForm,
    BudgetAdjustForm,
    BudgetCreateForm,
    BudgetTransferForm,
)
from funding.models import Route
from funding.workflow import ACTIONS
from send_portal.forms import show_service_errors
from send_portal.pagination import PAGE_SIZE, paginate
from send_portal.policy import tenant_member

BUDGET_READERS = (Role.AREA_SEND_LEAD, Role.PANEL_MEMBER, Role.LA_OFFICER, Role.FINANCE_OFFICER)
DASHBOARD_READERS = (Role.AREA_SEND_LEAD, Role.LA_OFFICER, Role.FINANCE_OFFICER)
DECISIONS = tuple(DECISION_PAGES)


def _start_month(request: HttpRequest) -> int:
    return int(request.membership.local_authority.financial_year_start_month)  # type: ignore[attr-defined]


# The queue and decisions ---------------------------------------------------------------------------------


@tenant_member(Role.AREA_SEND_LEAD)
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    group = request.GET.get("group", "new")
    if group not in dashboard_selectors.GROUPS:
        group = "new"
    today = timezone.localdate()
    page = paginate(request, dashboard_selectors.queue_requests(scope=scope, group=group, today=today))
    context = {
        "page_obj": page,
        "rows": dashboard_selectors.queue_rows(page.object_list, today),
        "group": group,
        "group_label": dashboard_selectors.GROUPS[group],
        "groups": dashboard_selectors.GROUPS,
        "counts": dashboard_selectors.queue_counts(scope=scope, today=today),
        "ageing_days": dashboard_selectors.AGEING_WORKING_DAYS,
        "decided_days": dashboard_selectors.RECENTLY_DECIDED_DAYS,
    }
    return render(request, "funding/queue.html", context)


@tenant_member(Role.AREA_SEND_LEAD)
@require_http_methods(["GET", "POST"])
def request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    funding_request = dashboard_selectors.request_for_decision(scope=scope, pk=pk)
    action = request.GET.get("action", "")
    detail_url = reverse("funding:request-detail", args=[funding_request.pk])
    context: dict[str, Any] = {"funding_request": funding_request, "back_url": detail_url,
                               "caption": f"Funding request {funding_request.pk}"}  # fmt: skip
    if action and action not in DECISIONS:
        raise Http404
    allowed = [name for name in DECISIONS if funding_request.status in ACTIONS[name].sources]
    if funding_request.route != Route.LOCALITY or not allowed or (action and action not in allowed):
        context["page_title"] = "This request cannot be decided here"
        context["reason"] = (
            f"It has gone to the {funding_request.get_route_display()}."
            if funding_request.route != Route.LOCALITY
            else f"A request that is {funding_request.get_status_display().lower()} cannot be "
            f"{ACTIONS[action].done if action else 'decided'}."
        )
        return render(request, "funding/decide_closed.html", context)
    if not action:
        choose = ActionChoiceForm(request.GET or None, actions=[(name, ACTIONS[name].label) for name in allowed])
        return render(request, "funding/decide_choose.html", {**context, "form": choose,
                                                               "page_title": "Decide on this request"})  # fmt: skip
    form_class, title, button = DECISION_PAGES[action]
    kwargs: dict[str, Any] = {}
    if form_class is ApproveForm:
        kwargs = {"funding_request": funding_request, "bands": dashboard_selectors.bands_for(scope=scope)}
    form = form_class(request.POST if request.method == "POST" else None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_transition(
                actor=request.user, scope=scope, request_id=funding_request.pk, action=action,
                **form.service_kwargs(),  # type: ignore[attr-defined]
            )  # fmt: skip
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, f"Funding request {funding_request.pk} {ACTIONS[action].done}")
            return redirect("funding:queue")
    if form_class is ApproveForm:
        start = form.cleaned_data.get("period_start") if form.is_bound else None
        end = form.cleaned_data.get("period_end") if form.is_bound else None
        context["pots"] = dashboard_selectors.pots_for_period(
            scope=scope, funding_request=funding_request, start=start or funding_request.period_start,
            end=end or funding_request.period_end, start_month=_start_month(request),
        )  # fmt: skip
    context |= {"form": form, "action": action, "page_title": title, "button_label": button,
                "back_url": reverse("funding:request-decide", args=[funding_request.pk])}  # fmt: skip
    return render(request, "funding/decide.html", context)


# Budgets --------------------------------------------------------------------------------------------------


@tenant_member(*BUDGET_READERS)
@require_GET
def budget_list(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    start_month = _start_month(request)
    year = dashboard_selectors.year_from_query(request.GET.get("year"), start_month=start_month)
    page = paginate(request, dashboard_selectors.budget_list(scope=scope, year=year))
    context = {
        "page_obj": page,
        "year": year,
        "years": dashboard_selectors.year_choices(scope=scope, start_month=start_month),
        "can_change": scope.has_role(Role.LA_OFFICER),
    }
    return render(request, "funding/budget_list.html", context)


@tenant_member(Role.LA_OFFICER)
@require_http_methods(["GET", "POST"])
def budget_add(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    form = BudgetCreateForm(
        request.POST if request.method == "POST" else None,
        localities=dashboard_selectors.localities_for_choice(scope=scope),
        panels=dashboard_selectors.panels_for_choice(scope=scope),
        years=budget_services.allowed_years(start_month=_start_month(request)),
    )
    if request.method == "POST" and form.is_valid():
        try:
            budget = budget_services.budget_create(actor=request.user, scope=scope, **form.service_kwargs())
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, f"Budget created: {budget}")
            return redirect("funding:budget-detail", budget.pk)
    context = {
        "form": form,
        "page_title": "Create a budget",
        "intro": "A locality budget belongs to one locality for one financial year. A central budget "
        "(complex and exceptional needs, or High Needs top-up) is decided by the council's panel of that kind.",
        "button_label": "Create budget",
        "back_url": reverse("funding:budget-list"),
    }
    return render(request, "funding/budget_form.html", context)


@tenant_member(*BUDGET_READERS)
@require_GET
def budget_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    budget = dashboard_selectors.budget_with_balance(scope=scope, pk=pk)
    context = {
        "budget": budget,
        "page_obj": paginate(request, dashboard_selectors.budget_entries(scope=scope, budget=budget)),
        "can_change": scope.has_role(Role.LA_OFFICER),
    }
    return render(request, "funding/budget_detail.html", context)


def _budget_form_page(request: HttpRequest, pk: int, make_form: Any, save: Any, texts: dict[str, str]) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    budget = dashboard_selectors.budget_with_balance(scope=scope, pk=pk)
    form = make_form(request.POST if request.method == "POST" else None, budget)
    if request.method == "POST" and form.is_valid():
        try:
            save(scope=scope, budget=budget, data=form.service_kwargs())
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, texts["success"])
            return redirect("funding:budget-detail", budget.pk)
    context = {
        "form": form,
        "budget": budget,
        "page_title": texts["title"],
        "caption": str(budget),
        "button_label": texts["button"],
        "back_url": reverse("funding:budget-detail", args=[budget.pk]),
    }
    return render(request, "funding/budget_form.html", context)


@tenant_member(Role.LA_OFFICER)
@require_http_methods(["GET", "POST"])
def budget_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    def save(*, scope: Any, budget: Any, data: dict[str, Any]) -> None:
        budget_services.budget_adjust(actor=request.user, scope=scope, budget_id=budget.pk, **data)

    texts = {"title": "Adjust the budget", "button": "Adjust budget", "success": "Budget adjusted"}
    return _budget_form_page(request, pk, lambda data, budget: BudgetAdjustForm(data), save, texts)


@tenant_member(Role.LA_OFFICER)
@require_http_methods(["GET", "POST"])
def budget_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]

    def make_form(data: Any, budget: Any) -> BudgetTransferForm:
        return BudgetTransferForm(data, targets=dashboard_selectors.transfer_targets(scope=scope, budget=budget))

    def save(*, scope: Any, budget: Any, data: dict[str, Any]) -> None:
        budget_services.budget_transfer(actor=request.user, scope=scope, from_budget_id=budget.pk, **data)

    texts = {"title": "Transfer money to another budget", "button": "Transfer money", "success": "Money transferred"}
    return _budget_form_page(request, pk, make_form, save, texts)


# Dashboards -----------------------------------------------------------------------------------------------


@tenant_member(*DASHBOARD_READERS)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    locality_id = request.GET.get("locality")
    if not locality_id and not scope.locality_ids and scope.sees_whole_tenant:
        return redirect("funding:la-overview")
    start_month = _start_month(request)
    year = dashboard_selectors.year_from_query(request.GET.get("year"), start_month=start_month)
    localities = dashboard_selectors.dashboard_localities(scope=scope, locality_id=locality_id)
    context = {
        "year": year,
        "years": dashboard_selectors.year_choices(scope=scope, start_month=start_month),
        "localities": dashboard_selectors.locality_dashboard(scope=scope, localities=localities, year=year),
        "locality_id": locality_id or "",
        "ageing_days": dashboard_selectors.AGEING_WORKING_DAYS,
        "is_area_lead": scope.has_role(Role.AREA_SEND_LEAD),
    }
    return render(request, "funding/dashboard.html", context)


@tenant_member(Role.LA_OFFICER, Role.FINANCE_OFFICER)
@require_GET
def la_overview(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    start_month = _start_month(request)
    year = dashboard_selectors.year_from_query(request.GET.get("year"), start_month=start_month)
    sort = request.GET.get("sort", "per_pupil_desc")
    if sort not in dashboard_selectors.SCHOOL_SORTS:
        sort = "per_pupil_desc"
    localities = dashboard_selectors.localities_for_choice(scope=scope)
    locality_id = request.GET.get("locality", "")
    chosen = next((loc.pk for loc in localities if str(loc.pk) == locality_id), None)
    overview = dashboard_selectors.la_overview(scope=scope, year=year)
    schools = dashboard_selectors.spend_per_pupil_by_school(scope=scope, year=year, sort=sort, locality_id=chosen)
    pots = Paginator(dashboard_selectors.budget_list(scope=scope, year=year), PAGE_SIZE).get_page(
        request.GET.get("pots_page")
    )
    context = {
        "overview": overview,
        "year": year,
        "years": dashboard_selectors.year_choices(scope=scope, start_month=start_month),
        "pots": pots,
        "pot_rows": [(pot, overview.queues_by_locality.get(pot.locality_id or 0)) for pot in pots],
        "page_obj": paginate(request, schools),
        "sort": sort,
        "sorts": dashboard_selectors.SCHOOL_SORTS,
        "localities": localities,
        "locality_id": chosen,
        "ageing_days": dashboard_selectors.AGEING_WORKING_DAYS,
    }
    return render(request, "funding/dashboard_overview.html", context)


@tenant_member(Role.LA_OFFICER, Role.FINANCE_OFFICER)
@require_GET
def timeliness(request: HttpRequest) -> HttpResponse:
    """Days from submission to decision per panel and per locality, and the cases over the council's target."""
    from funding import timeliness as figures

    scope = request.scope  # type: ignore[attr-defined]
    start_month = _start_month(request)
    year = dashboard_selectors.year_from_query(request.GET.get("year"), start_month=start_month)
    until = datetime.date(year.year + 1, year.month, 1) - datetime.timedelta(days=1)
    result = figures.la_timeliness(scope=scope, since=year, until=until)
    context = {
        "t": result,
        "year": year,
        "years": dashboard_selectors.year_choices(scope=scope, start_month=start_month),
        "panel_chart": result.chart(result.by_panel),
        "locality_chart": result.chart(result.by_locality),
    }
    return render(request, "funding/timeliness.html", context)
