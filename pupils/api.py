from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

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
            "on_register",
        ]


class PupilRegisterRowSerializer(PupilOutputSerializer):
    """A row of the register: the pupil and the agreed review date of their open cycle."""

    next_review_on = serializers.DateField(read_only=True, allow_null=True)

    class Meta(PupilOutputSerializer.Meta):
        fields = [*PupilOutputSerializer.Meta.fields, "next_review_on"]


@tenant_member(*PUPIL_READERS)
class PupilListApi(ListAPIView):
    """The SEN register, with the list page's filters: status, year, need (primary or secondary), school,
    review (due or overdue), parents (not_informed), top_up (eligible), removed=1 and sort (name, year,
    school, review)."""

    permission_classes = [IsAuthenticated, HasTenantScope]
    serializer_class = PupilRegisterRowSerializer

    def get_queryset(self) -> Any:
        filters = selectors.pupil_filters_from_query(self.request.query_params)
        return selectors.pupil_list_for_scope(scope=scope_of(self.request), **filters)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        services.register_read_through_api(
            actor=request.user,
            scope=scope_of(request),
            filters=selectors.pupil_filters_from_query(request.query_params),
            page=str(request.query_params.get("page", "1"))[:6],
        )
        return response


@tenant_member(*PUPIL_READERS)
class PupilDetailApi(RetrieveAPIView):
    permission_classes = [IsAuthenticated, HasTenantScope]
    serializer_class = PupilOutputSerializer

    def get_object(self) -> Pupil:
        pupil = access_pupil(scope_of(self.request), self.kwargs["pk"])
        services.pupil_record_viewed(actor=self.request.user, pupil=pupil)
        return pupil
