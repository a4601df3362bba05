"""Referrals and follow-ups in the REST API: the same scoping and field policy as the pages.

Officers and liaisons see no referral at all and only the follow-up requests of their
department, with police fields; they create follow-ups only as requests.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from coresponse.accounts.access import access_for
from coresponse.accounts.models import User
from coresponse.audit.services import audit_reads
from coresponse.common.ids import lookup_id
from coresponse.directory.selectors import services_visible_to
from coresponse.encounters.selectors import encounters_clinically_visible_to
from coresponse.people.selectors import people_visible_to
from coresponse.referrals import selectors, services
from coresponse.referrals.models import FollowUp, Referral, ReferralStatusChange


def _error_response(error: DjangoValidationError) -> Response:
    detail = (
        error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
    )
    return Response(detail, status=status.HTTP_400_BAD_REQUEST)


def _pk(value: str | None) -> int:
    return lookup_id(value)


class StatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReferralStatusChange
        fields = ["from_status", "to_status", "changed_at", "changed_by", "note"]


class ReferralSerializer(serializers.ModelSerializer):
    """A referral as the program's clinical staff read it."""

    service_name = serializers.CharField(source="service.name", read_only=True)
    changes = StatusChangeSerializer(many=True, read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "encounter",
            "person",
            "department",
            "service",
            "service_name",
            "kind",
            "is_voluntary",
            "status",
            "outcome",
            "reason",
            "referred_at",
            "appointment_at",
            "attended_at",
            "outcome_at",
            "closed_at",
            "shares_information",
            "shares_part2",
            "consent",
            "created_by",
            "changes",
        ]
        read_only_fields = fields


def _actor(serializer: serializers.Serializer) -> Any:
    # The OpenAPI generator builds serializers without a request: it then sees nothing.
    request = serializer.context.get("request")
    return request.user if request is not None else AnonymousUser()


def _related(queryset: Any, **kwargs: Any) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(queryset=queryset, **kwargs)


class ReferralCreateSerializer(serializers.Serializer):
    client_key = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=Referral.Kind.choices)
    is_voluntary = serializers.BooleanField(default=True)
    appointment_at = serializers.DateTimeField(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    shares_part2 = serializers.BooleanField(default=False)
    create_follow_up = serializers.BooleanField(default=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = _actor(self)
        self.fields["encounter"] = _related(encounters_clinically_visible_to(user))
        self.fields["service"] = _related(services_visible_to(user))


class StatusInputSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=Referral.Status.choices)
    expected_status = serializers.ChoiceField(
        choices=Referral.Status.choices, required=False, allow_null=True
    )
    occurred_at = serializers.DateTimeField(required=False, allow_null=True)
    appointment_at = serializers.DateTimeField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


_TYPED_ID = extend_schema(
    parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)]
)


@extend_schema_view(retrieve=_TYPED_ID, status=_TYPED_ID)
class ReferralViewSet(viewsets.ViewSet):
    """Referrals the acting user sees clinically; create from an encounter; move along."""

    serializer_class = ReferralSerializer
    lookup_value_regex = "[0-9]+"

    def list(self, request: Request) -> Response:
        queryset = (
            selectors.referrals_visible_to(request.user)
            .select_related("service")
            .prefetch_related("changes")
            .order_by("-referred_at", "-id")
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(queryset, request, view=self) or []
        audit_reads(actor=request.user, object_type="referral", objects=page)
        return paginator.get_paginated_response(ReferralSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(ReferralSerializer(selectors.referral_get(request.user, _pk(pk))).data)

    def create(self, request: Request) -> Response:
        serializer = ReferralCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        data = services.ReferralInput(
            service=values["service"],
            kind=values["kind"],
            is_voluntary=values["is_voluntary"],
            appointment_at=values.get("appointment_at"),
            reason=values["reason"],
            shares_part2=values["shares_part2"],
            create_follow_up=values["create_follow_up"],
        )
        try:
            referral, created = services.referral_create(
                actor=cast(User, request.user),
                encounter=values["encounter"],
                data=data,
                client_key=values["client_key"],
            )
        except DjangoValidationError as error:
            return _error_response(error)
        body = ReferralSerializer(selectors.referral_get(request.user, referral.pk)).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @action(detail=True, methods=["post"], serializer_class=StatusInputSerializer)
    def status(self, request: Request, pk: str | None = None) -> Response:
        """Record the next step of the referral's lifecycle."""
        referral = selectors.referral_get(request.user, _pk(pk))
        serializer = StatusInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        try:
            services.referral_change_status(
                actor=cast(User, request.user),
                referral=referral,
                to_status=values["to_status"],
                expected_status=values.get("expected_status"),
                occurred_at=values.get("occurred_at"),
                appointment_at=values.get("appointment_at"),
                note=values["note"],
            )
        except DjangoValidationError as error:
            return _error_response(error)
        return Response(ReferralSerializer(selectors.referral_get(request.user, referral.pk)).data)


class FollowUpSerializer(serializers.ModelSerializer):
    """A follow-up as the program's clinical staff read it."""

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "person",
            "department",
            "encounter",
            "referral",
            "method",
            "reason",
            "due_at",
            "assignee",
            "requested_by",
            "request_note",
            "status",
            "result",
            "outcome",
            "completed_at",
            "completed_by",
        ]
        read_only_fields = fields


class FollowUpRequestSerializer(serializers.ModelSerializer):
    """An officer's request as police see it: no clinical reason, result or outcome."""

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "person",
            "department",
            "requested_by",
            "request_note",
            "status",
            "created_at",
            "completed_at",
        ]
        read_only_fields = fields


