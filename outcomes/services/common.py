"""What the outcomes services share: locks, people to tell, the community check."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from residents.models import Community, Role

from ..models import Outcome


def staff_and_social_workers(community: Community):
    """Active users who are staff or social workers of the community."""
    return (
        get_user_model()
        .objects.filter(
            memberships__community=community,
            memberships__role__in=[Role.STAFF, Role.SOCIAL_WORKER],
            is_active=True,
        )
        .distinct()
    )


def locked_outcome(outcome: Outcome) -> Outcome:
    return (
        Outcome.objects.select_for_update(of=("self",))
        .select_related("community", "agenda_item", "meeting", "topic")
        .get(pk=outcome.pk)
    )


def same_community(community: Community, *objects, message: str | None = None):
    """Refuse a resident or organisation from another community."""
    for obj in objects:
        if obj is not None and obj.community_id != community.pk:
            raise ValidationError(message or _("Choose someone from this community."))


def require_text(value: str, field: str, message: str, limit: int = 0) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    if limit and len(value) > limit:
        raise ValidationError(
            {field: _("Write at most %(n)d characters.") % {"n": limit}}
        )
    return value
