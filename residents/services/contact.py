"""A user's own details: profile, contact, and changing or removing the mobile."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..mobile import normalize_mobile
from ..models import (
    CodeStatus,
    MobileChange,
    Resident,
)
from ..selectors import COMMUNITY_RESIDENTS
from ..texting import TextNotSent, send_text
from .logins import (
    TEXTED_CODES_PER_HOUR,
    _texted_code,
    _texted_code_hash,
    _texts_sent_lately,
    _try_texted_code,
)
from .residents import _mobile_taken_error

User = get_user_model()


def user_profile_update(
    *, user: User, mobile: str, email: str, language: str
) -> MobileChange | None:
    """Save a person's profile: email and language now, a new number after its code.

    Returns the MobileChange waiting for the code texted to a new number, or None.
    A new number that cannot be started on (user_mobile_change_start) saves
    nothing, so the person corrects the form. Removing the number needs no code.
    """
    try:
        mobile = normalize_mobile(mobile)
    except ValidationError as exc:
        raise ValidationError({"mobile": exc.messages}) from exc
    change = None
    if mobile and mobile != user.mobile:
        change = user_mobile_change_start(user=user, mobile=mobile)
    with transaction.atomic():
        user_contact_update(user=user, email=email, language=language)
        if not mobile and user.mobile:
            user_mobile_remove(user=user)
    return change


@transaction.atomic
def user_contact_update(*, user: User, email: str, language: str) -> User:
    """A person changes their email address and language (the mobile number has
    its own steps: user_mobile_change_start and _confirm)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.email = email.strip()
    user.language = language
    user.full_clean(exclude=["password", "username"], validate_unique=False)
    user.save(update_fields=["email", "language"])
    return user


def user_mobile_change_start(*, user: User, mobile: str) -> MobileChange:
    """Text a code to a new mobile number; the number is the person's once entered.

    Whether the number is someone else's is said only after the code, to the
    person holding the phone. Raises ValidationError (on "mobile") for a number
    that is not valid or already the person's, after too many codes in the last
    hour, or when the text message cannot be sent.
    """
    try:
        mobile = normalize_mobile(mobile)
    except ValidationError as exc:
        raise ValidationError({"mobile": exc.messages}) from exc
    if not mobile:
        raise ValidationError({"mobile": _("Enter the new mobile number.")})
    if mobile == user.mobile:
        raise ValidationError(
            {"mobile": _("This is already your mobile number.")}, code="same"
        )
    now = timezone.now()
    if (
        MobileChange.objects.filter(
            user=user, created_at__gte=now - timedelta(hours=1)
        ).count()
        >= TEXTED_CODES_PER_HOUR
        or _texts_sent_lately(mobile, now=now) >= TEXTED_CODES_PER_HOUR
    ):
        raise ValidationError(
            {
                "mobile": _(
                    "Too many codes were sent in the last hour. Try again later."
                )
            },
            code="too_many",
        )
    code = _texted_code()
    with transaction.atomic():
        MobileChange.objects.filter(user=user, status=CodeStatus.PENDING).update(
            status=CodeStatus.REPLACED, decided_at=now
        )
        change = MobileChange.objects.create(
            user=user,
            mobile=mobile,
            code_hash=_texted_code_hash(mobile, code),
            expires_at=now + timedelta(minutes=settings.SMS_CODE_MINUTES),
        )
    with translation.override(user.language):
        text = ngettext(
            "Your code to change the mobile number of your login is %(code)s. It "
            "works for %(minutes)d minute. If you did not ask for it, ignore this.",
            "Your code to change the mobile number of your login is %(code)s. It "
            "works for %(minutes)d minutes. If you did not ask for it, ignore this.",
            settings.SMS_CODE_MINUTES,
        ) % {"code": code, "minutes": settings.SMS_CODE_MINUTES}
    try:
        send_text(
            mobile=mobile,
            kind="mobile_code",
            text=text,
            params={"code": code},
            reference=f"mobile{change.pk}",
        )
    except TextNotSent as exc:
        MobileChange.objects.filter(pk=change.pk).update(
            status=CodeStatus.REPLACED, decided_at=timezone.now()
        )
        raise ValidationError(
            {
                "mobile": _(
                    "The text message could not be sent. Check the number, or try "
                    "again in a moment."
                )
            },
            code="not_sent",
        ) from exc
    return change


def user_mobile_change_confirm(*, change: MobileChange, user: User, code: str) -> User:
    """With the right code, the new number becomes the person's (and their records').

    Then, and only then, it is checked that no other login uses the number and no
    neighbour in the person's communities has it; then the change is void and the
    person is told why. Locks the change row and the login row.
    """
    with transaction.atomic():
        change = MobileChange.objects.select_for_update().get(pk=change.pk, user=user)
        error = _try_texted_code(change, code)
        if error is None:
            change.status = CodeStatus.CONFIRMED
            change.decided_at = timezone.now()
            change.save(update_fields=["status", "decided_at"])
    if error is not None:
        raise error
    try:
        return _user_mobile_set(user=user, mobile=change.mobile)
    except ValidationError as exc:
        MobileChange.objects.filter(pk=change.pk).update(status=CodeStatus.REPLACED)
        raise ValidationError({"code": exc.messages}) from exc


@transaction.atomic
def user_mobile_remove(*, user: User) -> User:
    """The person no longer logs in with a mobile number (the username still works)."""
    return _user_mobile_set(user=user, mobile="")


@transaction.atomic
def _user_mobile_set(*, user: User, mobile: str) -> User:
    """Write the login's number to the login and its resident records.

    It must be free in each of those communities, and no other login may use it.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if mobile and User.objects.filter(mobile=mobile).exclude(pk=user.pk).exists():
        raise ValidationError(
            {"mobile": _("Another login already uses this mobile number.")},
            code="duplicate_mobile",
        )
    records = list(Resident.objects.filter(user=user))
    for record in records:
        if (
            mobile
            and Resident.objects.filter(community_id=record.community_id, mobile=mobile)
            .exclude(pk=record.pk)
            .exists()
        ):
            raise _mobile_taken_error(mobile)
    user.mobile = mobile or None
    try:
        with transaction.atomic():
            user.save(update_fields=["mobile"])
            Resident.objects.filter(user=user).update(
                mobile=mobile, updated_at=timezone.now()
            )
            COMMUNITY_RESIDENTS.changed(  # the residents lists show the number
                *{str(record.community_id) for record in records}
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"mobile": _("Another login already uses this mobile number.")}
        ) from exc
    return user
