from django.urls import path

from pupils import views

urlpatterns = [
    path("", views.pupil_list, name="list"),
]
