from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated

from localities import selectors
from localities.models import School
from localities.views import STRUCTURE_READERS
from send_portal.api import HasTenantScope, scope_of
from send_portal.policy import tenant_member


class SchoolOutputSerializer(serializers.ModelSerializer):
    locality = serializers.CharField(source="locality.name", default=None)

    class Meta:
        model = School
        fields = [
            "id",
            "urn",
            "establishment_number",
            "name",
            "phase",
            "provision_kind",
            "governance",
            "is_early_adopter",
            "locality",
        ]


@tenant_member(*STRUCTURE_READERS)
class SchoolListApi(ListAPIView):
    permission_classes = [IsAuthenticated, HasTenantScope]
    serializer_class = SchoolOutputSerializer

    def get_queryset(self) -> Any:
        return selectors.school_list_for_scope(scope=scope_of(self.request))
