"""The Area SEND Lead's queue and decisions; budgets; the dashboard and the LA overview."""

from django.urls import path

from funding import commitment_views, decision_views

urlpatterns = [
    path("queue/", decision_views.queue, name="queue"),
    path("requests/<int:pk>/decide/", decision_views.request_decide, name="request-decide"),
    path("budgets/", decision_views.budget_list, name="budget-list"),
    path("budgets/add/", decision_views.budget_add, name="budget-add"),
    path("budgets/<int:pk>/", decision_views.budget_detail, name="budget-detail"),
    path("budgets/<int:pk>/adjust/", decision_views.budget_adjust, name="budget-adjust"),
    path("budgets/<int:pk>/transfer/", decision_views.budget_transfer, name="budget-transfer"),
    path("commitments/<int:pk>/<str:action>/", commitment_views.commitment_action, name="commitment-action"),
    path("ledger/<int:pk>/reverse/", commitment_views.entry_reverse, name="entry-reverse"),
    path("dashboard/", decision_views.dashboard, name="dashboard"),
    path("overview/", decision_views.la_overview, name="la-overview"),
    path("timeliness/", decision_views.timeliness, name="timeliness"),
]
