from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from coresponse.accounts.models import Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "is_active", "last_login"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organization", "program", "department", "is_active"]
    list_filter = ["role", "organization", "is_active"]
    search_fields = ["user__username", "user__last_name"]
