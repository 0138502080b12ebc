"""Every write to the council: charter, seats, meetings, agenda, invitations, attendance.

Public API (keyword-only; each raises django ValidationError with a translated
message when the write is refused):

    council_for_community(*, community) -> Council
        Return the community's council, creating it with the six default seat kinds.
    council_update_charter(*, council, by, **fields) -> Council
        fields: collection_lead_days, quorum_rule, passing_threshold,
        stakeholders_vote, required_kind_coverage, name. Logs a CouncilChange.
    seat_kind_update(*, kind, by, name, position, seat_count) -> SeatKind
    seat_assign(*, council, by, kind, resident, term_start, term_end=None,
                alternate=None, organization=None) -> Seat
    seat_end(*, seat, by, ended_on, reason="") -> Seat
    seat_replace(*, seat, by, resident, on, alternate=None, organization=None,
                 reason="") -> Seat            (the new seat; the old one ends `on`)

    meeting_schedule(*, community, by, title, starts_at, ends_at, place="", room="",
                     online_link="", description="", confirm_short_window=False,
                     draft=False) -> Meeting
        Creates the topics.CollectionWindow (opens now, closes starts_at - lead time)
        unless draft. Refuses a window already closed unless confirm_short_window.
    meeting_announce(*, meeting, by, confirm_short_window=False) -> Meeting  (draft ->)
    meeting_reschedule(*, meeting, by, starts_at, ends_at, confirm_short_window=False,
                       title=None, place=None, room=None, online_link=None,
                       description=None) -> Meeting
        Moves the window (topics.services.collection_window_move), tells invitees.
    agenda_publish(*, meeting, by) -> Meeting
    meeting_start(*, meeting, by) -> Meeting
    meeting_conclude(*, meeting, by) -> Meeting
    meeting_cancel(*, meeting, by, reason="") -> Meeting   (keeps the record)

    agenda_item_create(*, meeting, by, topic=None, title="", description="")
        -> AgendaItem
        A topic onto the agenda (title defaults to the topic's), or a staff item in
        free text. Does not change the topic's status: the caller (topic triage)
        moves the topic through topics.services.
    agenda_item_move(*, item, by, direction) -> AgendaItem   direction "up"/"down"
    agenda_item_remove(*, item, by) -> None

    invitation_create(*, agenda_item, by, resident=None, organization=None,
                      outside_name="", outside_phone="", reason) -> Invitation
        Exactly one invitee. Notifies a resident invitee or an organisation's members.
    invitation_respond(*, invitation, by, accept) -> Invitation

    attendance_check_in(*, meeting, by, status=AttendanceStatus.IN_PERSON,
                        resident=None, invitation=None, name="",
                        self_check_in=False) -> Attendance
        Staff record anyone on their behalf; self check-in (QR) only while the
        meeting is in progress and only for representatives, alternates and
        invited stakeholders.

    meeting_remind(*, meeting, which, now=None) -> int     which "24h" / "2h"
    meeting_reminders_sweep(*, now=None) -> int

Quorum and coverage: council.quorum.meeting_quorum(meeting).
"""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.scheduling import enqueue_at
from notifications.services import notify
from residents.models import Community, Organization, Resident
from topics import selectors as topic_selectors
from topics.models import Topic
from topics.services import collection_window_move, collection_window_open, topic_accept

from .models import (
    ANNOUNCED_STATUSES,
    DEFAULT_SEAT_KINDS,
    AgendaItem,
    Attendance,
    AttendanceRole,
    AttendanceStatus,
    Council,
    CouncilChange,
    Invitation,
    InvitationStatus,
    Meeting,
    MeetingStatus,
    Seat,
    SeatKind,
)

REMINDERS = {"24h": timedelta(hours=24), "2h": timedelta(hours=2)}
CHARTER_FIELDS = (
    "name",
    "collection_lead_days",
    "quorum_rule",
    "passing_threshold",
    "stakeholders_vote",
    "required_kind_coverage",
)


# -- council and seats -------------------------------------------------------


def council_for_community(*, community: Community) -> Council:
    """Return the community's council, creating it and its six seat kinds once."""
    council = Council.objects.filter(community=community).first()
    if council is not None:
        return council
    with transaction.atomic():
        council, created = Council.objects.get_or_create(community=community)
        if created:
            SeatKind.objects.bulk_create(
                SeatKind(
                    council=council,
                    code=code,
                    position=index + 1,
                    seat_count=1,
                    represents_organization=is_org,
                )
                for index, (code, _name, is_org) in enumerate(DEFAULT_SEAT_KINDS)
            )
    return council


def _log(*, council: Council, by, summary: str, changes: dict | None = None):
    CouncilChange.objects.create(
        council=council, changed_by=by, summary=summary[:300], changes=changes or {}
    )


