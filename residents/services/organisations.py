"""Organisations of a community and their members."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..mobile import normalize_mobile
from ..models import (
    Community,
    Organization,
    Resident,
)
from ..selectors import HOME_ORGANIZATIONS

ORGANIZATION_FIELDS = ["kind", "name", "description", "contact_name", "contact_mobile"]


def _check_organization(organization: Organization) -> None:
    try:
        organization.contact_mobile = normalize_mobile(organization.contact_mobile)
    except ValidationError as exc:
        raise ValidationError({"contact_mobile": exc.messages}) from exc
    organization.full_clean(exclude=["community"], validate_constraints=False)
    if (
        Organization.objects.filter(
            community_id=organization.community_id, name=organization.name
        )
        .exclude(pk=organization.pk)
        .exists()
    ):
        raise ValidationError(
            {
                "name": _(
                    "An organisation with this name is already registered in this "
                    "community."
                )
            },
            code="duplicate_name",
        )


@transaction.atomic
def organization_create(*, community: Community, **fields) -> Organization:
    unknown = set(fields) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown organisation fields: {sorted(unknown)}")
    organization = Organization(community=community, **fields)
    _check_organization(organization)
    organization.save()
    HOME_ORGANIZATIONS.changed(str(community.pk))
    return organization


@transaction.atomic
def organization_update(*, organization: Organization, **fields) -> Organization:
    unknown = set(fields) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown organisation fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(organization, name, value)
    _check_organization(organization)
    organization.save(update_fields=list(fields))
    HOME_ORGANIZATIONS.changed(str(organization.community_id))
    return organization


@transaction.atomic
def organization_member_add(
    *, organization: Organization, resident: Resident
) -> Organization:
    """Add a resident of the organisation's own community as a member."""
    if resident.community_id != organization.community_id:
        raise ValidationError(
            _("Only residents of this community can be members."),
            code="other_community",
        )
    organization.members.add(resident)
    HOME_ORGANIZATIONS.changed(str(organization.community_id))
    return organization


@transaction.atomic
def organization_member_remove(
    *, organization: Organization, resident: Resident
) -> Organization:
    organization.members.remove(resident)
    HOME_ORGANIZATIONS.changed(str(organization.community_id))
    return organization
