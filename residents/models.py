"""Communities, people, roles and the five kinds of organisation."""

import re
from datetime import timedelta

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .mobile import (
    mask_mobile,
    mobile_search_digits,
    normalize_mobile,
    validate_mobile,
)
from .pinyin import name_sort_key


class User(AbstractUser):
    """A login. Residents without a phone or a login exist only as Resident rows."""

    mobile = models.CharField(
        _("mobile number"),
        max_length=11,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_mobile],
        help_text=_("11 digits; can be used to log in."),
    )
    display_name = models.CharField(
        pgettext_lazy("person", "name"), max_length=100, blank=True
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=[("zh-hans", "简体中文"), ("en", "English")],
        default="zh-hans",
    )
    must_change_password = models.BooleanField(
        _("must set a new password"),
        default=False,
        help_text=_(
            "Set when staff hand over a one-time code; cleared when the person "
            "chooses their own password."
        ),
    )
    one_time_code_expires_at = models.DateTimeField(
        _("one-time code valid until"),
        null=True,
        blank=True,
        help_text=_(
            "Set while the password is a one-time code from staff: it works once, "
            "until then."
        ),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username

    def clean(self):
        super().clean()
        if self.mobile:
            self.mobile = normalize_mobile(self.mobile)
        else:
            self.mobile = None

    @property
    def name(self) -> str:
        return str(self)


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


class ResidentQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """Fill each name's pinyin sort key, as save() does (bulk_create skips save)."""
        objs = list(objs)
        for resident in objs:
            resident.name_pinyin = name_sort_key(resident.name)
        return super().bulk_create(objs, *args, **kwargs)

    def for_community(self, community):
        return self.filter(community=community)

    def search(self, query: str, *, by_mobile: bool = True):
        """Match name, building ("3" or "3号楼") and, when allowed, mobile digits.

        Pass by_mobile=False for people who only see masked numbers: a search by
        digits would tell them whose number it is.
        """
        query = (query or "").strip()
        if not query:
            return self
        building = re.sub(r"\s*(号楼|栋|号|幢)$", "", query)  # "3号楼" -> "3"
        condition = Q(name__icontains=query) | Q(building__iexact=building or query)
        digits = mobile_search_digits(query)  # "１３８ 0013", "+86 138-0013"
        if by_mobile and digits:
            condition |= Q(mobile__contains=digits)
        return self.filter(condition)


class Resident(models.Model):
    """A person the council serves, with or without a login."""

    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        related_name="residents",
        verbose_name=_("community"),
    )
    user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resident_records",
        verbose_name=_("login"),
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    # Filled from the name on every save: lists sort by it (see residents.pinyin).
    name_pinyin = models.CharField(
        _("name in pinyin"), max_length=300, blank=True, editable=False
    )
    mobile = models.CharField(
        _("mobile number"), max_length=11, blank=True, validators=[validate_mobile]
    )
    building = models.CharField(_("building"), max_length=30, blank=True)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    room = models.CharField(_("room"), max_length=30, blank=True)
    household = models.CharField(
        _("household"),
        max_length=50,
        blank=True,
        help_text=_("Household registration number or name of the head of household."),
    )
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"), null=True, blank=True
    )
    birth_date = models.DateField(
        _("date of birth"),
        null=True,
        blank=True,
        help_text=_("When only the year and month are known, the first of the month."),
    )
    is_elderly_alone = models.BooleanField(_("elderly living alone"), default=False)
    is_left_behind_child = models.BooleanField(_("left-behind child"), default=False)
    has_disability = models.BooleanField(_("disability"), default=False)
    notes = models.TextField(pgettext_lazy("resident", "notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["community", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "mobile"],
                condition=~Q(mobile=""),
                name="resident_unique_mobile_in_community",
            ),
            models.UniqueConstraint(
                fields=["community", "user"],
                condition=Q(user__isnull=False),
                name="resident_unique_user_in_community",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "name"], name="resident_comm_name_idx"),
            models.Index(
                fields=["community", "name_pinyin", "id"],
                name="resident_comm_pinyin_idx",
            ),
            models.Index(
                fields=["community", "building"], name="resident_comm_bldg_idx"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_pinyin = name_sort_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_pinyin"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "residents:resident_detail",
            kwargs={"community": self.community.slug, "pk": self.pk},
        )

    def clean(self):
        super().clean()
        try:
            self.mobile = normalize_mobile(self.mobile)
        except ValidationError as exc:
            raise ValidationError({"mobile": exc.messages}) from exc

    @property
    def has_login(self) -> bool:
        return self.user_id is not None

    @property
    def address(self) -> str:
        parts = []
        if self.building:
            parts.append(_("Building %(b)s") % {"b": self.building})
        if self.unit:
            parts.append(_("Unit %(u)s") % {"u": self.unit})
        if self.room:
            parts.append(_("Room %(r)s") % {"r": self.room})
        return " ".join(str(p) for p in parts)

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)

    @property
    def masked_address(self) -> str:
        if not self.building:
            return ""
        return _("Building %(b)s, ****") % {"b": self.building}

    @property
    def tag_labels(self) -> list[str]:
        labels = []
        for field in ("is_elderly_alone", "is_left_behind_child", "has_disability"):
            if getattr(self, field):
                labels.append(str(self._meta.get_field(field).verbose_name))
        return labels


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


class ImportStatus(models.TextChoices):
    READY = "ready", pgettext_lazy("import status", "waiting for confirmation")
    QUEUED = "queued", pgettext_lazy("import status", "queued")
    CHECKING = "checking", pgettext_lazy("import status", "checking rows")
    WRITING = "writing", pgettext_lazy("import status", "saving residents")
    DONE = "done", pgettext_lazy("import status", "imported")
    CANCELLED = "cancelled", pgettext_lazy("import status", "cancelled")
    FAILED = "failed", pgettext_lazy("import status", "failed")


