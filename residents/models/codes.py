"""Codes sent by text message: login links and mobile changes."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..mobile import (
    mask_mobile,
)
from .residents import Resident
from .users import User


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
