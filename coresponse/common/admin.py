from django.contrib import admin

from coresponse.common.models import Code


@admin.register(Code)
class CodeAdmin(admin.ModelAdmin):
    list_display = ["label", "key", "code_list", "sort_order", "is_active", "is_system"]
    list_filter = ["code_list", "is_active"]
    search_fields = ["label", "key"]

    def get_readonly_fields(self, request, obj=None):
        # Measures refer to seeded codes by key; renaming one would silently break them.
        return ["key", "code_list"] if obj is not None and obj.is_system else []

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_system
