"""Phone numbers: normalise, validate and mask.

A mobile number is stored as its 11 ASCII digits, so that one number is one value
whatever way it was typed or read from a file: full-width digits (１３８…), a
+86 / 0086 / 86 prefix, spaces, dashes, brackets, an Excel number (13800138000.0
or 1.3800138e+10). Every check and comparison of a mobile goes through
``normalize_mobile`` first. Other phone numbers (outside parties: mobiles and
landlines) are checked by ``validate_phone``.
"""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PHONE_REGION = "CN"

_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)
# Spaces, dashes of every width and brackets that people put between digits.
_SEPARATORS_RE = re.compile(r"[\s\-‐‑‒–—―−﹘﹣()\[\]（）【】]")
_EXCEL_INTEGER_RE = re.compile(r"([0-9]+)\.0+", re.ASCII)
_SCIENTIFIC_RE = re.compile(r"[0-9](\.[0-9]+)?[eE]\+?[0-9]{1,2}", re.ASCII)
# Excel's "General" format shows at most 6 significant digits in scientific form
# (1.38001E+10): such a number has lost its last digits.
_EXCEL_SCIENTIFIC_DIGITS = 6

_EXAMPLE = "138 0013 8000"


def _invalid(message, value, code="invalid_mobile", **params) -> ValidationError:
    return ValidationError(
        message, code=code, params={"value": value, "example": _EXAMPLE, **params}
    )


def _ascii_digits(text: str) -> str:
    """Fold full-width and other decimal digits to ASCII; drop invisible marks."""
    text = unicodedata.normalize("NFKC", text)
    out = []
    for ch in text:
        if unicodedata.category(ch) == "Cf":  # zero-width space, BOM, ...
            continue
        digit = unicodedata.decimal(ch, None)
        out.append(str(digit) if digit is not None and not ch.isascii() else ch)
    return "".join(out)


def _number_text(raw) -> str:
    """The text of a number read from a form, a CSV cell or an Excel cell."""
    if isinstance(raw, bool):
        return str(raw)
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else repr(raw)
    if isinstance(raw, Decimal):
        return str(int(raw)) if raw == raw.to_integral_value() else str(raw)
    return _ascii_digits(str(raw)).strip()


def _shown(raw) -> str:
    return str(raw).strip() if not isinstance(raw, float) else repr(raw)


def phone_digits(raw) -> str:
    """The phone number without separators, full-width forms or Excel's ".0".

    Keeps a leading "+". Raises ValidationError for an Excel number shown in
    scientific notation that has lost digits. Does not check the number itself.
    """
    if raw is None:
        return ""
    value = _number_text(raw)
    if _SCIENTIFIC_RE.fullmatch(value):
        try:
            number = Decimal(value)
        except InvalidOperation:  # pragma: no cover - the pattern is a number
            number = None
        mantissa = value.lower().split("e")[0].replace(".", "").lstrip("0")
        if (
            number is None
            or number != number.to_integral_value()
            or len(mantissa) <= _EXCEL_SCIENTIFIC_DIGITS
        ):
            raise _invalid(
                _(
                    "“%(value)s” was shortened by Excel (it is shown as a number in "
                    "scientific notation), so its last digits are lost. In Excel, "
                    "format the column as text and type the full number."
                ),
                _shown(raw),
                code="shortened_number",
            )
        value = str(int(number))
    match = _EXCEL_INTEGER_RE.fullmatch(value)
    if match:  # 13800138000.0, as Excel numbers are often read
        value = match.group(1)
    return _SEPARATORS_RE.sub("", value)


