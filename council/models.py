"""The residents' council (居民协商民主议事会): charter, 6+X seats, meetings, attendance.

A meeting owns its topic collection window (topics.CollectionWindow); topics never
point back at a meeting (council imports topics, never the reverse).

Over 600 lines on purpose: these are one app's tables, which point at each other
(council → seats → meetings → agenda items → invitations → attendance) and share
one migration history; one file reads as the app's whole schema.
"""

import math
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
from django.utils.translation import pgettext_lazy

from core.display import format_when, local_day
from residents.models import Community, Organization, Resident
from residents.stakeholders import Stakeholder, exactly_one_stakeholder
from topics.models import CollectionWindow, Topic


class QuorumRule(models.TextChoices):
    MAJORITY = "majority", _("more than half of the seated representatives")
    TWO_THIRDS = "two_thirds", _("two thirds of the seated representatives")
    THREE_QUARTERS = "three_quarters", _("three quarters of the seated representatives")


class PassingThreshold(models.TextChoices):
    SIMPLE_MAJORITY = (
        "simple_majority",
        _("more than half of the ballots cast (abstentions not counted)"),
    )
    TWO_THIRDS = "two_thirds", _("two thirds of the ballots cast")


class Council(models.Model):
    """One per community, with its charter (议事规则)."""

    community = models.OneToOneField(
        Community,
        on_delete=models.CASCADE,
        related_name="council",
        verbose_name=_("community"),
    )
    name = models.CharField(_("council name"), max_length=100, blank=True)
    collection_lead_days = models.PositiveSmallIntegerField(
        _("topic collection closes this many days before a meeting"),
        default=7,
        help_text=_("Residents submit topics until this many days before the meeting."),
    )
    quorum_rule = models.CharField(
        _("quorum"),
        max_length=20,
        choices=QuorumRule.choices,
        default=QuorumRule.TWO_THIRDS,
    )
    passing_threshold = models.CharField(
        _("a decision passes with"),
        max_length=20,
        choices=PassingThreshold.choices,
        default=PassingThreshold.SIMPLE_MAJORITY,
    )
    stakeholders_vote = models.BooleanField(
        _("stakeholders vote by default"), default=True
    )
    required_kind_coverage = models.PositiveSmallIntegerField(
        _("seat kinds that must be present to vote"),
        default=4,
        help_text=_("For example 4: at least four of the six kinds present."),
    )
    # What the community's public page shows to anyone, logged in or not. Never
    # anything personal: no names of residents, no phone numbers, no addresses.
    public_meetings = models.BooleanField(
        _("public page shows upcoming meetings"),
        default=True,
        help_text=_("Title, time and place of each scheduled meeting."),
    )
    public_agenda = models.BooleanField(
        _("public page shows published agendas"),
        default=True,
        help_text=_("The agenda items of a meeting once its agenda is published."),
    )
    public_decided_topics = models.BooleanField(
        _("public page shows decided topics"),
        default=True,
        help_text=_("The topics the council decided, with the decision."),
    )
    public_results = models.BooleanField(
        _("public page shows vote results and outcomes"),
        default=True,
        help_text=_("Vote results and outcomes with their follow-up, once recorded."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("residents' council")
        verbose_name_plural = _("residents' councils")

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("council:council", kwargs={"community": self.community.slug})

    @property
    def display_name(self) -> str:
        return self.name or str(_("Residents' democratic consultation council"))

    def quorum_required(self, seated: int) -> int:
        """Return how many seats must be present for `seated` seats."""
        if seated <= 0:
            return 0
        if self.quorum_rule == QuorumRule.MAJORITY:
            return seated // 2 + 1
        if self.quorum_rule == QuorumRule.THREE_QUARTERS:
            return math.ceil(seated * 3 / 4)
        return math.ceil(seated * 2 / 3)


class CouncilChange(models.Model):
    """One change to a council's charter, seat kinds or seats: who, when, what."""

    council = models.ForeignKey(
        Council,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("residents' council"),
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)
    summary = models.CharField(_("what changed"), max_length=300)
    changes = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("council change")
        verbose_name_plural = _("council changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return self.summary


# The six standing kinds (6 of 6+X). The first five are named by the source;
# the sixth defaults to social workers.
DEFAULT_SEAT_KINDS = [
    ("residents_committee", _("Residents' committee representative"), False),
    ("resident_backbone", _("Resident backbone representative"), False),
    ("women", _("Women's representative"), False),
    ("social_org", _("Social organisation representative"), True),
    ("social_resource", _("Social resource representative"), True),
    ("social_worker", _("Social worker representative"), False),
]
DEFAULT_SEAT_KIND_NAMES = {code: name for code, name, _org in DEFAULT_SEAT_KINDS}


class SeatKind(models.Model):
    """One of the standing kinds of seat (代表类别); data, editable per council."""

    council = models.ForeignKey(
        Council,
        on_delete=models.CASCADE,
        related_name="seat_kinds",
        verbose_name=_("residents' council"),
    )
    code = models.SlugField(
        _("code"),
        max_length=40,
        blank=True,
        help_text=_("Set for the six default kinds; empty for kinds added later."),
    )
    name = models.CharField(
        _("name of the kind"),
        max_length=60,
        blank=True,
        help_text=_("Leave empty to use the standard name."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    seat_count = models.PositiveSmallIntegerField(_("number of seats"), default=1)
    represents_organization = models.BooleanField(
        _("seat represents an organisation"), default=False
    )

    class Meta:
        verbose_name = _("seat kind")
        verbose_name_plural = _("seat kinds")
        ordering = ["council", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "code"],
                condition=~Q(code=""),
                name="seatkind_unique_code_in_council",
            )
        ]

    def __str__(self):
        return self.label

    def clean(self):
        super().clean()
        if not self.code and not self.name.strip():
            raise ValidationError({"name": _("Give the seat kind a name.")})

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        return str(DEFAULT_SEAT_KIND_NAMES.get(self.code, self.code))


class SeatQuerySet(models.QuerySet):
    def current(self, on=None):
        """Seats held on the date `on` (today by default)."""
        on = on or timezone.localdate()
        return self.filter(
            Q(term_start__lte=on),
            Q(ended_on__isnull=True) | Q(ended_on__gt=on),
            Q(term_end__isnull=True) | Q(term_end__gte=on),
        )

    def former(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(ended_on__lte=on) | Q(term_end__lt=on))


class Seat(models.Model):
    """A resident holding a seat kind for a term (代表席位), with an alternate."""

    council = models.ForeignKey(
        Council,
        on_delete=models.CASCADE,
        related_name="seats",
        verbose_name=_("residents' council"),
    )
    kind = models.ForeignKey(
        SeatKind,
        on_delete=models.PROTECT,
        related_name="seats",
        verbose_name=_("seat kind"),
    )
    resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        related_name="seats",
        verbose_name=_("representative"),
    )
    alternate = models.ForeignKey(
        Resident,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alternate_seats",
        verbose_name=_("alternate"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="seats",
        verbose_name=_("organisation represented"),
    )
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=200, blank=True)
    replaced_by = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("replaced by"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SeatQuerySet.as_manager()

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        ordering = ["kind__position", "term_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True)
                | Q(term_end__gte=models.F("term_start")),
                name="seat_term_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["council", "ended_on"], name="seat_council_ended_idx"),
        ]

    def __str__(self):
        return f"{self.kind} · {self.resident}"

    def clean(self):
        super().clean()
        if self.alternate_id and self.alternate_id == self.resident_id:
            raise ValidationError(
                {"alternate": _("The alternate must be someone else.")}
            )

    def is_current(self, on=None) -> bool:
        on = on or timezone.localdate()
        return (
            self.term_start <= on
            and (self.ended_on is None or self.ended_on > on)
            and (self.term_end is None or self.term_end >= on)
        )


# How far ahead a meeting may be planned, and how long one may last.
MEETING_HORIZON = timedelta(days=5 * 365)
MEETING_MAX_LENGTH = timedelta(hours=24)
# How far ahead a seat's dates may lie (a term may start later and last years).
SEAT_HORIZON = timedelta(days=10 * 365)
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


class AgendaItem(models.Model):
    """One ordered item on a meeting's agenda: a topic, or a staff item in free text."""

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="agenda_items",
        verbose_name=_("meeting"),
    )
    position = models.PositiveIntegerField(_("order"))
    topic = models.ForeignKey(
        Topic,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("topic"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "topic"],
                condition=Q(topic__isnull=False),
                name="agendaitem_topic_once_per_meeting",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "council:agenda_item",
            kwargs={
                "community": self.meeting.community.slug,
                "pk": self.meeting_id,
                "item": self.pk,
            },
        )


class InvitationStatus(models.TextChoices):
    INVITED = "invited", pgettext_lazy("invitation reply", "invited")
    ACCEPTED = "accepted", pgettext_lazy("invitation reply", "accepted")
    DECLINED = "declined", pgettext_lazy("invitation reply", "declined")


class Invitation(Stakeholder):
    """A stakeholder (利益相关方, the X of 6+X) invited to one agenda item."""

    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("agenda item"),
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("meeting"),
    )
    reason = models.CharField(_("why they are affected"), max_length=300)
    status = models.CharField(
        _("reply"),
        max_length=10,
        choices=InvitationStatus.choices,
        default=InvitationStatus.INVITED,
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    responded_at = models.DateTimeField(_("replied"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reply recorded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["agenda_item", "created_at", "pk"]
        constraints = [
            exactly_one_stakeholder(name="invitation_exactly_one_invitee"),
            models.UniqueConstraint(
                fields=["agenda_item", "resident"],
                condition=Q(resident__isnull=False),
                name="invitation_resident_once_per_item",
            ),
            models.UniqueConstraint(
                fields=["agenda_item", "organization"],
                condition=Q(organization__isnull=False),
                name="invitation_org_once_per_item",
            ),
        ]
        indexes = [
            models.Index(fields=["meeting", "status"], name="invitation_meeting_idx"),
        ]

    def __str__(self):
        return f"{self.stakeholder_name} · {self.agenda_item}"


class AttendanceRole(models.TextChoices):
    REPRESENTATIVE = "representative", _("representative")
    ALTERNATE = "alternate", _("alternate standing in")
    STAKEHOLDER = "stakeholder", _("stakeholder")
    OBSERVER = "observer", _("observer")


class AttendanceStatus(models.TextChoices):
    IN_PERSON = "in_person", _("present in person")
    ONLINE = "online", _("present online")
    ON_LEAVE = "on_leave", _("absent with leave")
    ABSENT = "absent", _("absent")


PRESENT_STATUSES = (AttendanceStatus.IN_PERSON, AttendanceStatus.ONLINE)


class Attendance(models.Model):
    """One person's attendance at a meeting (签到)."""

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("meeting"),
    )
    role = models.CharField(
        _("attends as"), max_length=20, choices=AttendanceRole.choices
    )
    resident = models.ForeignKey(
        Resident,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name=_("resident"),
    )
    seat = models.ForeignKey(
        Seat,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name=_("seat"),
        help_text=_("For representatives and alternates: the seat they sit for."),
    )
    invitation = models.ForeignKey(
        Invitation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name=_("invitation"),
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    status = models.CharField(
        _("attendance"), max_length=20, choices=AttendanceStatus.choices
    )
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    on_behalf = models.BooleanField(
        _("recorded by staff on their behalf"), default=False
    )
    checked_in_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "resident"],
                condition=Q(resident__isnull=False),
                name="attendance_resident_once_per_meeting",
            ),
            models.UniqueConstraint(
                fields=["meeting", "invitation"],
                condition=Q(invitation__isnull=False, resident__isnull=True),
                name="attendance_invitation_once_per_meeting",
            ),
            models.CheckConstraint(
                condition=Q(resident__isnull=False)
                | Q(invitation__isnull=False)
                | ~Q(name=""),
                name="attendance_names_someone",
            ),
        ]

    def __str__(self):
        return f"{self.display_name} · {self.get_status_display()}"

    @property
    def display_name(self) -> str:
        if self.resident_id:
            return self.resident.name
        if self.invitation_id:
            return self.invitation.stakeholder_name
        return self.name

    @property
    def is_present(self) -> bool:
        return self.status in PRESENT_STATUSES


class AttendanceChange(models.Model):
    """One recorded state of someone's attendance, kept when it is corrected.

    Append-only: the Attendance row holds the current state (what the quorum
    counts); these rows tell who recorded what, and when.
    """

    attendance = models.ForeignKey(
        Attendance,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("attendance"),
    )
    status = models.CharField(
        _("attendance"), max_length=20, choices=AttendanceStatus.choices
    )
    previous_status = models.CharField(
        _("before"), max_length=20, choices=AttendanceStatus.choices, blank=True
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    on_behalf = models.BooleanField(
        _("recorded by staff on their behalf"), default=False
    )
    changed_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("attendance change")
        verbose_name_plural = _("attendance changes")
        ordering = ["attendance", "changed_at", "pk"]

    def __str__(self):
        return f"{self.attendance_id} · {self.get_status_display()}"
