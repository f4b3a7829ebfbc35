"""Funding URLs, one module per area so each stays small."""

from django.urls import include, path

app_name = "funding"
urlpatterns = [
    path("", include("funding.request_urls")),  # SENCO: drafts, submission, the request page
    path("", include("funding.decision_urls")),  # Area SEND Lead: queue and decisions; budgets; dashboards
    path("", include("funding.report_urls")),  # budget reports built by Celery
    path("", include("funding.banding_urls")),  # banding matrix (LA officer) and a request's scores (SENCO)
]