def normalize_mobile(raw) -> str:
    """Return the 11-digit form of a mainland mobile number, or '' when empty.

    Accepts full-width digits, spaces, dashes, brackets, a +86 / 0086 / 86
    prefix and Excel numbers. Raises ValidationError with a message that says
    what is wrong when what remains is not a mainland mobile number.
    """
    value = phone_digits(raw)
    if not value:
        return ""
    shown = _shown(raw)
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    elif value.startswith("86") and len(value) == 13:
        value = value[2:]
    if _MOBILE_RE.fullmatch(value):
        return value
    if value.startswith(("+", "00")):
        raise _invalid(
            _(
                "“%(value)s” is a number outside mainland China. Only mainland "
                "mobile numbers (11 digits starting with 1) can be stored here."
            ),
            shown,
        )
    if not value.isascii() or not value.isdigit():
        raise _invalid(
            _(
                "“%(value)s” is not a valid mobile number: it holds letters or signs. "
                "A mobile number is 11 digits starting with 1, for example "
                "%(example)s."
            ),
            shown,
        )
    if value.startswith("0") and _is_landline(value):
        raise _invalid(
            _(
                "“%(value)s” is a landline number, not a mobile number. Write the "
                "person's mobile number (11 digits starting with 1), or leave it "
                "empty and put the landline in the notes."
            ),
            shown,
            code="landline",
        )
    if len(value) != 11:
        raise _invalid(
            _(
                "“%(value)s” is not a valid mobile number: it has %(count)s digits, "
                "but a mobile number has 11, starting with 1 (for example "
                "%(example)s)."
            ),
            shown,
            count=len(value),
        )
    raise _invalid(
        _(
            "“%(value)s” is not a valid mobile number: mainland mobile numbers "
            "start with 13 to 19 (for example %(example)s)."
        ),
        shown,
    )


def _is_landline(digits: str) -> bool:
    try:
        number = phonenumbers.parse(digits, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number) and phonenumbers.number_type(
        number
    ) in (
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def normalize_phone(raw) -> str:
    """Return a phone number (mobile or landline) written one way, or ''.

    Mainland numbers in national form ("138 0013 8000", "0594 123 4567"), others
    in international form ("+852 2123 4567"). Raises ValidationError with a
    message a clerk understands.
    """
    value = phone_digits(raw)
    if not value:
        return ""
    shown = _shown(raw)
    if not re.fullmatch(r"\+?[0-9]+", value, re.ASCII):
        raise _invalid(
            _(
                "“%(value)s” is not a phone number: it holds letters or signs. "
                "Write only the digits, for example %(example)s or 0594-1234567."
            ),
            shown,
            code="invalid_phone",
        )
    try:
        number = phonenumbers.parse(value, PHONE_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        if not value.startswith(("0", "1", "+")) and 7 <= len(value) <= 8:
            raise _invalid(
                _(
                    "“%(value)s” looks like a landline number without its area "
                    "code. Write the area code in front, for example 0594-1234567."
                ),
                shown,
                code="invalid_phone",
            )
        raise _invalid(
            _(
                "“%(value)s” is not a valid phone number. Write a mobile number "
                "(11 digits, for example %(example)s) or a landline with its area "
                "code (for example 0594-1234567)."
            ),
            shown,
            code="invalid_phone",
        )
    if phonenumbers.region_code_for_number(number) == PHONE_REGION:
        return phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.NATIONAL
        )
    return phonenumbers.format_number(
        number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )


def validate_phone(value) -> None:
    """Validator for a phone number of someone outside the community's residents."""
    normalize_phone(value)


def mobile_search_digits(query: str) -> str:
    """The digits of a search that is (part of) a mobile number, or ''.

    "１３８ 0013", "+86 1380013" and "138-0013" search as digits; anything with
    letters or fewer than four digits does not.
    """
    try:
        value = phone_digits(query)
    except ValidationError:
        return ""
    for prefix in ("+86", "0086"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    if len(value) >= 4 and value.isascii() and value.isdigit():
        return value
    return ""


def mask_mobile(mobile: str) -> str:
    """138****5678 for a mobile number; '' stays ''."""
    if not mobile:
        return ""
    if len(mobile) < 7:
        return "*" * len(mobile)
    return f"{mobile[:3]}****{mobile[-4:]}"


def validate_mobile(value: str) -> None:
    normalize_mobile(value)
