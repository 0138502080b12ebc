"""Mainland China mobile numbers: validate, normalise and mask."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_STRIP_RE = re.compile(r"[\s\-()（）]")


def normalize_mobile(raw: str | None) -> str:
    """Return the 11-digit form of a mobile number, or '' when empty.

    Accepts spaces, dashes, brackets and a +86 / 0086 / 86 prefix. Raises
    ValidationError when what remains is not a mainland mobile number.
    """
    if raw is None:
        return ""
    value = _STRIP_RE.sub("", str(raw).strip())
    if value.endswith(".0") and value[:-2].isdigit():  # numbers read from Excel
        value = value[:-2]
    if not value:
        return ""
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    elif value.startswith("86") and len(value) == 13:
        value = value[2:]
    if not _MOBILE_RE.match(value):
        raise ValidationError(
            _("“%(value)s” is not a valid mobile number (11 digits starting with 1)."),
            code="invalid_mobile",
            params={"value": raw},
        )
    return value


def mask_mobile(mobile: str) -> str:
    """138****5678 for a mobile number; '' stays ''."""
    if not mobile:
        return ""
    if len(mobile) < 7:
        return "*" * len(mobile)
    return f"{mobile[:3]}****{mobile[-4:]}"


def validate_mobile(value: str) -> None:
    normalize_mobile(value)
