from django.contrib import admin

from coresponse.programs.models import Department, Organization, Program, ProgramDepartment


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "time_zone"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "state", "population"]
    list_filter = ["organization", "state"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class ProgramDepartmentInline(admin.TabularInline):
    model = ProgramDepartment
    extra = 1


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "organization"]
    list_filter = ["organization"]
    inlines = [ProgramDepartmentInline]
    prepopulated_fields = {"slug": ["name"]}
