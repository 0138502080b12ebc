"""Admin for superusers; writes that matter go through the pages and services."""

from django.contrib import admin
from django.db import models

from .models import (
    AgendaItem,
    Attendance,
    AttendanceChange,
    Council,
    CouncilChange,
    Invitation,
    Meeting,
    Seat,
    SeatKind,
)


class SeatKindInline(admin.TabularInline):
    model = SeatKind
    extra = 0


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["__str__", "community", "collection_lead_days", "quorum_rule"]
    list_select_related = ["community"]
    inlines = [SeatKindInline]


@admin.register(CouncilChange)
class CouncilChangeAdmin(admin.ModelAdmin):
    list_display = ["summary", "council", "changed_by", "changed_at"]
    list_select_related = ["council__community", "changed_by"]
    readonly_fields = ["council", "changed_by", "changed_at", "summary", "changes"]


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):
    list_display = ["resident", "kind", "term_start", "term_end", "ended_on"]
    list_select_related = ["resident", "kind"]
    list_filter = ["kind__code"]
    raw_id_fields = ["resident", "alternate", "organization", "replaced_by"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    raw_id_fields = ["topic"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "starts_at", "status"]
    list_select_related = ["community"]
    list_filter = ["status"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["window"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # State moves go through the services (and notify people): not editable here.
    readonly_fields = [
        "status",
        "window",
        "agenda_published_at",
        "started_at",
        "concluded_at",
        "cancelled_at",
        "check_in_token",
    ]
    inlines = [AgendaItemInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "created_at"]
    list_select_related = ["resident", "organization", "agenda_item"]
    raw_id_fields = ["agenda_item", "meeting", "resident", "organization"]


class AttendanceChangeInline(admin.TabularInline):
    """The history of an attendance, read-only: changes go through the services."""

    model = AttendanceChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "previous_status", "status", "changed_by", "on_behalf"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "meeting", "role", "status", "on_behalf"]
    list_select_related = ["meeting", "resident", "invitation"]
    raw_id_fields = ["meeting", "resident", "seat", "invitation"]
    inlines = [AttendanceChangeInline]
