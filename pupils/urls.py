"""Pupil URLs, composed from one module per area so each stays small."""

from django.urls import include, path

app_name = "pupils"
urlpatterns = [
    path("", include("pupils.register_urls")),  # the SEN register: list, export, add, edit, move, remove
    path("", include("pupils.record_urls")),  # the pupil record, provision maps, group interventions
    path("", include("pupils.cycle_urls")),  # assess, plan, do, review
]
