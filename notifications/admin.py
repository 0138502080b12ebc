from django.contrib import admin

from .models import Delivery, LoggedSms, Notification, NotificationPreference


class DeliveryInline(admin.TabularInline):
    model = Delivery
    fk_name = "notification"
    extra = 0
    fields = ["channel", "address", "status", "attempts", "last_error", "sent_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "subject",
        "kind",
        "community",
        "user",
        "resident",
        "created_at",
        "read_at",
    ]
    list_filter = ["kind", "community"]
    search_fields = ["subject", "dedupe_key", "user__username", "resident__name"]
    raw_id_fields = ["user", "resident", "community"]
    date_hierarchy = "created_at"
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "notification",
        "channel",
        "status",
        "attempts",
        "sent_at",
        "updated_at",
    ]
    list_filter = ["status", "channel"]
    search_fields = ["address", "notification__subject", "last_error"]
    raw_id_fields = ["notification", "digest"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "email_enabled",
        "sms_enabled",
        "sms_quiet_hours",
        "daily_digest",
    ]
    raw_id_fields = ["user", "resident"]


@admin.register(LoggedSms)
class LoggedSmsAdmin(admin.ModelAdmin):
    list_display = ["mobile", "template_code", "text", "reference", "created_at"]
    search_fields = ["mobile", "text", "reference"]