class ResidentImport(models.Model):
    """An uploaded file of residents: its checked rows, its report and its progress.

    The valid rows wait here (as JSON) until staff confirm or cancel, so the person
    can leave the page and come back.
    """

    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        related_name="resident_imports",
        verbose_name=_("community"),
    )
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=40)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ImportStatus.choices,
        default=ImportStatus.READY,
    )
    columns = models.JSONField(
        _("columns"),
        default=list,
        help_text=_("Each column of the file and the field it was read into."),
    )
    encoding = models.CharField(_("text encoding"), max_length=20, blank=True)
    preview = models.JSONField(_("first rows"), default=list)
    raw_rows = models.JSONField(
        _("rows as read"),
        default=list,
        help_text=_(
            "Every row of the file as read, kept until the import is confirmed or "
            "cancelled, so the rows can be checked again when a column is mapped."
        ),
    )
    rows = models.JSONField(_("valid rows"), default=list)
    report = models.JSONField(
        _("row report"), default=list, help_text=_("Rows that cannot be imported.")
    )
    total_rows = models.PositiveIntegerField(_("rows in the file"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with problems"), default=0)
    warning_rows = models.PositiveIntegerField(
        _("rows to confirm"),
        default=0,
        help_text=_("Possible duplicates and rows with unreadable characters."),
    )
    accepted_warnings = models.JSONField(
        _("confirmed warnings"),
        default=list,
        help_text=_("The kinds of warning staff confirmed when they started it."),
    )
    imported_count = models.PositiveIntegerField(_("imported"), default=0)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    failure = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("residents import")
        verbose_name_plural = _("residents imports")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["community", "-created_at"], name="resident_import_comm_idx"
            )
        ]

    def __str__(self):
        return f"{self.file_name} · {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse(
            "residents:import_detail",
            kwargs={"community": self.community.slug, "pk": self.pk},
        )

    @property
    def is_open(self) -> bool:
        """Waiting for staff to confirm or cancel."""
        return self.status == ImportStatus.READY

    @property
    def is_running(self) -> bool:
        return self.status in {
            ImportStatus.QUEUED,
            ImportStatus.CHECKING,
            ImportStatus.WRITING,
        }

    @property
    def is_waiting_long(self) -> bool:
        """Queued for over two minutes: the background worker may be down."""
        return (
            self.status == ImportStatus.QUEUED
            and self.confirmed_at is not None
            and timezone.now() - self.confirmed_at > timedelta(minutes=2)
        )

    @property
    def is_finished(self) -> bool:
        return self.status in {
            ImportStatus.DONE,
            ImportStatus.CANCELLED,
            ImportStatus.FAILED,
        }

    @property
    def lacks_mobile_column(self) -> bool:
        """No column of the file holds mobile numbers (staff must confirm that)."""
        return not any(column.get("field") == "mobile" for column in self.columns)


# -- codes sent by text message ------------------------------------------------


class CodeStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("code status", "waiting for the code")
    CONFIRMED = "confirmed", pgettext_lazy("code status", "confirmed")
    DECLINED = "declined", pgettext_lazy("code status", "declined")
    REPLACED = "replaced", pgettext_lazy("code status", "replaced or withdrawn")
    FAILED = "failed", pgettext_lazy("code status", "too many wrong codes")


class TextedCode(models.Model):
    """A code sent by text message to `mobile`, to prove its owner holds the phone.

    Only a keyed hash of the code is stored. It works until `expires_at`, for a
    limited number of wrong tries.
    """

    mobile = models.CharField(_("mobile number"), max_length=11)
    code_hash = models.CharField(max_length=128)
    expires_at = models.DateTimeField(_("valid until"))
    attempts = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CodeStatus.choices,
        default=CodeStatus.PENDING,
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_pending(self) -> bool:
        return self.status == CodeStatus.PENDING

    def is_expired(self, *, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    def is_open(self, *, now=None) -> bool:
        """Still waiting for the code, and the code still works."""
        return self.is_pending and not self.is_expired(now=now)


class LoginLinkQuerySet(models.QuerySet):
    def open(self, *, now=None):
        return self.filter(
            status=CodeStatus.PENDING, expires_at__gt=now or timezone.now()
        )


class LoginLink(TextedCode):
    """Staff registered a resident whose mobile number already has a login.

    The record joins that login only when its owner, logged in, enters the code
    texted to the number; until then staff cannot reach the login in any way.
    """

    resident = models.ForeignKey(
        Resident,
        on_delete=models.CASCADE,
        related_name="login_links",
        verbose_name=_("resident"),
    )
    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="login_links",
        verbose_name=_("login"),
    )
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("asked by"),
    )

    objects = LoginLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("login waiting for its owner")
        verbose_name_plural = _("logins waiting for their owners")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"],
                condition=Q(status="pending"),
                name="login_link_one_pending_per_resident",
            )
        ]
        indexes = [
            models.Index(fields=["user", "status"], name="login_link_user_status_idx")
        ]

    def __str__(self):
        return f"{self.resident} → {self.user}"


class MobileChange(TextedCode):
    """A person asked to log in with a new mobile number: it waits for the code."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="mobile_changes",
        verbose_name=_("login"),
    )

    class Meta:
        verbose_name = _("mobile number change")
        verbose_name_plural = _("mobile number changes")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="mobile_change_user_idx")
        ]

    def __str__(self):
        return f"{self.user} → {mask_mobile(self.mobile)}"
