"""Log-in in two steps (password, then authenticator code), enrolment, log-out."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from coresponse.accounts import mfa, services
from coresponse.accounts.access import access_for
from coresponse.accounts.forms import (
    BreakGlassOpenForm,
    BreakGlassSearchForm,
    CodeStepForm,
    PasswordStepForm,
)
from coresponse.accounts.models import User
from coresponse.accounts.selectors import (
    break_glass_candidates,
    break_glass_grants_visible_to,
    grant_department_names,
)
from coresponse.accounts.sessions import ENDED_MESSAGES, ENDED_REASON
from coresponse.audit.models import AuditEvent
from coresponse.audit.services import audit_record, audit_record_many
from coresponse.common.http import AuthenticatedHttpRequest

PENDING_USER = "coresponse_mfa_user_id"
PENDING_SINCE = "coresponse_mfa_since"
PENDING_NEXT = "coresponse_mfa_next"
# The password step is good for five minutes; then the whole log-in starts again.
PENDING_SECONDS = 5 * 60


def _safe_next(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _pending_user(request: HttpRequest) -> User | None:
    user_id = request.session.get(PENDING_USER)
    since = request.session.get(PENDING_SINCE, 0)
    if user_id is None or time.time() - since > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


@login_not_required
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    """Step 1: username and password; the account is locked after repeated failures."""
    if request.user.is_authenticated:
        return redirect(_safe_next(request, request.GET.get("next", "")))
    form = PasswordStepForm(request.POST or None)
    ended = request.session.pop(ENDED_REASON, None)
    context: dict[str, Any] = {"form": form, "next": request.GET.get("next", "")}
    if ended in ENDED_MESSAGES:
        context["ended_message"] = ENDED_MESSAGES[ended]
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        known = User.objects.filter(username__iexact=username.strip()).first()
        if services.login_is_locked(username):
            services.login_refused_locked(user=known)
            form.add_error(None, services.locked_message())
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                services.login_failure_record(username=username, step="password", user=known)
                form.add_error(None, "Enter a correct username and password.")
            else:
                request.session.cycle_key()
                request.session[PENDING_USER] = user.pk
                request.session[PENDING_SINCE] = time.time()
                request.session[PENDING_NEXT] = request.POST.get("next", "")
                if mfa.has_second_factor(user):
                    return redirect("accounts:mfa")
                return redirect("accounts:mfa_enrol")
    return render(request, "accounts/login.html", context)


def _finish(request: HttpRequest, user: User, device: Any) -> str:
    target = _safe_next(request, request.session.get(PENDING_NEXT, ""))
    services.login_complete(request=request, user=user, device=device)
    return target


@login_not_required
@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def mfa_view(request: HttpRequest) -> HttpResponse:
    """Step 2: the authenticator code (or a recovery code)."""
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    if not mfa.has_second_factor(user):
        return redirect("accounts:mfa_enrol")
    form = CodeStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.login_is_locked(user.username):
            services.login_refused_locked(user=user)
            form.add_error(None, services.locked_message())
        else:
            device = mfa.verify_second_factor(user, form.cleaned_data["code"])
            if device is None:
                services.login_failure_record(username=user.username, step="code", user=user)
                form.add_error("code", "That code is not valid. Enter the current 6-digit code.")
            else:
                return redirect(_finish(request, user, device))
    return render(request, "accounts/mfa.html", {"form": form, "user_name": user.username})


@login_not_required
@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def mfa_enrol_view(request: HttpRequest) -> HttpResponse:
    """First log-in: scan the QR code, confirm one code, receive recovery codes once."""
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    if mfa.has_second_factor(user):
        return redirect("accounts:mfa")
    device = mfa.pending_totp_device(user)
    form = CodeStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = mfa.normalize_code(form.cleaned_data["code"])
        if code.isdigit() and device.verify_token(code):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = mfa.new_recovery_codes(user)
            audit_record(
                actor=user,
                action=AuditEvent.Action.UPDATE,
                object_type="user",
                object_id=user.pk,
                detail={"mfa": "enrolled"},
            )
            target = _finish(request, user, device)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": target})
        services.login_failure_record(username=user.username, step="enrol", user=user)
        form.add_error("code", "That code does not match. Scan the QR code again and retry.")
    context = {
        "form": form,
        "qr_svg": mfa.qr_svg(device.config_url),
        "secret": mfa.base32_secret(device),
    }
    return render(request, "accounts/mfa_enrol.html", context)


@method_decorator(login_not_required, name="dispatch")
class LogoutView(auth_views.LogoutView):
    """Log out; reachable after a session expired so the page still wipes device drafts."""

    template_name = "accounts/logged_out.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            audit_record(
                actor=request.user,
                action=AuditEvent.Action.LOGOUT,
                object_type="user",
                object_id=request.user.pk,
            )
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = "/"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(
            actor=self.request.user,
            action=AuditEvent.Action.UPDATE,
            object_type="user",
            object_id=self.request.user.pk,
            detail={"event": "password_changed"},
        )
        return response


def break_glass(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Emergency access: type a reason, find the person, open one record for 60 minutes."""
    if not access_for(request.user).is_clinical:
        raise PermissionDenied("Only clinicians and supervisors use emergency access.")
    form = BreakGlassSearchForm(request.POST or None)
    candidates: list[Any] = []
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        if len(values["reason"].strip()) < services.BREAK_GLASS_REASON_MIN_LENGTH:
            form.add_error(
                "reason",
                f"Describe the emergency in at least {services.BREAK_GLASS_REASON_MIN_LENGTH} "
                "characters; your supervisor will review it.",
            )
        else:
            candidates = break_glass_candidates(
                request.user,
                last_name=values["last_name"],
                first_name=values["first_name"],
                birth_year=values["birth_year"],
            )
            audit_record_many(
                actor=request.user,
                action=AuditEvent.Action.SEARCH,
                object_type="person",
                object_ids=[person.pk for person in candidates] or [""],
                detail={"break_glass": True},
            )
    context = {"form": form, "candidates": candidates, "searched": request.method == "POST"}
    return render(request, "accounts/break_glass.html", context)


def break_glass_open(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Grant the emergency access to the chosen person and open their page."""
    if request.method != "POST":
        return HttpResponse(status=405)
    form = BreakGlassOpenForm(request.POST)
    if not form.is_valid():
        return redirect("accounts:break_glass")
    try:
        grant = services.break_glass_open(
            actor=request.user,
            person_id=form.cleaned_data["person"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        if "No person found." in error.messages:
            raise Http404("No person found.") from None
        raise PermissionDenied(" ".join(error.messages)) from None
    return redirect("people:detail", grant.person_id)


def break_glass_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every emergency access the supervisor (their staff, their people) or admin reviews."""
    access = access_for(request.user)
    if not (access.is_supervisor or access.is_administrator):
        raise PermissionDenied("Supervisors and administrators review emergency access.")
    grants = list(break_glass_grants_visible_to(request.user)[:500])
    towns = grant_department_names(grants)
    rows = [(grant, towns.get(grant.person_id, [])) for grant in grants]
    return render(request, "accounts/break_glass_log.html", {"grants": grants, "rows": rows})
