from django.urls import path

from localities import views

app_name = "localities"
urlpatterns = [
    path("schools/", views.school_list, name="school-list"),
    path("schools/<int:pk>/", views.school_detail, name="school-detail"),
    path("schools/<int:pk>/training/add/", views.training_add, name="training-add"),
    path("schools/<int:pk>/training/<int:training_pk>/edit/", views.training_edit, name="training-edit"),
    path("schools/<int:pk>/training/<int:training_pk>/remove/", views.training_remove, name="training-remove"),
    path("localities/", views.locality_list, name="locality-list"),
    path("localities/<int:pk>/", views.locality_detail, name="locality-detail"),
    path("scheme/", views.scheme_settings, name="scheme-settings"),
    path("scheme/edit/", views.scheme_settings_edit, name="scheme-settings-edit"),
]
