"""Meetings: statuses, the transitions between them, and what each allows."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from core.display import format_when, local_day
from residents.models import Community
from topics.models import CollectionWindow

from .charter import Council

# How far ahead a meeting may be planned, and how long one may last.
MEETING_HORIZON = timedelta(days=5 * 365)
MEETING_MAX_LENGTH = timedelta(hours=24)
# The self check-in QR code changes this often; a code works while it is the
# current one or the one before (a scan at the turn of a period still counts).
CHECK_IN_CODE_PERIOD = timedelta(minutes=2)


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SCHEDULED = "scheduled", _("scheduled")
    COLLECTING = "collecting", _("collecting topics")
    AGENDA_PUBLISHED = "agenda_published", _("agenda published")
    IN_PROGRESS = "in_progress", _("in progress")
    CONCLUDED = "concluded", _("concluded")
    CANCELLED = "cancelled", _("cancelled")


# Which status may follow which; the services enforce it.
MEETING_TRANSITIONS = {
    MeetingStatus.DRAFT: {
        MeetingStatus.SCHEDULED,
        MeetingStatus.COLLECTING,
        MeetingStatus.CANCELLED,
    },
    MeetingStatus.SCHEDULED: {
        MeetingStatus.COLLECTING,
        MeetingStatus.AGENDA_PUBLISHED,
        MeetingStatus.CANCELLED,
    },
    MeetingStatus.COLLECTING: {
        MeetingStatus.AGENDA_PUBLISHED,
        MeetingStatus.CANCELLED,
    },
    MeetingStatus.AGENDA_PUBLISHED: {
        MeetingStatus.IN_PROGRESS,
        MeetingStatus.CANCELLED,
    },
    MeetingStatus.IN_PROGRESS: {MeetingStatus.CONCLUDED},
    MeetingStatus.CONCLUDED: set(),
    MeetingStatus.CANCELLED: set(),
}


def _reachable(start) -> set:
    """Every status a meeting in `start` can still reach, `start` included."""
    seen, todo = {start}, [start]
    while todo:
        for following in MEETING_TRANSITIONS[todo.pop()]:
            if following not in seen:
                seen.add(following)
                todo.append(following)
    return seen


# What a meeting allows in each status, derived from the table above so that no
# page or service spells the table out again.
UPCOMING_STATUSES = [s for s in MeetingStatus if MEETING_TRANSITIONS[s]]
# The meeting has yet to open: "in progress" is still ahead.
BEFORE_OPENING_STATUSES = frozenset(
    s for s in MeetingStatus if MeetingStatus.IN_PROGRESS in _reachable(s) - {s}
)
# Topics are collected while the agenda can still be published next.
COLLECTING_STATUSES = frozenset(
    s for s in MeetingStatus if MeetingStatus.AGENDA_PUBLISHED in MEETING_TRANSITIONS[s]
)
# Once published, the agenda stays public (unless the meeting is cancelled).
AGENDA_PUBLIC_STATUSES = frozenset(
    _reachable(MeetingStatus.AGENDA_PUBLISHED) - {MeetingStatus.CANCELLED}
)
# Staff record attendance from the published agenda until the meeting ends.
ATTENDANCE_STATUSES = frozenset(
    s for s in AGENDA_PUBLIC_STATUSES if MEETING_TRANSITIONS[s]
)
# People check themselves in only while the meeting can be concluded next.
SELF_CHECK_IN_STATUSES = frozenset(
    s for s in MeetingStatus if MeetingStatus.CONCLUDED in MEETING_TRANSITIONS[s]
)
# Invitees are reminded of meetings in these states.
ANNOUNCED_STATUSES = [
    s
    for s in MeetingStatus
    if s in BEFORE_OPENING_STATUSES and s != MeetingStatus.DRAFT
]


@dataclass(frozen=True)
class MeetingAction:
    """A step staff may take on a meeting now (a button on the meeting page)."""

    key: str  # the action in the URL: council:meeting_action, or "cancel"
    label: str
    style: str  # Bootstrap button style
    confirm: str = ""  # when set, the step asks for confirmation, saying why


# The step that moves a meeting into each status.
ACTION_INTO = {
    MeetingStatus.COLLECTING: (
        "announce",
        _("Schedule and open topic collection"),
        "primary",
    ),
    MeetingStatus.AGENDA_PUBLISHED: ("publish", _("Publish the agenda"), "primary"),
    MeetingStatus.IN_PROGRESS: ("start", _("Open the meeting"), "success"),
    MeetingStatus.CONCLUDED: ("conclude", _("Conclude the meeting"), "primary"),
    MeetingStatus.CANCELLED: ("cancel", _("Cancel the meeting"), "outline-danger"),
}


class MeetingQuerySet(models.QuerySet):
    def upcoming(self):
        return self.filter(status__in=UPCOMING_STATUSES)

    def past(self):
        return self.filter(
            status__in=[MeetingStatus.CONCLUDED, MeetingStatus.CANCELLED]
        )


def _new_token() -> str:
    return secrets.token_urlsafe(16)


class Meeting(models.Model):
    """A council meeting (议事会议)."""

    council = models.ForeignKey(
        Council,
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("residents' council"),
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("community"),
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("address"), max_length=200, blank=True)
    room = models.CharField(_("meeting room"), max_length=100, blank=True)
    online_link = models.URLField(_("online meeting link"), blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MeetingStatus.choices,
        default=MeetingStatus.DRAFT,
    )
    window = models.OneToOneField(
        CollectionWindow,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting",
        verbose_name=_("topic collection period"),
    )
    check_in_token = models.CharField(max_length=40, default=_new_token, unique=True)
    agenda_published_at = models.DateTimeField(
        _("agenda published"), null=True, blank=True
    )
    started_at = models.DateTimeField(_("opened"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("concluded"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.CharField(_("why cancelled"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scheduled by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
            )
        ]
        indexes = [
            models.Index(
                fields=["community", "status", "starts_at"],
                name="meeting_comm_status_idx",
            ),
            models.Index(fields=["status", "starts_at"], name="meeting_status_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "council:meeting",
            kwargs={"community": self.community.slug, "pk": self.pk},
        )

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError(
                {"ends_at": _("The meeting must end after it starts.")}
            )

    # -- what the meeting allows now (ask these; never compare status strings) --

    @property
    def is_draft(self) -> bool:
        return self.status == MeetingStatus.DRAFT

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def is_in_progress(self) -> bool:
        return self.status == MeetingStatus.IN_PROGRESS

    @property
    def is_finished(self) -> bool:
        return not MEETING_TRANSITIONS.get(self.status)

    @property
    def before_opening(self) -> bool:
        """The meeting has yet to open: time left until it counts down."""
        return self.status in BEFORE_OPENING_STATUSES

    @property
    def agenda_editable(self) -> bool:
        """Items may be added, moved and removed until the meeting opens."""
        return self.status in BEFORE_OPENING_STATUSES

    @property
    def can_reschedule(self) -> bool:
        return self.status in BEFORE_OPENING_STATUSES

    @property
    def agenda_is_public(self) -> bool:
        """Everyone who sees the meeting may read its agenda."""
        if self.status == MeetingStatus.CANCELLED:
            return self.agenda_published_at is not None
        return self.status in AGENDA_PUBLIC_STATUSES

    @property
    def shows_quorum(self) -> bool:
        return self.status in AGENDA_PUBLIC_STATUSES

    @property
    def attendance_open(self) -> bool:
        """Staff record attendance (on behalf of anyone)."""
        return self.status in ATTENDANCE_STATUSES

    @property
    def self_check_in_open(self) -> bool:
        """Representatives and invitees check themselves in (QR)."""
        return self.status in SELF_CHECK_IN_STATUSES

    def collection_open(self, now=None) -> bool:
        """Residents' topics go into this meeting's collection right now."""
        now = now or timezone.now()
        window = self.window if self.window_id else None
        return (
            self.status in COLLECTING_STATUSES
            and window is not None
            and window.is_open(now)
        )

    @property
    def collection_is_open(self) -> bool:
        return self.collection_open()

    def publishing_closes_collection(self, now=None) -> bool:
        """Publishing now would end topic collection before its deadline."""
        now = now or timezone.now()
        window = self.window if self.window_id else None
        return (
            self.status in COLLECTING_STATUSES
            and window is not None
            and window.closed_at is None
            and now < window.closes_at
        )

    def opens_before_its_day(self, now=None) -> bool:
        """Opening now would be on an earlier day than the one scheduled."""
        if self.starts_at is None:
            return False
        return local_day(now or timezone.now()) < local_day(self.starts_at)

    def confirmation_for(self, key: str, now=None) -> str:
        """Why step `key` needs confirming now, or "" when it does not."""
        if key == "publish" and self.publishing_closes_collection(now):
            return str(
                _(
                    "Topic collection is open until %(deadline)s. Publishing the "
                    "agenda closes it now: topics submitted from now on go to the "
                    "next meeting."
                )
                % {"deadline": format_when(self.window.closes_at)}
            )
        if key == "start" and self.opens_before_its_day(now):
            return str(
                _(
                    "This meeting is scheduled for %(when)s. Opening it now moves "
                    "its start to now."
                )
                % {"when": format_when(self.starts_at)}
            )
        return ""

    def next_actions(self, now=None) -> list[MeetingAction]:
        """The steps staff may take now, in the order of the cycle."""
        allowed = MEETING_TRANSITIONS.get(self.status, set())
        actions = []
        for target in MeetingStatus:
            if target not in allowed or target not in ACTION_INTO:
                continue
            key, label, style = ACTION_INTO[target]
            actions.append(
                MeetingAction(
                    key=key,
                    label=str(label),
                    style=style,
                    confirm=self.confirmation_for(key, now),
                )
            )
        return actions

    @property
    def actions(self) -> list[MeetingAction]:
        return self.next_actions()

    @property
    def status_style(self) -> str:
        """The Bootstrap colour of the status badge."""
        if self.is_cancelled:
            return "secondary"
        if self.is_in_progress:
            return "success"
        return "primary"

    @property
    def location(self) -> str:
        return " ".join(p for p in (self.place, self.room) if p)

    # -- the rotating self check-in code (signed, never stored) ----------------

    def _check_in_signature(self, period: int) -> str:
        return salted_hmac(
            "council.self_check_in", f"{self.pk}:{self.check_in_token}:{period}"
        ).hexdigest()[:20]

    @staticmethod
    def _check_in_period(now) -> int:
        return int(now.timestamp() // CHECK_IN_CODE_PERIOD.total_seconds())

    def self_check_in_code(self, now=None) -> str:
        """The code in the check-in QR right now: its period and an HMAC of it.

        It changes every CHECK_IN_CODE_PERIOD without a write to the database;
        a photo of the QR sent to a group chat stops working minutes later.
        """
        period = self._check_in_period(now or timezone.now())
        return f"{period}-{self._check_in_signature(period)}"

    def self_check_in_code_state(self, code: str, now=None) -> str:
        """ "current" (this period or the one before), "expired" or "invalid"."""
        period_text, _dash, signature = (code or "").partition("-")
        if not period_text.isdigit() or not constant_time_compare(
            signature, self._check_in_signature(int(period_text))
        ):
            return "invalid"
        period, current = int(period_text), self._check_in_period(now or timezone.now())
        if period in (current, current - 1):
            return "current"
        return "expired" if period < current else "invalid"

    def can_move_to(self, status) -> bool:
        return status in MEETING_TRANSITIONS.get(self.status, set())
