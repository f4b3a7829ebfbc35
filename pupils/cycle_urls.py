"""Assess, plan, do, review: a pupil's graduated-approach cycles, under /pupils/<pupil_pk>/cycles/."""

from django.urls import path

from pupils import cycle_views as views

ONE = "<int:pupil_pk>/cycles/<int:cycle_pk>/"

urlpatterns = [
    path("<int:pupil_pk>/cycles/", views.cycle_list, name="cycle-list"),
    path("<int:pupil_pk>/cycles/start/", views.cycle_start, name="cycle-start"),
    path(ONE, views.cycle_detail, name="cycle-detail"),
    path(ONE + "review/", views.cycle_review, name="cycle-review"),
    path(ONE + "evidence/add/", views.evidence_add, name="cycle-evidence-add"),
    path(ONE + "evidence/<int:pk>/remove/", views.evidence_remove, name="cycle-evidence-remove"),
    path(ONE + "evidence/<int:pk>/download/", views.evidence_download, name="evidence-download"),
    path(ONE + "outcomes/add/", views.outcome_add, name="cycle-outcome-add"),
    path(ONE + "outcomes/<int:pk>/remove/", views.outcome_remove, name="cycle-outcome-remove"),
    path(ONE + "provision/add/", views.provision_add, name="cycle-provision-add"),
    path(ONE + "provision/<int:pk>/remove/", views.provision_remove, name="cycle-provision-remove"),
    path(ONE + "equipment/add/", views.equipment_add, name="cycle-equipment-add"),
    path(ONE + "equipment/<int:pk>/remove/", views.equipment_remove, name="cycle-equipment-remove"),
]
