from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from coresponse.accounts import mfa
from coresponse.accounts.access import access_for
from coresponse.accounts.models import Membership, User
from coresponse.accounts.services import end_sessions_of, login_unlock, user_set_active


@login_not_required
def _admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    # The admin's own log-in form asks for a password only: send everyone through the
    # two-step log-in instead.
    return redirect_to_login(request.GET.get("next", "/admin/"))


admin.site.login = _admin_login  # type: ignore[method-assign]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "is_active", "last_login"]
    actions = ["reset_authenticator", "unlock_account", "disable_accounts"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        """Administrators manage the users of their own organizations only."""
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        organizations = access_for(request.user).admin_organization_ids
        return queryset.filter(memberships__organization_id__in=organizations).distinct()

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        was_active = change and User.objects.filter(pk=obj.pk, is_active=True).exists()
        super().save_model(request, obj, form, change)
        if was_active and not obj.is_active:
            end_sessions_of(obj)

    @admin.action(description="Reset authenticator (user enrols again at next log-in)")
    def reset_authenticator(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            mfa.reset_second_factor(user)
            end_sessions_of(user)
        messages.success(request, f"Reset the authenticator of {queryset.count()} user(s).")

    @admin.action(description="Unlock after failed log-ins")
    def unlock_account(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            login_unlock(actor=request.user, user=user)  # type: ignore[arg-type]
        messages.success(request, f"Unlocked {queryset.count()} user(s).")

    @admin.action(description="Disable and end their sessions now")
    def disable_accounts(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            user_set_active(actor=request.user, user=user, is_active=False)
        messages.success(request, f"Disabled {queryset.count()} user(s).")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organization", "program", "department", "is_active"]
    list_filter = ["role", "organization", "is_active"]
    search_fields = ["user__username", "user__last_name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(organization_id__in=access_for(request.user).admin_organization_ids)
