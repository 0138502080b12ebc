"""Invitations of stakeholders (the X of 6+X) to agenda items."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import notify
from residents.models import Organization, Resident
from topics import selectors as topic_selectors

from ..models import (
    AgendaItem,
    Invitation,
    InvitationStatus,
    MeetingStatus,
)
from .meetings import locked_meeting, meeting_page_changed


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
    meeting = locked_meeting(agenda_item.meeting)
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
    meeting_page_changed(meeting)
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
    meeting_page_changed(invitation.meeting)
    return invitation


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
            consultation.resident_id,
            consultation.organization_id,
            consultation.outside_name.strip(),
        )
        if key in seen:
            continue
        seen.add(key)
        if (
            consultation.resident_id in invited_residents
            or consultation.organization_id in invited_orgs
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
                    resident=consultation.resident,
                    organization=consultation.organization,
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
