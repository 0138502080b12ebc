"""Django admin for superusers only; everyone else uses the pages."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import (
    Community,
    District,
    LoginLink,
    Membership,
    MobileChange,
    Organization,
    Resident,
    ResidentImport,
    User,
)
from .selectors import HOME_ORGANIZATIONS
from .services import community_setup


class SuperuserOnly:
    """Hide the model from anyone but superusers, whatever permissions they hold."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, *args):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["community", "organization"]


class HomeOrganizationsChanged:
    """An admin edit changes the community home's five-society section too."""

    def _changed(self, community_ids) -> None:
        for community_id in set(community_ids):
            HOME_ORGANIZATIONS.changed(str(community_id))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # the members, last
        self._changed([form.instance.community_id])

    def delete_model(self, request, obj):
        self._changed([obj.community_id])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self._changed(queryset.values_list("community_id", flat=True))
        super().delete_queryset(request, queryset)


@admin.register(User)
class UserAdmin(SuperuserOnly, BaseUserAdmin):
    list_display = ["username", "display_name", "mobile", "email", "is_active"]
    search_fields = ["username", "display_name", "mobile", "email"]
    list_filter = ["is_active", "is_superuser", "language", "must_change_password"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (
            _("Yishihui"),
            {
                "fields": [
                    "display_name",
                    "mobile",
                    "language",
                    "must_change_password",
                    "one_time_code_expires_at",
                ]
            },
        ),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (_("Yishihui"), {"fields": ["display_name", "mobile"]}),
    ]
    inlines = [MembershipInline]


@admin.register(District)
class DistrictAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["name", "region_path"]
    search_fields = ["name"]


@admin.register(Community)
class CommunityAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["name", "slug", "district", "region_path", "population"]
    list_filter = ["district"]
    search_fields = ["name", "slug", "region_path"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            community_setup(community=obj)


@admin.register(Membership)
class MembershipAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["user", "role", "community", "district", "organization"]
    list_filter = ["role", "district"]
    search_fields = ["user__username", "user__display_name", "user__mobile"]
    autocomplete_fields = ["user", "community", "organization"]
    list_select_related = ["user", "community", "district", "organization"]


@admin.register(Resident)
class ResidentAdmin(HomeOrganizationsChanged, SuperuserOnly, admin.ModelAdmin):
    list_display = ["name", "community", "mobile", "building", "unit", "room"]
    list_filter = [
        "community",
        "is_elderly_alone",
        "is_left_behind_child",
        "has_disability",
    ]
    search_fields = ["name", "mobile", "household"]
    autocomplete_fields = ["user"]
    list_select_related = ["community"]
    show_full_result_count = False


@admin.register(Organization)
class OrganizationAdmin(HomeOrganizationsChanged, SuperuserOnly, admin.ModelAdmin):
    list_display = ["name", "kind", "community", "contact_name"]
    list_filter = ["kind", "community"]
    search_fields = ["name"]
    raw_id_fields = ["members"]
    list_select_related = ["community"]


@admin.register(ResidentImport)
class ResidentImportAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = [
        "file_name",
        "community",
        "status",
        "total_rows",
        "valid_rows",
        "error_rows",
        "imported_count",
        "created_at",
    ]
    list_filter = ["status", "community"]
    readonly_fields = [
        "community",
        "created_by",
        "file_name",
        "file_format",
        "columns",
        "preview",
        "report",
        "total_rows",
        "valid_rows",
        "error_rows",
        "imported_count",
        "progress",
        "failure",
        "created_at",
        "finished_at",
    ]
    exclude = ["rows"]
    list_select_related = ["community"]

    def has_add_permission(self, request, *args):
        return False  # imports start from the upload page, which checks the file


@admin.register(LoginLink)
class LoginLinkAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["resident", "user", "status", "created_at", "expires_at"]
    list_filter = ["status"]
    search_fields = ["user__username", "mobile"]
    readonly_fields = [
        "resident",
        "user",
        "created_by",
        "mobile",
        "expires_at",
        "attempts",
        "status",
        "created_at",
        "decided_at",
    ]
    exclude = ["code_hash"]
    list_select_related = ["resident", "user"]

    def has_add_permission(self, request, *args):
        return False  # staff offer a record from the resident's page


@admin.register(MobileChange)
class MobileChangeAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["user", "status", "created_at", "expires_at"]
    list_filter = ["status"]
    search_fields = ["user__username", "mobile"]
    readonly_fields = [
        "user",
        "mobile",
        "expires_at",
        "attempts",
        "status",
        "created_at",
        "decided_at",
    ]
    exclude = ["code_hash"]
    list_select_related = ["user"]

    def has_add_permission(self, request, *args):
        return False  # people change their number on their profile
