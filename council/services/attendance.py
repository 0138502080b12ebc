"""Attendance at a meeting: check-in by staff or by QR."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from residents.models import Resident

from ..models import (
    Attendance,
    AttendanceChange,
    AttendanceRole,
    AttendanceStatus,
    Invitation,
    Meeting,
)
from ..selectors import meeting_expected_as
from .meetings import locked_meeting, meeting_page_changed

CHECK_IN_CODE_EXPIRED = gettext_lazy(
    "This check-in code has expired: it changes every two minutes. Scan the QR "
    "code on the screen in the meeting room again."
)


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
    check_in_code: str = "",
) -> Attendance:
    """Record (or correct) one person's attendance, keeping every change.

    Staff record anyone on their behalf once the agenda is published; a resident
    checks themselves in (QR) only while the meeting is in progress, with the
    code of the QR on the screen now (or the one just before), and only if
    they hold a seat, stand in as an alternate or are an invited stakeholder.
    Locks the meeting row, so two check-ins of one person make one row.
    """
    meeting = locked_meeting(meeting)
    if status not in AttendanceStatus.values:
        raise ValidationError({"status": _("Choose how they attend.")})
    if self_check_in:
        if not meeting.self_check_in_open:
            raise ValidationError(
                _("Check-in is open only while the meeting is in progress.")
            )
        if resident is None or resident.user_id != getattr(by, "pk", None):
            raise ValidationError(_("You can only check yourself in."))
        if meeting.self_check_in_code_state(check_in_code) != "current":
            raise ValidationError(CHECK_IN_CODE_EXPIRED, code="expired")
    elif not meeting.attendance_open:
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
        expected = meeting_expected_as(meeting=meeting, resident=resident)
        if expected is None:
            if self_check_in:
                raise ValidationError(
                    _("You are not invited to this meeting. Please ask the staff.")
                )
            role = AttendanceRole.OBSERVER
        else:
            role, seat = expected.role, expected.seat
            invitation = invitation or expected.invitation
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
    attendance = (
        Attendance.objects.filter(**lookup).first() if lookup is not None else None
    )
    previous = ""
    if attendance is None:
        attendance = Attendance.objects.create(
            **{"meeting": meeting, **(lookup or {}), **values}
        )
    elif attendance.status == status:
        return attendance  # recorded already: keep who and when
    else:
        previous = attendance.status
        for field, value in values.items():
            setattr(attendance, field, value)
        attendance.save(update_fields=list(values))
    AttendanceChange.objects.create(
        attendance=attendance,
        status=status,
        previous_status=previous,
        changed_by=by,
        on_behalf=values["on_behalf"],
        changed_at=values["checked_in_at"],
    )
    meeting_page_changed(meeting)  # the quorum and the count present
    return attendance
