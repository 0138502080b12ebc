"""The five kinds of organisation in a community."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..mobile import (
    mask_mobile,
    validate_mobile,
)
from .communities import Community
from .residents import Resident


class OrganizationKind(models.TextChoices):
    COMMUNITY_ORG = "community_org", _("community organisation")
    SOCIAL_ORG = "social_org", _("social organisation")
    SOCIAL_WORK_AGENCY = "social_work_agency", _("social-work agency")
    SOCIAL_RESOURCE = "social_resource", _("social resource")
    SELF_GOVERNANCE_ORG = "self_governance_org", _("self-governance organisation")


class Organization(models.Model):
    """One of the five linkage kinds serving a community."""

    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        related_name="organizations",
        verbose_name=_("community"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=OrganizationKind.choices)
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_mobile = models.CharField(
        _("contact mobile"), max_length=11, blank=True, validators=[validate_mobile]
    )
    members = models.ManyToManyField(
        Resident, blank=True, related_name="organizations", verbose_name=_("members")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"],
                name="organization_unique_name_in_community",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse(
            "residents:organization_detail",
            kwargs={"community": self.community.slug, "pk": self.pk},
        )

    @property
    def masked_contact_mobile(self) -> str:
        return mask_mobile(self.contact_mobile)