def _display(value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


@transaction.atomic
def council_update_charter(*, council: Council, by, **fields) -> Council:
    """Change the charter; log each changed field with its old and new value."""
    unknown = set(fields) - set(CHARTER_FIELDS)
    if unknown:
        raise TypeError(f"not charter fields: {sorted(unknown)}")
    council = Council.objects.select_for_update().get(pk=council.pk)
    changes = {}
    for name, value in fields.items():
        old = getattr(council, name)
        if old != value:
            field = Council._meta.get_field(name)
            old_label = (
                dict(field.choices).get(old, old) if field.choices else _display(old)
            )
            new_label = (
                dict(field.choices).get(value, value)
                if field.choices
                else _display(value)
            )
            changes[name] = {
                "label": str(field.verbose_name),
                "old": str(old_label),
                "new": str(new_label),
            }
            setattr(council, name, value)
    if not changes:
        return council
    if council.required_kind_coverage > council.seat_kinds.count():
        raise ValidationError(
            {
                "required_kind_coverage": _("The council has only %(n)d seat kinds.")
                % {"n": council.seat_kinds.count()}
            }
        )
    if not 0 < council.collection_lead_days <= 60:
        raise ValidationError(
            {"collection_lead_days": _("Choose between 1 and 60 days.")}
        )
    council.full_clean()
    council.save(update_fields=[*changes, "updated_at"])
    _log(
        council=council,
        by=by,
        summary=_("Council rules changed: %(fields)s")
        % {"fields": "、".join(c["label"] for c in changes.values())},
        changes=changes,
    )
    return council


@transaction.atomic
def seat_kind_update(
    *, kind: SeatKind, by, name: str, position: int, seat_count: int
) -> SeatKind:
    """Rename, reorder or resize a seat kind (logged)."""
    kind = SeatKind.objects.select_for_update().get(pk=kind.pk)
    name = (name or "").strip()
    if name == kind.label and kind.code:
        name = kind.name  # unchanged standard name stays translatable
    held = kind.seats.current().count()
    if seat_count < held:
        raise ValidationError(
            {
                "seat_count": _(
                    "%(n)d seats of this kind are held now: end some first."
                )
                % {"n": held}
            }
        )
    changes = {}
    for field, value in (
        ("name", name),
        ("position", position),
        ("seat_count", seat_count),
    ):
        old = getattr(kind, field)
        if old != value:
            changes[field] = {
                "label": str(SeatKind._meta.get_field(field).verbose_name),
                "old": str(old),
                "new": str(value),
            }
            setattr(kind, field, value)
    if not changes:
        return kind
    kind.full_clean()
    kind.save(update_fields=list(changes))
    _log(
        council=kind.council,
        by=by,
        summary=_("Seat kind %(kind)s changed") % {"kind": kind.label},
        changes=changes,
    )
    return kind


def _check_seat_people(*, council, kind, resident, alternate, organization, on):
    community_id = council.community_id
    if resident.community_id != community_id:
        raise ValidationError({"resident": _("Choose a resident of this community.")})
    if alternate is not None:
        if alternate.community_id != community_id:
            raise ValidationError(
                {"alternate": _("Choose a resident of this community.")}
            )
        if alternate.pk == resident.pk:
            raise ValidationError(
                {"alternate": _("The alternate must be someone else.")}
            )
    if organization is not None and organization.community_id != community_id:
        raise ValidationError(
            {"organization": _("Choose an organisation of this community.")}
        )
    if kind.represents_organization and organization is None:
        raise ValidationError(
            {"organization": _("Choose the organisation this seat represents.")}
        )
    if not kind.represents_organization and organization is not None:
        organization = None
    if Seat.objects.filter(council=council, resident=resident).current(on=on).exists():
        raise ValidationError(
            {"resident": _("%(name)s already holds a seat.") % {"name": resident.name}}
        )
    return organization


@transaction.atomic
def seat_assign(
    *,
    council: Council,
    by,
    kind: SeatKind,
    resident: Resident,
    term_start: date,
    term_end: date | None = None,
    alternate: Resident | None = None,
    organization: Organization | None = None,
) -> Seat:
    """Give a resident a seat of `kind` for a term.

    Locks the kind row, so two staff filling the last seat of a kind cannot both win.
    """
    kind = SeatKind.objects.select_for_update().get(pk=kind.pk)
    if kind.council_id != council.pk:
        raise ValidationError({"kind": _("Choose a seat kind of this council.")})
    if term_end is not None and term_end < term_start:
        raise ValidationError({"term_end": _("The term must end after it starts.")})
    organization = _check_seat_people(
        council=council,
        kind=kind,
        resident=resident,
        alternate=alternate,
        organization=organization,
        on=term_start,
    )
    held = kind.seats.current(on=term_start).count()
    if held >= kind.seat_count:
        raise ValidationError(
            {
                "kind": _(
                    "All %(n)d seats of %(kind)s are held. End or replace a seat, "
                    "or add seats to the kind."
                )
                % {"n": kind.seat_count, "kind": kind.label}
            }
        )
    seat = Seat(
        council=council,
        kind=kind,
        resident=resident,
        alternate=alternate,
        organization=organization,
        term_start=term_start,
        term_end=term_end,
        assigned_by=by,
    )
    seat.full_clean()
    seat.save()
    _log(
        council=council,
        by=by,
        summary=_("%(name)s took a seat: %(kind)s")
        % {"name": resident.name, "kind": kind.label},
        changes={"seat": seat.pk},
    )
    return seat


@transaction.atomic
def seat_end(*, seat: Seat, by, ended_on: date, reason: str = "") -> Seat:
    """End a seat's term early; the seat stays in the history."""
    seat = (
        Seat.objects.select_for_update()
        .select_related("kind", "resident")
        .get(pk=seat.pk)
    )
    if seat.ended_on is not None:
        raise ValidationError(_("This seat has already ended."))
    if ended_on < seat.term_start:
        raise ValidationError(
            {"ended_on": _("A seat cannot end before its term starts.")}
        )
    seat.ended_on = ended_on
    seat.end_reason = reason.strip()
    seat.save(update_fields=["ended_on", "end_reason"])
    _log(
        council=seat.council,
        by=by,
        summary=_("%(name)s left the seat: %(kind)s")
        % {"name": seat.resident.name, "kind": seat.kind.label},
        changes={"seat": seat.pk, "reason": seat.end_reason},
    )
    return seat


@transaction.atomic
def seat_replace(
    *,
    seat: Seat,
    by,
    resident: Resident,
    on: date,
    alternate: Resident | None = None,
    organization: Organization | None = None,
    reason: str = "",
) -> Seat:
    """End `seat` on `on` and give the same kind to `resident` from that day."""
    seat = (
        Seat.objects.select_for_update()
        .select_related("kind", "council")
        .get(pk=seat.pk)
    )
    if seat.ended_on is not None:
        raise ValidationError(_("This seat has already ended."))
    if on < seat.term_start:
        raise ValidationError({"on": _("A seat cannot end before its term starts.")})
    if resident.pk == seat.resident_id:
        raise ValidationError(
            {"resident": _("Choose someone other than the present holder.")}
        )
    seat_end(seat=seat, by=by, ended_on=on, reason=reason or _("replaced"))
    if organization is None and seat.kind.represents_organization:
        organization = seat.organization
    new_seat = seat_assign(
        council=seat.council,
        by=by,
        kind=seat.kind,
        resident=resident,
        term_start=on,
        term_end=seat.term_end if seat.term_end and seat.term_end >= on else None,
        alternate=alternate,
        organization=organization,
    )
    Seat.objects.filter(pk=seat.pk).update(replaced_by=new_seat)
    seat.replaced_by = new_seat
    return new_seat


# -- meetings ----------------------------------------------------------------


def _window_closes_at(council: Council, starts_at: datetime) -> datetime:
    return starts_at - timedelta(days=council.collection_lead_days)


def _check_times(*, council, starts_at, ends_at, confirm_short_window, now):
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The meeting must end after it starts.")})
    if starts_at <= now:
        raise ValidationError({"starts_at": _("Choose a time in the future.")})
    closes_at = _window_closes_at(council, starts_at)
    if closes_at <= now and not confirm_short_window:
        raise ValidationError(
            {
                "starts_at": _(
                    "Topic collection would already be closed: it closes "
                    "%(days)d days before the meeting. Choose a later date, or "
                    "confirm a short collection period."
                )
                % {"days": council.collection_lead_days}
            }
        )
    return closes_at


def _short_window_closes_at(*, closes_at, starts_at, now):
    """A confirmed short window closes halfway between now and the meeting."""
    if closes_at > now:
        return closes_at
    return now + (starts_at - now) / 2


def _schedule_reminders(meeting: Meeting) -> None:
    from .tasks import send_meeting_reminder

    starts_at = meeting.starts_at
    now = timezone.now()
    for which, before in REMINDERS.items():
        eta = starts_at - before
        if eta <= now:
            continue  # the sweep sends it if still relevant
        # Beyond the ETA horizon meeting_reminders_sweep sends it when due.
        transaction.on_commit(
            lambda which=which, eta=eta: enqueue_at(
                send_meeting_reminder,
                args=[meeting.pk, which, starts_at.isoformat()],
                eta=eta,
            )
        )


def _open_window(meeting: Meeting, *, confirm_short_window: bool, now) -> None:
    closes_at = _check_times(
        council=meeting.council,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        confirm_short_window=confirm_short_window,
        now=now,
    )
    closes_at = _short_window_closes_at(
        closes_at=closes_at, starts_at=meeting.starts_at, now=now
    )
    meeting.window = collection_window_open(
        community=meeting.community,
        title=meeting.title,
        opens_at=now,
        closes_at=closes_at,
        meeting_starts_at=meeting.starts_at,
    )


@transaction.atomic
def meeting_schedule(
    *,
    community: Community,
    by,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str = "",
    room: str = "",
    online_link: str = "",
    description: str = "",
    confirm_short_window: bool = False,
    draft: bool = False,
) -> Meeting:
    """Schedule a meeting and open its topic collection window (now until lead time)."""
    council = council_for_community(community=community)
    now = timezone.now()
    if not (place.strip() or online_link.strip()):
        raise ValidationError(
            {"place": _("Give an address, an online meeting link, or both.")}
        )
    meeting = Meeting(
        council=council,
        community=community,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        room=room.strip(),
        online_link=online_link.strip(),
        description=description.strip(),
        status=MeetingStatus.DRAFT,
        created_by=by,
    )
    if draft:
        if ends_at <= starts_at:
            raise ValidationError(
                {"ends_at": _("The meeting must end after it starts.")}
            )
    else:
        _open_window(meeting, confirm_short_window=confirm_short_window, now=now)
        meeting.status = MeetingStatus.COLLECTING
    meeting.full_clean(exclude=["window", "check_in_token"])
    meeting.save()
    if not draft:
        _schedule_reminders(meeting)
    return meeting


def _locked(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("council", "community", "window")
        .get(pk=meeting.pk)
    )


def _refuse_move(meeting: Meeting, target) -> None:
    if meeting.can_move_to(target):
        return
    if meeting.status == MeetingStatus.DRAFT and target != MeetingStatus.CANCELLED:
        raise ValidationError(_("Schedule the meeting first: it is still a draft."))
    messages = {
        MeetingStatus.CONCLUDED: _("Only a meeting in progress can be concluded."),
        MeetingStatus.IN_PROGRESS: _("Publish the agenda before opening the meeting."),
        MeetingStatus.AGENDA_PUBLISHED: _(
            "The agenda can only be published before the meeting opens."
        ),
        MeetingStatus.CANCELLED: _(
            "A meeting that has opened, ended or been cancelled cannot be cancelled."
        ),
    }
    raise ValidationError(
        messages.get(
            target,
            _("A %(status)s meeting cannot be changed that way.")
            % {"status": meeting.get_status_display()},
        )
    )


@transaction.atomic
def meeting_announce(*, meeting: Meeting, by, confirm_short_window=False) -> Meeting:
    """Schedule a draft meeting: open its collection window and remind invitees."""
    meeting = _locked(meeting)
    if meeting.status != MeetingStatus.DRAFT or not meeting.can_move_to(
        MeetingStatus.COLLECTING
    ):
        raise ValidationError(_("Only a draft meeting can be scheduled."))
    _open_window(meeting, confirm_short_window=confirm_short_window, now=timezone.now())
    meeting.status = MeetingStatus.COLLECTING
    meeting.save(update_fields=["window", "status", "updated_at"])
    _schedule_reminders(meeting)
    return meeting


@transaction.atomic
def meeting_reschedule(
    *,
    meeting: Meeting,
    by,
    starts_at: datetime,
    ends_at: datetime,
    confirm_short_window: bool = False,
    title: str | None = None,
    place: str | None = None,
    room: str | None = None,
    online_link: str | None = None,
    description: str | None = None,
) -> Meeting:
    """Change a meeting's time (moving the collection deadline) or its details.

    When the time changes, the window closes at the new start less the lead time,
    and everyone invited is told.
    """
    meeting = _locked(meeting)
    if meeting.status not in (
        MeetingStatus.DRAFT,
        MeetingStatus.SCHEDULED,
        MeetingStatus.COLLECTING,
        MeetingStatus.AGENDA_PUBLISHED,
    ):
        raise ValidationError(
            _("A %(status)s meeting cannot be rescheduled.")
            % {"status": meeting.get_status_display()}
        )
    fields = ["updated_at"]
    for name, value in (
        ("title", title),
        ("place", place),
        ("room", room),
        ("online_link", online_link),
        ("description", description),
    ):
        if value is not None and value.strip() != getattr(meeting, name):
            setattr(meeting, name, value.strip())
            fields.append(name)
    if not (meeting.place or meeting.online_link):
        raise ValidationError(
            {"place": _("Give an address, an online meeting link, or both.")}
        )
    old_starts_at = meeting.starts_at
    moved = starts_at != meeting.starts_at or ends_at != meeting.ends_at
    now = timezone.now()
    if moved:
        if meeting.status == MeetingStatus.DRAFT:
            if ends_at <= starts_at:
                raise ValidationError(
                    {"ends_at": _("The meeting must end after it starts.")}
                )
        else:
            closes_at = _check_times(
                council=meeting.council,
                starts_at=starts_at,
                ends_at=ends_at,
                # Once collection has closed (or the agenda is out) a short
                # window no longer matters: the window stays closed.
                confirm_short_window=confirm_short_window
                or meeting.status == MeetingStatus.AGENDA_PUBLISHED
                or meeting.window.closed_at is not None,
                now=now,
            )
            window = meeting.window
            if (
                meeting.status != MeetingStatus.AGENDA_PUBLISHED
                and window.closed_at is None
            ):
                closes_at = _short_window_closes_at(
                    closes_at=closes_at, starts_at=starts_at, now=now
                )
            opens_at = min(window.opens_at, closes_at - timedelta(minutes=1))
            meeting.window = collection_window_move(
                window=window,
                opens_at=opens_at,
                closes_at=closes_at,
                title=meeting.title if "title" in fields else None,
                meeting_starts_at=starts_at,
            )
        meeting.starts_at = starts_at
        meeting.ends_at = ends_at
        fields += ["starts_at", "ends_at"]
    elif "title" in fields and meeting.window_id:
        collection_window_move(
            window=meeting.window,
            opens_at=meeting.window.opens_at,
            closes_at=meeting.window.closes_at,
            title=meeting.title,
        )
    meeting.full_clean(exclude=["window", "check_in_token"])
    meeting.save(update_fields=fields)
    if moved and meeting.status != MeetingStatus.DRAFT:
        notify(
            recipients=meeting_participants(meeting),
            kind="council_meeting_rescheduled",
            context={"meeting": meeting, "old_starts_at": old_starts_at},
            dedupe_key=(
                f"meeting:{meeting.pk}:rescheduled:{int(meeting.starts_at.timestamp())}"
                f":{int(old_starts_at.timestamp())}"
            ),
            link=meeting.get_absolute_url(),
            community=meeting.community,
        )
        _schedule_reminders(meeting)
    return meeting


@transaction.atomic
def agenda_publish(*, meeting: Meeting, by) -> Meeting:
    """Publish the agenda and tell everyone invited."""
    meeting = _locked(meeting)
    _refuse_move(meeting, MeetingStatus.AGENDA_PUBLISHED)
    if not meeting.agenda_items.exists():
        raise ValidationError(_("Add at least one agenda item before publishing."))
    meeting.status = MeetingStatus.AGENDA_PUBLISHED
    meeting.agenda_published_at = timezone.now()
    meeting.save(update_fields=["status", "agenda_published_at", "updated_at"])
    notify(
        recipients=meeting_participants(meeting),
        kind="council_agenda_published",
        context={
            "meeting": meeting,
            "items": list(meeting.agenda_items.order_by("position")),
        },
        dedupe_key=f"meeting:{meeting.pk}:agenda_published",
        link=meeting.get_absolute_url(),
        community=meeting.community,
    )
    return meeting


@transaction.atomic
def meeting_start(*, meeting: Meeting, by) -> Meeting:
    """Open the meeting: check-in (QR included) is possible from now."""
    meeting = _locked(meeting)
    _refuse_move(meeting, MeetingStatus.IN_PROGRESS)
    meeting.status = MeetingStatus.IN_PROGRESS
    meeting.started_at = timezone.now()
    meeting.save(update_fields=["status", "started_at", "updated_at"])
    return meeting


@transaction.atomic
def meeting_conclude(*, meeting: Meeting, by) -> Meeting:
    meeting = _locked(meeting)
    _refuse_move(meeting, MeetingStatus.CONCLUDED)
    meeting.status = MeetingStatus.CONCLUDED
    meeting.concluded_at = timezone.now()
    meeting.save(update_fields=["status", "concluded_at", "updated_at"])
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by, reason: str = "") -> Meeting:
    """Cancel the meeting, keep its record and tell everyone invited."""
    meeting = _locked(meeting)
    _refuse_move(meeting, MeetingStatus.CANCELLED)
    was_announced = meeting.status != MeetingStatus.DRAFT
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancelled_at = timezone.now()
    meeting.cancel_reason = reason.strip()
    meeting.save(
        update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"]
    )
    if was_announced:
        notify(
            recipients=meeting_participants(meeting),
            kind="council_meeting_cancelled",
            context={"meeting": meeting, "reason": meeting.cancel_reason},
            dedupe_key=f"meeting:{meeting.pk}:cancelled",
            link=meeting.get_absolute_url(),
            community=meeting.community,
        )
    return meeting


