from django.urls import path

from funding import request_views

urlpatterns = [
    path("requests/<int:pk>/", request_views.request_detail, name="request-detail"),
]
