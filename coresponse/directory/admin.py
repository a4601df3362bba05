"""Administrators edit the directory in the Django admin, limited to their own tenant."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet, URLField
from django.http import HttpRequest

from coresponse.accounts.access import access_for
from coresponse.directory import models


def _tenant_ids(request: HttpRequest) -> frozenset[int]:
    return access_for(request.user).admin_organization_ids


class TenantAdmin(admin.ModelAdmin):
    """Shows and saves only rows of the administrator's own organizations."""

    exclude = ("tenant",)
    readonly_fields = ("hsds_id",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(tenant_id__in=_tenant_ids(request))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change and not obj.tenant_id:
            obj.tenant_id = min(_tenant_ids(request), default=None) or obj.tenant_id
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for instance in formset.save(commit=False):
            if not instance.tenant_id:
                instance.tenant_id = form.instance.tenant_id
            instance.save()
        for deleted in formset.deleted_objects:
            deleted.delete()
        formset.save_m2m()

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if isinstance(db_field, URLField):
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        related = db_field.related_model
        if not request.user.is_superuser and any(
            field.name == "tenant" for field in related._meta.fields
        ):
            kwargs["queryset"] = related.objects.filter(tenant_id__in=_tenant_ids(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TenantInline(admin.TabularInline):
    exclude = ("tenant", "hsds_id")
    extra = 0


class PhoneInline(TenantInline):
    model = models.Phone
    fk_name = "service"
    fields = ("number", "extension", "type", "description")


class ScheduleInline(TenantInline):
    model = models.Schedule
    fk_name = "service"
    fields = (
        "freq",
        "interval",
        "byday",
        "bymonthday",
        "opens_at",
        "closes_at",
        "valid_from",
        "valid_to",
        "dtstart",
        "until",
        "count",
        "description",
    )


class ServiceAreaInline(TenantInline):
    model = models.ServiceArea
    fields = ("name", "description")


class LanguageInline(TenantInline):
    model = models.Language
    fk_name = "service"
    fields = ("name", "code", "note")


class CapacityInline(TenantInline):
    model = models.ServiceCapacity
    fields = ("unit", "available", "maximum", "description", "updated")


class AttributeInline(TenantInline):
    model = models.ServiceAttribute
    fields = ("taxonomy_term", "link_type", "value")


class ServiceAtLocationInline(TenantInline):
    model = models.ServiceAtLocation
    fields = ("location", "description")


@admin.register(models.Service)
class ServiceAdmin(TenantAdmin):
    list_display = ("name", "provider", "status", "assured_date", "is_outside_program")
    list_filter = ("status", "is_outside_program")
    search_fields = ("name", "alternate_name", "provider__name")
    inlines = [
        AttributeInline,
        CapacityInline,
        PhoneInline,
        ScheduleInline,
        ServiceAreaInline,
        LanguageInline,
        ServiceAtLocationInline,
    ]


@admin.register(models.ServiceProvider)
class ServiceProviderAdmin(TenantAdmin):
    list_display = ("name", "website", "email")
    search_fields = ("name",)


class AddressInline(TenantInline):
    model = models.Address


class LocationPhoneInline(PhoneInline):
    fk_name = "location"


class LocationScheduleInline(ScheduleInline):
    fk_name = "location"


class LocationLanguageInline(LanguageInline):
    fk_name = "location"


@admin.register(models.Location)
class LocationAdmin(TenantAdmin):
    list_display = ("name", "provider", "location_type")
    search_fields = ("name",)
    inlines = [AddressInline, LocationPhoneInline, LocationScheduleInline, LocationLanguageInline]


@admin.register(models.TaxonomyTerm)
class TaxonomyTermAdmin(TenantAdmin):
    list_display = ("name", "code", "taxonomy", "parent")
    search_fields = ("name", "code")


@admin.register(models.Unit)
class UnitAdmin(TenantAdmin):
    list_display = ("name", "scheme")
