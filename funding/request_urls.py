from django.urls import path

from funding import request_views

urlpatterns = [
    path("requests/", request_views.request_list, name="request-list"),
    path("requests/new/", request_views.request_add, name="request-add"),
    path("requests/<int:pk>/", request_views.request_detail, name="request-detail"),
    path("requests/<int:pk>/edit/", request_views.request_edit, name="request-edit"),
    path("requests/<int:pk>/submit/", request_views.request_submit, name="request-submit"),
    path("requests/<int:pk>/withdraw/", request_views.request_withdraw, name="request-withdraw"),
    path("requests/<int:pk>/answer/", request_views.request_answer, name="request-answer"),
    path("requests/<int:pk>/review/", request_views.request_ask_for_review, name="request-review"),
]
