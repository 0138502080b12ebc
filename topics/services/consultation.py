"""Pre-meeting consultation (会前协商) with the stakeholders of an accepted topic."""

from datetime import UTC, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.display import format_day
from core.forms import CLOCK_SKEW, EARLIEST_DATE
from residents.models import Organization, Resident

from ..models import ConsultationPosition, PreConsultation, Topic, TopicStatus


@transaction.atomic
def preconsultation_record(
    *,
    topic: Topic,
    by,
    consulted_at,
    position: str,
    notes: str = "",
    proposed_direction: str = "",
    resident: Resident | None = None,
    organization: Organization | None = None,
    outside_name: str = "",
    outside_phone: str = "",
) -> PreConsultation:
    """Log one consultation with a stakeholder about a topic on the agenda."""
    topic = Topic.objects.get(pk=topic.pk)
    if topic.status != TopicStatus.ACCEPTED:
        raise ValidationError(
            _("Consultations are recorded for topics accepted onto an agenda.")
        )
    if position not in ConsultationPosition.values:
        raise ValidationError({"position": _("Choose their position.")})
    earliest = datetime.combine(EARLIEST_DATE, time.min, tzinfo=UTC)
    if not (earliest <= consulted_at <= timezone.now() + CLOCK_SKEW):
        raise ValidationError(
            {
                "consulted_at": _(
                    "Give the day of the consultation: not in the future, "
                    "not before %(earliest)s."
                )
                % {"earliest": format_day(EARLIEST_DATE)}
            }
        )
    for party in (resident, organization):
        if party is not None and party.community_id != topic.community_id:
            raise ValidationError(_("Choose someone from this community."))
    consultation = PreConsultation(
        topic=topic,
        logged_by=by,
        consulted_at=consulted_at,
        position=position,
        notes=(notes or "").strip(),
        proposed_direction=(proposed_direction or "").strip(),
        resident=resident,
        organization=organization,
        outside_name=(outside_name or "").strip(),
        outside_phone=(outside_phone or "").strip(),
    )
    consultation.full_clean()
    consultation.save()
    return consultation
