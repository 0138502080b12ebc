"""Admin for superusers: read-only. Votes are opened, cast and closed through the
services (pages and tasks), so every rule holds; ballots are never edited by hand."""

from django.contrib import admin

from .models import (
    Ballot,
    BallotReceipt,
    Option,
    Proxy,
    RoundEvent,
    RoundResult,
    VotingRound,
)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OptionInline(ReadOnlyMixin, admin.TabularInline):
    model = Option
    extra = 0
    fields = ["position", "code", "text"]


class RoundEventInline(ReadOnlyMixin, admin.TabularInline):
    model = RoundEvent
    extra = 0
    fields = ["created_at", "kind", "actor", "note", "payload"]


@admin.register(VotingRound)
class VotingRoundAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "question",
        "community",
        "meeting",
        "status",
        "ballot",
        "electorate",
        "closes_at",
    ]
    list_filter = ["status", "ballot", "electorate", "kind"]
    list_select_related = ["community", "meeting"]
    search_fields = ["question"]
    inlines = [OptionInline, RoundEventInline]


@admin.register(RoundResult)
class RoundResultAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["voting_round", "ballots_cast", "electorate_size", "passed"]
    list_select_related = ["voting_round"]


@admin.register(BallotReceipt)
class BallotReceiptAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["voting_round", "voter", "via", "cast_by", "cast_at"]
    list_select_related = ["voting_round", "voter", "cast_by"]
    exclude = ["salt"]


@admin.register(Ballot)
class BallotAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["code", "voting_round"]
    list_select_related = ["voting_round"]
    exclude = ["salt"]


@admin.register(Proxy)
class ProxyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["resident", "voting_round", "recorded_by", "recorded_at"]
    list_select_related = ["resident", "voting_round", "recorded_by"]
