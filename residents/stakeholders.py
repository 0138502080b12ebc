"""A stakeholder (利益相关方): one of the community's residents or organisations, or someone from outside.

Topics consult stakeholders before a meeting (topics.PreConsultation) and the
council invites them to an agenda item (council.Invitation): both name exactly one
stakeholder with the same four columns, so the columns, the rule and the name
shown live here once. The form that picks one is residents.forms.StakeholderFormMixin.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Organization, Resident


class StakeholderKind(models.TextChoices):
    RESIDENT = "resident", _("a resident")
    ORGANIZATION = "organization", _("an organisation")
    OUTSIDE = "outside", _("an outside party (company, school, …)")


# What a stakeholder is, shown beside their name.
KIND_NOUNS = {
    StakeholderKind.RESIDENT: _("resident"),
    StakeholderKind.ORGANIZATION: _("organisation"),
    StakeholderKind.OUTSIDE: _("outside party"),
}


def exactly_one_stakeholder(*, name: str) -> models.CheckConstraint:
    """The database's half of the rule: a resident, an organisation or an outside name."""
    return models.CheckConstraint(
        condition=(
            Q(resident__isnull=False, organization__isnull=True, outside_name="")
            | Q(resident__isnull=True, organization__isnull=False, outside_name="")
            | (
                Q(resident__isnull=True, organization__isnull=True)
                & ~Q(outside_name="")
            )
        ),
        name=name,
    )


def stakeholder_resident_field(**kwargs) -> models.ForeignKey:
    """The resident column; a subclass whose column has another name passes db_column."""
    return models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)ss",
        verbose_name=_("resident"),
        **kwargs,
    )


def stakeholder_organization_field(**kwargs) -> models.ForeignKey:
    """The organisation column; a subclass whose column has another name passes db_column."""
    return models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)ss",
        verbose_name=_("organisation"),
        **kwargs,
    )


class Stakeholder(models.Model):
    """Abstract: who, out of a resident, an organisation or an outside party.

    Each subclass adds `exactly_one_stakeholder(name=...)` to its Meta.constraints
    (a constraint name is per table). Records stay when they name someone: a
    resident or organisation with consultations or invitations is not deleted.
    """

    resident = stakeholder_resident_field()
    organization = stakeholder_organization_field()
    outside_name = models.CharField(_("outside party"), max_length=100, blank=True)
    outside_phone = models.CharField(_("their phone"), max_length=20, blank=True)

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        chosen = [
            self.resident_id is not None,
            self.organization_id is not None,
            bool(self.outside_name.strip()),
        ]
        if sum(chosen) != 1:
            raise ValidationError(
                _(
                    "Choose one stakeholder: a resident, an organisation, "
                    "or the name of an outside party."
                )
            )

    @property
    def stakeholder_kind(self) -> str:
        if self.resident_id:
            return StakeholderKind.RESIDENT
        if self.organization_id:
            return StakeholderKind.ORGANIZATION
        return StakeholderKind.OUTSIDE

    @property
    def stakeholder_kind_label(self) -> str:
        return str(KIND_NOUNS[self.stakeholder_kind])

    @property
    def stakeholder_name(self) -> str:
        if self.resident_id:
            return self.resident.name
        if self.organization_id:
            return self.organization.name
        return self.outside_name