def meeting_participants(meeting: Meeting) -> list[Resident]:
    """Everyone invited who has not declined: representatives, alternates, stakeholders.

    Representatives and alternates hold seats current on the meeting's date; an
    organisation's invitation reaches its member residents.
    """
    from .quorum import meeting_seats

    people: dict[int, Resident] = {}
    for seat in meeting_seats(meeting):
        people.setdefault(seat.resident_id, seat.resident)
        if seat.alternate_id:
            people.setdefault(seat.alternate_id, seat.alternate)
    invitations = (
        Invitation.objects.filter(meeting=meeting)
        .exclude(status=InvitationStatus.DECLINED)
        .select_related("resident", "organization")
        .prefetch_related("organization__members")
    )
    for invitation in invitations:
        if invitation.resident_id:
            people.setdefault(invitation.resident_id, invitation.resident)
        elif invitation.organization_id:
            for member in invitation.organization.members.all():
                people.setdefault(member.pk, member)
    return list(people.values())


# -- agenda -----------------------------------------------------------------


def _locked_agenda(meeting: Meeting) -> Meeting:
    """Lock the meeting row and refuse when its agenda can no longer change."""
    meeting = _locked(meeting)
    if not meeting.agenda_editable:
        raise ValidationError(
            _("The agenda of a %(status)s meeting cannot be changed.")
            % {"status": meeting.get_status_display()}
        )
    return meeting


