"""Helpers shared by the referral and follow-up pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from coresponse.accounts.access import access_for
from coresponse.common.http import AuthenticatedHttpRequest


def add_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
    else:
        for problem in error.messages:
            form.add_error(None, problem)


def message_of(error: ValidationError) -> str:
    return " ".join(error.messages)


def back(request: AuthenticatedHttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


def require_clinical(request: AuthenticatedHttpRequest) -> None:
    if not access_for(request.user).is_clinical:
        raise PermissionDenied("Referrals and follow-ups are the clinicians' work.")
