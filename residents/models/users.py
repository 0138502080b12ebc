"""The user who logs in."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..mobile import (
    normalize_mobile,
    validate_mobile,
)


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
