from django.urls import path

from funding import banding_views

urlpatterns = [
    path("requests/<int:pk>/scores/", banding_views.request_scores, name="request-scores"),
    path("banding/", banding_views.banding_settings, name="banding-settings"),
    path("banding/domains/add/", banding_views.banding_domain_add, name="banding-domain-add"),
    path("banding/bands/add/", banding_views.band_add, name="band-add"),
]
