"""Encounters in the REST API: same scoping and field policy as the pages."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from coresponse.accounts.access import View
from coresponse.accounts.models import User
from coresponse.audit.services import audit_reads
from coresponse.common.ids import lookup_id
from coresponse.common.models import Code
from coresponse.encounters.inputs import EncounterInput
from coresponse.encounters.models import Encounter
from coresponse.encounters.selectors import (
    encounter_get,
    encounter_view_of,
    encounters_visible_to,
)
from coresponse.encounters.services import encounter_create
from coresponse.people.selectors import people_clinically_visible_to
from coresponse.programs.selectors import clinical_departments_of, clinical_programs_of


class CodeKeys(serializers.SlugRelatedField):
    def __init__(self, code_list: str, **kwargs: Any) -> None:
        super().__init__(
            slug_field="key", queryset=Code.objects.filter(code_list=code_list), **kwargs
        )


class EncounterPoliceSerializer(serializers.ModelSerializer):
    """The police-shareable projection of an encounter."""

    department = serializers.StringRelatedField()

    class Meta:
        model = Encounter
        fields = [
            "id",
            "department",
            "person",
            "status",
            "occurred_at",
            "location_text",
            "cad_incident_number",
            "initial_call_type",
            "final_call_type",
            "has_criminal_conduct",
            "arrest_outcome",
            "had_use_of_force",
            "had_injuries",
            "is_cit_officer_present",
            "officer_minutes",
            "police_summary",
        ]


class EncounterClinicalSerializer(serializers.ModelSerializer):
    """The full encounter for the program's clinical staff."""

    presenting_problems = CodeKeys("presenting_problem", many=True)
    dispositions = CodeKeys("disposition", many=True, required=False)
    others_on_scene = CodeKeys("others_on_scene", many=True, required=False)
    setting = CodeKeys("setting", required=False, allow_null=True)
    response_mode = CodeKeys("response_mode", required=False, allow_null=True)
    call_source = CodeKeys("call_source", required=False, allow_null=True)
    clinical_note = serializers.CharField(
        source="clinical_note.text", required=False, allow_blank=True, default=""
    )
    client_key = serializers.UUIDField()
    submit = serializers.BooleanField(write_only=True, default=True)

    class Meta:
        model = Encounter
        fields = [
            "id",
            "client_key",
            "program",
            "department",
            "person",
            "status",
            "occurred_at",
            "reported_at",
            "clinician_arrived_at",
            "clinician_cleared_at",
            "location_text",
            "setting",
            "response_mode",
            "call_source",
            "cad_incident_number",
            "initial_call_type",
            "final_call_type",
            "is_mental_health_call",
            "age_band",
            "sex",
            "race",
            "ethnicity",
            "veteran_status",
            "presenting_problems",
            "substance_involvement",
            "has_criminal_conduct",
            "charge_severity",
            "arrest_outcome",
            "ed_outcome",
            "is_involuntary_hold",
            "others_on_scene",
            "had_use_of_force",
            "had_injuries",
            "injury_note",
            "is_cit_officer_present",
            "officer_minutes",
            "dispositions",
            "police_summary",
            "clinical_note",
            "version",
            "submit",
        ]
        read_only_fields = ["id", "status", "version"]
        extra_kwargs = {"client_key": {"validators": []}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["program"].queryset = clinical_programs_of(request.user)  # type: ignore[attr-defined]
            self.fields["department"].queryset = clinical_departments_of(request.user)  # type: ignore[attr-defined]
            self.fields["person"].queryset = people_clinically_visible_to(request.user)  # type: ignore[attr-defined]


@extend_schema_view(
    retrieve=extend_schema(
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)]
    )
)
class EncounterViewSet(viewsets.ViewSet):
    """Encounters the acting user may see; clinicians create with an idempotent client key."""

    serializer_class = EncounterClinicalSerializer
    # Numeric ids only: the OpenAPI document types them and other paths answer 404.
    lookup_value_regex = "[0-9]+"

    def list(self, request: Request) -> Response:
        queryset = (
            encounters_visible_to(request.user)
            .select_related("department")
            .order_by("-occurred_at", "-id")
            .prefetch_related("presenting_problems", "dispositions", "others_on_scene")
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(queryset, request, view=self) or []
        audit_reads(actor=request.user, object_type="encounter", objects=page)
        rows = [self._serialize(request, encounter) for encounter in page]
        return paginator.get_paginated_response(rows)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        row = encounter_get(request.user, lookup_id(pk))
        return Response(self._serialize(request, row.encounter))

    def create(self, request: Request) -> Response:
        serializer = EncounterClinicalSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        client_key = values.pop("client_key")
        submit = values.pop("submit", True)
        note = values.pop("clinical_note", {}) or {}
        values.pop("version", None)
        data = EncounterInput(**values, clinical_note=note.get("text", ""))
        try:
            encounter, created = encounter_create(
                actor=cast(User, request.user), client_key=client_key, data=data, submit=submit
            )
        except DjangoValidationError as error:
            detail = (
                error.message_dict
                if hasattr(error, "error_dict")
                else {"non_field_errors": error.messages}
            )
            return Response(detail, status=status.HTTP_400_BAD_REQUEST)
        body = self._serialize(request, encounter)
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @staticmethod
    def _serialize(request: Request, encounter: Encounter) -> dict[str, Any]:
        view = encounter_view_of(request.user, encounter)
        if view == View.CLINICAL:
            return EncounterClinicalSerializer(encounter).data
        return EncounterPoliceSerializer(encounter).data
