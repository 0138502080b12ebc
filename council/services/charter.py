"""The council's rules (charter), seat kinds and seats."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from residents.models import Community, Organization, Resident

from ..models import (
    DEFAULT_SEAT_KINDS,
    Council,
    CouncilChange,
    Seat,
    SeatKind,
)
from ..selectors import COMMUNITY_COUNCIL

CHARTER_FIELDS = (
    "name",
    "collection_lead_days",
    "quorum_rule",
    "passing_threshold",
    "stakeholders_vote",
    "required_kind_coverage",
    "public_meetings",
    "public_agenda",
    "public_decided_topics",
    "public_results",
)


@transaction.atomic
def council_create(*, community: Community) -> Council:
    """Create the community's council with the six default seat kinds.

    Runs when the community is created (registered with
    residents.services.on_community_created); idempotent, so a second call
    returns the council as it is.
    """
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
    COMMUNITY_COUNCIL.changed(str(council.community_id))
    return council


@transaction.atomic
def seat_kind_update(
    *, kind: SeatKind, by, name: str, position: int, seat_count: int
) -> SeatKind:
    """Rename, reorder or resize a seat kind (logged)."""
    kind = SeatKind.objects.select_for_update().filter(pk=kind.pk).first()
    if kind is None:
        raise ValidationError(_("This seat kind no longer exists."))
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
    COMMUNITY_COUNCIL.changed(str(kind.council.community_id))
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
    COMMUNITY_COUNCIL.changed(str(seat.council.community_id))
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
    COMMUNITY_COUNCIL.changed(str(seat.council.community_id))
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
    # seat_end and seat_assign announced the change; it lands with this commit.
    return new_seat
