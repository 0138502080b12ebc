"""Resident records."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..mobile import (
    mask_mobile,
    mobile_search_digits,
    normalize_mobile,
    validate_mobile,
)
from ..pinyin import name_sort_key
from .communities import Community
from .users import User


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
