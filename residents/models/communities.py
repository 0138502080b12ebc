"""Districts, communities, and the roles people hold in them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .users import User


class District(models.Model):
    """A district (区): its civil affairs bureau oversees the communities in it."""

    name = models.CharField(_("name"), max_length=100)
    region_path = models.CharField(
        _("region"), max_length=200, help_text=_("e.g. 福建省/莆田市/秀屿区")
    )

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Community(models.Model):
    """The platform of the five-society linkage; every row belongs to one."""

    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="communities",
        verbose_name=_("district"),
    )
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("short name for web addresses"), unique=True)
    region_path = models.CharField(
        _("region"), max_length=200, help_text=_("e.g. 福建省/莆田市/秀屿区/东峤镇")
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    population = models.PositiveIntegerField(_("population"), default=0)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("residents:community_home", kwargs={"community": self.slug})


class CommunityStats(models.Model):
    """Counts of a community's residents, kept so pages never count a million rows.

    Recounted by residents.services.community_stats_refresh: at once after a
    write in a small community, by a task in a large one, and hourly for all.
    """

    community = models.OneToOneField(
        Community,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="stats",
        verbose_name=_("community"),
    )
    residents = models.PositiveIntegerField(default=0)
    with_login = models.PositiveIntegerField(default=0)
    elderly_alone = models.PositiveIntegerField(default=0)
    left_behind_children = models.PositiveIntegerField(default=0)
    with_disability = models.PositiveIntegerField(default=0)
    households = models.PositiveIntegerField(default=0)
    # The buildings residents are registered in, in building order (1, 2 … 10).
    buildings = models.JSONField(default=list, blank=True)
    refreshed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("community counts")
        verbose_name_plural = _("community counts")

    def __str__(self):
        return f"{self.community_id}: {self.residents}"


class Role(models.TextChoices):
    RESIDENT = "resident", _("resident")
    STAFF = "staff", _("community staff")
    SOCIAL_WORKER = "social_worker", _("social worker")
    DISTRICT_OFFICER = "district_officer", _("district officer")


class Membership(models.Model):
    """A user's role in one community, or, for district officers, in one district."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        related_name="memberships",
        null=True,
        blank=True,
        verbose_name=_("community"),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.CASCADE,
        related_name="memberships",
        null=True,
        blank=True,
        verbose_name=_("district"),
    )
    organization = models.ForeignKey(
        "Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_memberships",
        verbose_name=_("organisation"),
        help_text=_("For social workers: the social-work agency they work for."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "community", "role"],
                condition=Q(community__isnull=False),
                name="membership_unique_role_in_community",
            ),
            models.UniqueConstraint(
                fields=["user", "district"],
                condition=Q(role="district_officer"),
                name="membership_unique_district_officer",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        role="district_officer",
                        district__isnull=False,
                        community__isnull=True,
                    )
                    | (
                        ~Q(role="district_officer")
                        & Q(community__isnull=False, district__isnull=True)
                    )
                ),
                name="membership_scope_matches_role",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.community or self.district}"

    def clean(self):
        super().clean()
        organization = self.organization
        if organization is None:
            return
        if self.role != Role.SOCIAL_WORKER:
            raise ValidationError(
                {
                    "organization": _(
                        "Only social workers belong to an organisation here."
                    )
                }
            )
        from .organisations import OrganizationKind  # organisations imports this module

        if organization.kind != OrganizationKind.SOCIAL_WORK_AGENCY:
            raise ValidationError({"organization": _("Choose a social-work agency.")})
        if organization.community_id != self.community_id:
            raise ValidationError(
                {
                    "organization": _(
                        "Choose a social-work agency registered in the same community."
                    )
                }
            )
