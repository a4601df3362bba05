"""People in the REST API: read-only, cut to the actor's view, every row audited."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from coresponse.accounts.access import View
from coresponse.audit.services import audit_reads
from coresponse.common.ids import lookup_id
from coresponse.people.models import Person, SafetyFlag
from coresponse.people.selectors import people_visible_to, person_get, person_view_of


class SafetyFlagSerializer(serializers.ModelSerializer):
    class Meta:
        model = SafetyFlag
        fields = ["category", "text"]


class PersonPoliceSerializer(serializers.ModelSerializer):
    """What an officer may read: identity, police-shareable summary, safety flags."""

    birth_date = serializers.CharField(source="birth_date_display")
    safety_flags = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id",
            "first_name",
            "last_name",
            "birth_date",
            "sex",
            "police_summary",
            "safety_flags",
        ]

    def get_safety_flags(self, person: Person) -> list[dict[str, Any]]:
        flags = person.safety_flags.filter(is_active=True)
        return list(SafetyFlagSerializer(flags, many=True).data)


class PersonClinicalSerializer(PersonPoliceSerializer):
    class Meta(PersonPoliceSerializer.Meta):
        fields = [
            *PersonPoliceSerializer.Meta.fields,
            "middle_name",
            "preferred_name",
            "race",
            "ethnicity",
            "veteran_status",
            "primary_language",
            "housing_status",
            "phone",
            "address",
            "town",
            "postcode",
        ]


@extend_schema_view(
    retrieve=extend_schema(
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)]
    )
)
class PersonViewSet(viewsets.ViewSet):
    """People the acting user may see."""

    serializer_class = PersonClinicalSerializer
    # Numeric ids only: the OpenAPI document types them and other paths answer 404.
    lookup_value_regex = "[0-9]+"

    def list(self, request: Request) -> Response:
        queryset = people_visible_to(request.user).order_by("last_name", "first_name", "id")
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(queryset, request, view=self) or []
        audit_reads(actor=request.user, object_type="person", objects=page)
        rows = [self._serialize(request, person) for person in page]
        return paginator.get_paginated_response(rows)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        person = person_get(request.user, lookup_id(pk))
        audit_reads(actor=request.user, object_type="person", objects=[person])
        return Response(self._serialize(request, person))

    @staticmethod
    def _serialize(request: Request, person: Person) -> dict[str, Any]:
        view = person_view_of(request.user, person)
        serializer = PersonClinicalSerializer if view == View.CLINICAL else PersonPoliceSerializer
        return serializer(person).data
