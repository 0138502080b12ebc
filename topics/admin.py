from django.contrib import admin

from .models import (
    CollectionWindow,
    Comment,
    CommentReport,
    DeadlineReminderOptIn,
    Endorsement,
    PreConsultation,
    Topic,
    TopicEvent,
    TopicPhoto,
)


@admin.register(CollectionWindow)
class CollectionWindowAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "opens_at", "closes_at", "closed_at"]
    list_filter = ["community"]
    date_hierarchy = "closes_at"


class TopicPhotoInline(admin.TabularInline):
    model = TopicPhoto
    extra = 0


class TopicEventInline(admin.TabularInline):
    model = TopicEvent
    extra = 0
    readonly_fields = ["kind", "actor", "note", "payload", "created_at"]
    can_delete = False


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "community",
        "status",
        "category",
        "endorsement_count",
        "comment_count",
        "created_at",
    ]
    list_filter = ["status", "category", "community"]
    search_fields = ["title", "description"]
    raw_id_fields = ["submitter", "recorded_by", "window", "merged_into"]
    readonly_fields = ["endorsement_count", "comment_count"]
    inlines = [TopicPhotoInline, TopicEventInline]


@admin.register(Endorsement)
class EndorsementAdmin(admin.ModelAdmin):
    list_display = ["topic", "resident", "created_at"]
    raw_id_fields = ["topic", "resident"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "topic", "kind", "author", "created_at", "hidden_at"]
    list_filter = ["kind"]
    raw_id_fields = ["topic", "parent", "author", "author_resident", "hidden_by"]


@admin.register(CommentReport)
class CommentReportAdmin(admin.ModelAdmin):
    list_display = ["comment", "reporter", "created_at", "resolved_at"]
    raw_id_fields = ["comment", "reporter", "resolved_by"]


@admin.register(DeadlineReminderOptIn)
class DeadlineReminderOptInAdmin(admin.ModelAdmin):
    list_display = ["resident", "created_at"]
    raw_id_fields = ["resident"]


@admin.register(PreConsultation)
class PreConsultationAdmin(admin.ModelAdmin):
    list_display = ["topic", "position", "consulted_at", "logged_by"]
    list_filter = ["position"]
    raw_id_fields = [
        "topic",
        "resident",
        "organization",
        "logged_by",
    ]