class FollowUpCreateSerializer(serializers.Serializer):
    client_key = serializers.UUIDField()
    due_at = serializers.DateTimeField()
    method = serializers.ChoiceField(choices=FollowUp.Method.choices, default="phone")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = _actor(self)
        self.fields["encounter"] = _related(
            encounters_clinically_visible_to(user), required=False, allow_null=True
        )
        self.fields["referral"] = _related(
            selectors.referrals_visible_to(user), required=False, allow_null=True
        )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("encounter") and not attrs.get("referral"):
            raise serializers.ValidationError(
                {"encounter": ["Give the encounter or the referral this follow-up belongs to."]}
            )
        return attrs


class FollowUpAskSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"] = _related(people_visible_to(_actor(self)))


class CompleteSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=FollowUp.Result.choices)
    outcome = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    completed_at = serializers.DateTimeField(required=False, allow_null=True)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class AssignSerializer(serializers.Serializer):
    assignee = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))


@extend_schema_view(retrieve=_TYPED_ID, complete=_TYPED_ID, cancel=_TYPED_ID, assign=_TYPED_ID)
class FollowUpViewSet(viewsets.ViewSet):
    """Follow-ups: clinicians see their program's; officers see and make requests only."""

    serializer_class = FollowUpSerializer
    lookup_value_regex = "[0-9]+"

    @staticmethod
    def _is_police_only(request: Request) -> bool:
        access = access_for(request.user)
        return bool(access.police_department_ids) and not access.is_clinical

    def list(self, request: Request) -> Response:
        police = self._is_police_only(request)
        queryset = (
            selectors.follow_up_requests_visible_to(request.user)
            if police
            else selectors.follow_ups_visible_to(request.user)
        ).order_by("due_at", "id")
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(queryset, request, view=self) or []
        audit_reads(actor=request.user, object_type="follow_up", objects=page)
        serializer = FollowUpRequestSerializer if police else FollowUpSerializer
        return paginator.get_paginated_response(serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        if not self._is_police_only(request):
            return Response(FollowUpSerializer(selectors.follow_up_get(request.user, _pk(pk))).data)
        request_row = (
            selectors.follow_up_requests_visible_to(request.user).filter(pk=_pk(pk)).first()
        )
        if request_row is None:
            raise Http404("No follow-up found.")
        audit_reads(actor=request.user, object_type="follow_up", objects=[request_row])
        return Response(FollowUpRequestSerializer(request_row).data)

    def create(self, request: Request) -> Response:
        actor = cast(User, request.user)
        if self._is_police_only(request):
            ask = FollowUpAskSerializer(data=request.data, context={"request": request})
            ask.is_valid(raise_exception=True)
            try:
                created = services.follow_up_request(
                    actor=actor,
                    person=ask.validated_data["person"],
                    note=ask.validated_data["note"],
                )
            except DjangoValidationError as error:
                return _error_response(error)
            return Response(FollowUpRequestSerializer(created).data, status=status.HTTP_201_CREATED)
        serializer = FollowUpCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        data = services.FollowUpInput(
            due_at=values["due_at"],
            method=values["method"],
            reason=values["reason"],
            assignee=values.get("assignee"),
        )
        try:
            follow_up, was_created = services.follow_up_create(
                actor=actor,
                encounter=values.get("encounter"),
                referral=values.get("referral"),
                data=data,
                client_key=values["client_key"],
            )
        except DjangoValidationError as error:
            return _error_response(error)
        return Response(
            FollowUpSerializer(follow_up).data,
            status=status.HTTP_201_CREATED if was_created else status.HTTP_200_OK,
        )

    @action(detail=True, methods=["post"], serializer_class=CompleteSerializer)
    def complete(self, request: Request, pk: str | None = None) -> Response:
        """Record the follow-up done, with how it went."""
        follow_up = selectors.follow_up_get(request.user, _pk(pk))
        serializer = CompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            done = services.follow_up_complete(
                actor=cast(User, request.user), follow_up=follow_up, **serializer.validated_data
            )
        except DjangoValidationError as error:
            return _error_response(error)
        return Response(FollowUpSerializer(done).data)

    @action(detail=True, methods=["post"], serializer_class=CancelSerializer)
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """Cancel an open follow-up, saying why."""
        follow_up = selectors.follow_up_get(request.user, _pk(pk))
        serializer = CancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            cancelled = services.follow_up_cancel(
                actor=cast(User, request.user),
                follow_up=follow_up,
                reason=serializer.validated_data["reason"],
            )
        except DjangoValidationError as error:
            return _error_response(error)
        return Response(FollowUpSerializer(cancelled).data)

    @action(detail=True, methods=["post"], serializer_class=AssignSerializer)
    def assign(self, request: Request, pk: str | None = None) -> Response:
        """Give the follow-up to another clinician (supervisors), or take a request."""
        follow_up = selectors.follow_up_get(request.user, _pk(pk))
        serializer = AssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            moved = services.follow_up_reassign(
                actor=cast(User, request.user),
                follow_up=follow_up,
                assignee=serializer.validated_data["assignee"],
            )
        except DjangoValidationError as error:
            return _error_response(error)
        return Response(FollowUpSerializer(moved).data)
