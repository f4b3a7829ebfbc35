from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from localities.api import SchoolListApi
from pupils.api import PupilDetailApi, PupilListApi
from send_portal.policy import signed_in

urlpatterns = [
    path("pupils/", PupilListApi.as_view(), name="api-pupil-list"),
    path("pupils/<int:pk>/", PupilDetailApi.as_view(), name="api-pupil-detail"),
    path("schools/", SchoolListApi.as_view(), name="api-school-list"),
    path("schema/", signed_in(SpectacularAPIView).as_view(), name="api-schema"),
]