def _renumber(items) -> None:
    """Give the items positions 1, 2, 3 ... in the order given."""
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


@transaction.atomic
def agenda_item_create(
    *,
    meeting: Meeting,
    by,
    topic: Topic | None = None,
    title: str = "",
    description: str = "",
) -> AgendaItem:
    """Add an item at the end of the agenda: a topic, or a staff item in free text.

    Locks the meeting row so two items added at once get distinct positions.
    """
    meeting = _locked_agenda(meeting)
    title = (title or "").strip()
    description = (description or "").strip()
    if topic is not None:
        if topic.community_id != meeting.community_id:
            raise ValidationError({"topic": _("Choose a topic of this community.")})
        if meeting.agenda_items.filter(topic=topic).exists():
            raise ValidationError({"topic": _("This topic is already on the agenda.")})
        title = title or topic.title
        description = description or topic.description
    if not title:
        raise ValidationError({"title": _("Give the agenda item a title.")})
    last = meeting.agenda_items.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem(
        meeting=meeting,
        position=last + 1,
        topic=topic,
        title=title[:200],
        description=description,
        created_by=by,
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, by, direction: str) -> AgendaItem:
    """Swap the item with its neighbour above ("up") or below ("down")."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Move an item up or down."))
    meeting = _locked_agenda(item.meeting)
    items = list(meeting.agenda_items.order_by("position", "pk"))
    index = next(i for i, it in enumerate(items) if it.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(items):
        return items[index]
    items[index], items[other] = items[other], items[index]
    _renumber(items)
    return items[other]


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, by) -> None:
    """Take an item off the agenda (before the meeting opens)."""
    meeting = _locked_agenda(item.meeting)
    item.delete()
    _renumber(meeting.agenda_items.order_by("position", "pk"))


# -- invitations (the X of 6+X) -----------------------------------------------


@transaction.atomic
def invitation_create(
    *,
    agenda_item: AgendaItem,
    by,
    resident: Resident | None = None,
    organization: Organization | None = None,
    outside_name: str = "",
    outside_phone: str = "",
    reason: str,
) -> Invitation:
    """Invite one stakeholder to an agenda item and notify them."""
    meeting = _locked(agenda_item.meeting)
    if meeting.status == MeetingStatus.DRAFT:
        raise ValidationError(
            _(
                "Schedule the meeting before inviting stakeholders: a draft is not "
                "shown to anyone yet."
            )
        )
    if meeting.is_finished:
        raise ValidationError(
            _("Stakeholders cannot be invited to a %(status)s meeting.")
            % {"status": meeting.get_status_display()}
        )
    outside_name = (outside_name or "").strip()
    outside_phone = (outside_phone or "").strip()
    reason = (reason or "").strip()
    chosen = [x for x in (resident, organization, outside_name) if x]
    if len(chosen) != 1:
        raise ValidationError(
            _("Invite one of: a resident, an organisation, or an outside person.")
        )
    if not reason:
        raise ValidationError({"reason": _("Say why they are affected.")})
    if resident is not None and resident.community_id != meeting.community_id:
        raise ValidationError({"resident": _("Choose a resident of this community.")})
    if organization is not None and organization.community_id != meeting.community_id:
        raise ValidationError(
            {"organization": _("Choose an organisation of this community.")}
        )
    if outside_name and not outside_phone:
        raise ValidationError(
            {"outside_phone": _("Give a phone number to reach them.")}
        )
    duplicate = Invitation.objects.filter(agenda_item=agenda_item)
    if (resident and duplicate.filter(resident=resident).exists()) or (
        organization and duplicate.filter(organization=organization).exists()
    ):
        raise ValidationError(_("They are already invited to this item."))
    invitation = Invitation(
        agenda_item=agenda_item,
        meeting=meeting,
        resident=resident,
        organization=organization,
        outside_name=outside_name,
        outside_phone=outside_phone,
        reason=reason,
        invited_by=by,
    )
    invitation.full_clean()
    invitation.save()
    if resident is not None:
        recipients = [resident]
    elif organization is not None:
        recipients = list(organization.members.all())
    else:
        recipients = []
    if recipients:
        notify(
            recipients=recipients,
            kind="council_invitation",
            context={
                "meeting": meeting,
                "item": agenda_item,
                "invitation": invitation,
            },
            dedupe_key=f"invitation:{invitation.pk}",
            link=agenda_item.get_absolute_url(),
            community=meeting.community,
        )
    return invitation


def invitation_can_respond(*, invitation: Invitation, user) -> bool:
    """Whether `user` is the invitee (or a member of the invited organisation)."""
    if user is None or not user.is_authenticated:
        return False
    if invitation.resident_id:
        return invitation.resident.user_id == user.pk
    if invitation.organization_id:
        return invitation.organization.members.filter(user=user).exists()
    return False


@transaction.atomic
def invitation_respond(*, invitation: Invitation, by, accept: bool) -> Invitation:
    """Record the invitee's answer (by themselves, or by staff on their behalf)."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("meeting")
        .get(pk=invitation.pk)
    )
    if invitation.meeting.is_finished:
        raise ValidationError(_("This meeting is over."))
    invitation.status = (
        InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
    )
    invitation.responded_at = timezone.now()
    invitation.responded_by = by
    invitation.save(update_fields=["status", "responded_at", "responded_by"])
    return invitation


