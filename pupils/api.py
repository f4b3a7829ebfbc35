from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.permissions import IsAuthenticated

from accounts.scoping import access_pupil
from pupils import selectors, services
from pupils.models import Pupil
from pupils.views import PUPIL_READERS
from send_portal.api import HasTenantScope, scope_of
from send_portal.policy import tenant_member


class PupilOutputSerializer(serializers.ModelSerializer):
    school = serializers.IntegerField(source="school_id")
    primary_need = serializers.CharField(source="primary_need.code", default=None)

    class Meta:
        model = Pupil
        fields = [
            "id",
            "upn",
            "first_name",
            "last_name",
            "date_of_birth",
            "nc_year",
            "school",
            "sen_status",
            "primary_need",
        ]


@tenant_member(*PUPIL_READERS)
class PupilListApi(ListAPIView):
    permission_classes = [IsAuthenticated, HasTenantScope]
    serializer_class = PupilOutputSerializer

    def get_queryset(self) -> Any:
        filters = selectors.pupil_filters_from_query(self.request.query_params)
        return selectors.pupil_list_for_scope(scope=scope_of(self.request), **filters)


@tenant_member(*PUPIL_READERS)
class PupilDetailApi(RetrieveAPIView):
    permission_classes = [IsAuthenticated, HasTenantScope]
    serializer_class = PupilOutputSerializer

    def get_object(self) -> Pupil:
        pupil = access_pupil(scope_of(self.request), self.kwargs["pk"])
        services.pupil_record_viewed(actor=self.request.user, pupil=pupil)
        return pupil
