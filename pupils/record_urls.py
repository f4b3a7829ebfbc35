from django.urls import path

from pupils import record_views

urlpatterns = [
    path("<int:pk>/", record_views.pupil_detail, name="detail"),
]