# -- attendance ---------------------------------------------------------------


def _role_for_resident(meeting: Meeting, resident: Resident):
    """Return (role, seat, invitation) for a resident at this meeting, or None."""
    from .quorum import meeting_seats

    seats = list(
        meeting_seats(meeting).filter(Q(resident=resident) | Q(alternate=resident))
    )
    for seat in seats:
        if seat.resident_id == resident.pk:
            return AttendanceRole.REPRESENTATIVE, seat, None
    if seats:
        return AttendanceRole.ALTERNATE, seats[0], None
    invitation = (
        Invitation.objects.filter(meeting=meeting)
        .filter(Q(resident=resident) | Q(organization__members=resident))
        .order_by("pk")
        .first()
    )
    if invitation is not None:
        return AttendanceRole.STAKEHOLDER, None, invitation
    return None


@transaction.atomic
def attendance_check_in(
    *,
    meeting: Meeting,
    by,
    status: str = AttendanceStatus.IN_PERSON,
    resident: Resident | None = None,
    invitation: Invitation | None = None,
    name: str = "",
    self_check_in: bool = False,
) -> Attendance:
    """Record (or correct) one person's attendance.

    Staff record anyone on their behalf once the agenda is published; a resident
    checks themselves in (QR) only while the meeting is in progress and only if
    they hold a seat, stand in as an alternate or are an invited stakeholder.
    Locks the meeting row, so two check-ins of one person make one row.
    """
    meeting = _locked(meeting)
    if status not in AttendanceStatus.values:
        raise ValidationError({"status": _("Choose how they attend.")})
    if self_check_in:
        if meeting.status != MeetingStatus.IN_PROGRESS:
            raise ValidationError(
                _("Check-in is open only while the meeting is in progress.")
            )
        if resident is None or resident.user_id != getattr(by, "pk", None):
            raise ValidationError(_("You can only check yourself in."))
    elif meeting.status not in (
        MeetingStatus.AGENDA_PUBLISHED,
        MeetingStatus.IN_PROGRESS,
    ):
        raise ValidationError(
            _(
                "Attendance is recorded once the agenda is published and until the "
                "meeting ends."
            )
        )
    role, seat = None, None
    name = (name or "").strip()
    if resident is not None:
        if resident.community_id != meeting.community_id:
            raise ValidationError(_("Choose a resident of this community."))
        found = _role_for_resident(meeting, resident)
        if found is None:
            if self_check_in:
                raise ValidationError(
                    _("You are not invited to this meeting. Please ask the staff.")
                )
            role = AttendanceRole.OBSERVER
        else:
            role, seat, found_invitation = found
            invitation = invitation or found_invitation
        lookup = {"meeting": meeting, "resident": resident}
    elif invitation is not None:
        if invitation.meeting_id != meeting.pk:
            raise ValidationError(_("This invitation is for another meeting."))
        role = AttendanceRole.STAKEHOLDER
        lookup = {"meeting": meeting, "invitation": invitation, "resident": None}
    elif name:
        role = AttendanceRole.OBSERVER
        lookup = None
    else:
        raise ValidationError(_("Choose who is checking in."))
    values = {
        "role": role,
        "seat": seat,
        "invitation": invitation,
        "status": status,
        "checked_in_by": by,
        "on_behalf": not self_check_in,
        "checked_in_at": timezone.now(),
        "name": name,
    }
    if lookup is None:
        attendance = Attendance(meeting=meeting, **values)
        attendance.save()
        return attendance
    attendance, _created = Attendance.objects.update_or_create(
        **lookup, defaults=values
    )
    return attendance


