"""Admin for superusers: read-only. Outcomes, pledges, action items, ratings and
minutes change through the services (pages and tasks), so every rule holds: counters
stay equal to their rows and published minutes keep their versions."""

from django.contrib import admin

from .models import (
    ActionItem,
    ActionUpdate,
    Minutes,
    MinutesConfirmation,
    MinutesVersion,
    Outcome,
    Pledge,
    PledgeNeed,
    PledgeReceipt,
    SatisfactionRating,
)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ActionItemInline(ReadOnlyMixin, admin.TabularInline):
    model = ActionItem
    extra = 0
    fields = [
        "description",
        "owner_organization",
        "owner_resident",
        "owner_user",
        "due_on",
        "status",
    ]


class NeedInline(ReadOnlyMixin, admin.TabularInline):
    model = PledgeNeed
    extra = 0
    fields = ["description", "quantity", "unit", "pledged_total", "received_total"]


@admin.register(Outcome)
class OutcomeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "community",
        "meeting",
        "status",
        "action_done",
        "action_total",
        "rating_count",
    ]
    list_filter = ["status", "community"]
    list_select_related = ["community", "meeting", "agenda_item"]
    search_fields = ["decision", "agenda_item__title"]
    raw_id_fields = ["agenda_item", "meeting", "topic", "voting_round"]
    inlines = [NeedInline, ActionItemInline]


@admin.register(Pledge)
class PledgeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "need",
        "quantity",
        "received_quantity",
        "status",
        "pledged_at",
    ]
    list_filter = ["status"]
    list_select_related = ["need", "resident", "organization"]


@admin.register(PledgeReceipt)
class PledgeReceiptAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["pledge", "quantity", "received_on", "recorded_by"]
    list_select_related = [
        "pledge__need",
        "pledge__resident",
        "pledge__organization",
        "recorded_by",
    ]


@admin.register(ActionUpdate)
class ActionUpdateAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["__str__", "action_item", "status", "author", "created_at"]
    list_select_related = ["action_item", "author"]


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["outcome", "resident", "score", "created_at", "updated_at"]
    list_select_related = ["outcome__agenda_item", "resident"]


class VersionInline(ReadOnlyMixin, admin.TabularInline):
    model = MinutesVersion
    extra = 0
    fields = [
        "number",
        "created_at",
        "created_by",
        "reason",
        "content_hash",
        "pdf",
        "pdf_built_at",
    ]


@admin.register(Minutes)
class MinutesAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["__str__", "community", "status", "current_version", "published_at"]
    list_filter = ["status", "community"]
    list_select_related = ["meeting", "community"]
    inlines = [VersionInline]


@admin.register(MinutesConfirmation)
class MinutesConfirmationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["version", "resident", "confirmed_at"]
    list_select_related = ["version__minutes__meeting", "resident"]
