"""Measures in the REST API: the same release, roles and suppression as the pages."""

from __future__ import annotations

import datetime
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from coresponse.reporting.dashboard import dashboard_names
from coresponse.reporting.measures.registry import MEASURES
from coresponse.reporting.results import ReleaseError, build_release, release_json
from coresponse.reporting.scopes import KINDS, report_scope


class MeasuresQuery(serializers.Serializer):
    """?from=YYYY-MM-DD&to=YYYY-MM-DD (exclusive)&by=month|quarter|year&measure=NAME…"""

    start = serializers.DateField()
    end = serializers.DateField()
    by = serializers.ChoiceField(choices=["month", "quarter", "year"], default="month")
    measure = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(MEASURES)), required=False
    )


def _query(request: Request) -> dict[str, Any]:
    params = request.query_params
    return {
        "start": params.get("from"),
        "end": params.get("to"),
        "by": params.get("by", "month"),
        **({"measure": params.getlist("measure")} if params.getlist("measure") else {}),
    }


class MeasuresView(APIView):
    """Every measure of one department, program or organization, by period."""

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="First day, YYYY-MM-DD"),
            OpenApiParameter("to", str, description="First day after the period, YYYY-MM-DD"),
            OpenApiParameter("by", str, enum=["month", "quarter", "year"]),
            OpenApiParameter("measure", str, many=True),
        ],
        responses={200: dict},
    )
    def get(self, request: Request, kind: str, pk: int) -> Response:
        if kind not in KINDS:
            return Response({"detail": "No figures found."}, status=status.HTTP_404_NOT_FOUND)
        scope = report_scope(request.user, kind, pk)
        query = MeasuresQuery(data=_query(request))
        query.is_valid(raise_exception=True)
        start: datetime.date = query.validated_data["start"]
        allowed = dashboard_names(scope)
        names = query.validated_data.get("measure") or allowed
        if set(names) - set(allowed):
            return Response(
                {"measure": ["Clinical measures are not shown to police roles."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            release = build_release(
                scope.selection(start, query.validated_data["end"]),
                by=query.validated_data["by"],
                names=names,
                suppressed=scope.is_suppressed,
            )
        except ReleaseError as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        info = {"kind": scope.kind, "id": scope.object_id, "name": scope.name}
        return Response(release_json(release, info))