# -- reminders ---------------------------------------------------------------


@transaction.atomic
def meeting_remind(*, meeting: Meeting, which: str, now: datetime | None = None) -> int:
    """Send the 24 h or 2 h reminder if it is due; exactly once per meeting time.

    The key carries the start time, so a rescheduled meeting is reminded again
    for its new time and never twice for one time.
    """
    now = now or timezone.now()
    meeting = (
        Meeting.objects.select_related("community", "council").filter(pk=meeting.pk)
    ).first()
    if meeting is None or meeting.status not in ANNOUNCED_STATUSES:
        return 0
    before = REMINDERS[which]
    if not (meeting.starts_at - before <= now < meeting.starts_at):
        return 0
    if which == "24h" and now >= meeting.starts_at - REMINDERS["2h"]:
        return 0  # the 2 h reminder supersedes a late 24 h one
    created = notify(
        recipients=meeting_participants(meeting),
        kind="council_meeting_reminder",
        context={"meeting": meeting, "which": which},
        dedupe_key=(
            f"meeting:{meeting.pk}:reminder{which}:{int(meeting.starts_at.timestamp())}"
        ),
        link=meeting.get_absolute_url(),
        community=meeting.community,
    )
    return len(created)


def meeting_reminders_sweep(*, now: datetime | None = None) -> int:
    """Send any reminder an ETA task missed (run by beat every few minutes)."""
    now = now or timezone.now()
    sent = 0
    due = Meeting.objects.filter(
        status__in=ANNOUNCED_STATUSES,
        starts_at__gt=now,
        starts_at__lte=now + REMINDERS["24h"],
    ).only("pk", "starts_at")
    for meeting in due:
        which = "2h" if meeting.starts_at - now <= REMINDERS["2h"] else "24h"
        sent += meeting_remind(meeting=meeting, which=which, now=now)
    return sent


def agenda_item_accept_topic(*, meeting: Meeting, topic: Topic, by, note: str = ""):
    """Accept a topic onto the meeting's agenda: the item and the topic's own status.

    One transaction: either the topic is on the agenda and its submitter told, or
    neither happened.
    """
    with transaction.atomic():
        item = agenda_item_create(meeting=meeting, by=by, topic=topic)
        topic_accept(
            topic=topic,
            by=by,
            note=note,
            meeting=meeting.title,
            link=meeting.get_absolute_url(),
        )
    return item


@transaction.atomic
def invitations_from_consultations(*, agenda_item: AgendaItem, by):
    """Invite everyone consulted on the item's topic as X stakeholders, once each.

    Returns (invited, skipped as already invited, problems, consultations seen);
    a party that cannot be invited (an outside party without a phone) is listed in
    problems with the reason, and the others are still invited.
    """
    summary = topic_selectors.consultation_summary(topic_id=agenda_item.topic_id)
    existing = Invitation.objects.filter(agenda_item=agenda_item)
    invited_residents = set(existing.values_list("resident_id", flat=True))
    invited_orgs = set(existing.values_list("organization_id", flat=True))
    invited_outside = {
        name.strip() for name in existing.values_list("outside_name", flat=True)
    }
    invited, skipped, problems = 0, 0, []
    seen = set()
    for consultation in summary["consultations"]:
        key = (
            consultation.stakeholder_resident_id,
            consultation.stakeholder_organization_id,
            consultation.outside_name.strip(),
        )
        if key in seen:
            continue
        seen.add(key)
        if (
            consultation.stakeholder_resident_id in invited_residents
            or consultation.stakeholder_organization_id in invited_orgs
            or (
                consultation.outside_name
                and consultation.outside_name.strip() in invited_outside
            )
        ):
            skipped += 1
            continue
        reason = _("Consulted before the meeting (%(position)s).") % {
            "position": consultation.get_position_display()
        }
        try:
            with transaction.atomic():  # a refused party leaves no partial row
                invitation_create(
                    agenda_item=agenda_item,
                    by=by,
                    resident=consultation.stakeholder_resident,
                    organization=consultation.stakeholder_organization,
                    outside_name=consultation.outside_name,
                    outside_phone=consultation.outside_phone,
                    reason=reason,
                )
        except ValidationError as exc:
            problems.append(
                f"{consultation.stakeholder_name}: {' '.join(exc.messages)}"
            )
        else:
            invited += 1
    return invited, skipped, problems, len(summary["consultations"])
