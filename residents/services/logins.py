"""Logins for residents: one-time codes, texted codes, login links, passwords."""

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.display import format_when

from ..models import (
    CodeStatus,
    LoginLink,
    Membership,
    MobileChange,
    Resident,
    Role,
)
from ..predicates import forget_roles, login_is_community_only
from ..texting import TextNotSent, send_text
from .communities import community_stats_changed

User = get_user_model()
logger = logging.getLogger(__name__)


# No 0/O, 1/I/L: the code is read aloud and typed by hand.
ONE_TIME_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
ONE_TIME_CODE_LENGTH = 8
# Codes sent by text message: digits, typed on a phone.
TEXTED_CODE_LENGTH = 6
# At most this many codes go to one number (and to one person) per hour.
TEXTED_CODES_PER_HOUR = 5


@dataclass(frozen=True)
class OneTimeCode:
    """What staff read out to the person: the name to log in with, and the code."""

    login_name: str
    code: str
    expires_at: datetime


def _one_time_code() -> str:
    return "".join(
        secrets.choice(ONE_TIME_CODE_ALPHABET) for _ in range(ONE_TIME_CODE_LENGTH)
    )


def _one_time_code_expiry() -> datetime:
    return timezone.now() + timedelta(hours=settings.ONE_TIME_CODE_HOURS)


def _texted_code() -> str:
    return f"{secrets.randbelow(10**TEXTED_CODE_LENGTH):0{TEXTED_CODE_LENGTH}d}"


def _texted_code_hash(mobile: str, code: str) -> str:
    return salted_hmac("residents.texted-code", f"{mobile}:{code}").hexdigest()


def _username_for(resident: Resident) -> str:
    base = resident.mobile or f"{resident.community.slug}-{resident.pk}"
    username = base
    suffix = 1
    while User.objects.filter(username__iexact=username).exists():
        suffix += 1
        username = f"{base}-{suffix}"
    return username


def _not_community_only_error() -> ValidationError:
    return ValidationError(
        _(
            "This login is also used outside this community's residents (in another "
            "community, or as staff, social worker or district officer); its owner "
            "must reset the password by email."
        ),
        code="not_a_resident_login",
    )


def _locked_resident(resident: Resident) -> Resident:
    return (
        Resident.objects.select_for_update(of=("self",))
        .select_related("community", "user")
        .get(pk=resident.pk)
    )


@transaction.atomic
def resident_login_create(
    *, resident: Resident, created_by: User | None = None
) -> OneTimeCode:
    """Give a resident without a login a way to log in; return what staff read out.

    When no login has the resident's mobile number, a new login is made whose
    password is a one-time code (it works once, for ONE_TIME_CODE_HOURS). When
    one does, that login stays out of reach: its owner is texted a code with
    which, logged in with their own password, they can add this record to their
    login (login_link_accept). Staff see a code page either way, so they learn
    nothing about logins outside their community. Locks the resident row so two
    clicks make one login.
    """
    resident = _locked_resident(resident)
    if (
        resident.user_id is not None
        or resident.login_links.filter(status=CodeStatus.PENDING).exists()
    ):
        raise ValidationError(_("This resident already has a login."), code="exists")
    return _give_login(resident, created_by=created_by)


def _give_login(resident: Resident, *, created_by: User | None) -> OneTimeCode:
    existing = (
        User.objects.filter(mobile=resident.mobile).first() if resident.mobile else None
    )
    if existing is None:
        code = _one_time_code()
        expires_at = _one_time_code_expiry()
        user = User(
            username=_username_for(resident),
            mobile=resident.mobile or None,
            display_name=resident.name,
            must_change_password=True,
            one_time_code_expires_at=expires_at,
        )
        user.set_password(code)
        user.save()
        resident.user = user
        resident.save(update_fields=["user", "updated_at"])
        community_stats_changed(community_id=resident.community_id)
        Membership.objects.get_or_create(
            user=user, community_id=resident.community_id, role=Role.RESIDENT
        )
        forget_roles(user)
        return OneTimeCode(
            login_name=user.mobile or user.username, code=code, expires_at=expires_at
        )
    if Resident.objects.filter(
        community_id=resident.community_id, user=existing
    ).exists():
        raise ValidationError(
            _(
                "The login with mobile number %(mobile)s already belongs to "
                "another resident of this community."
            )
            % {"mobile": resident.mobile},
            code="login_taken",
        )
    link = _login_link_offer(resident=resident, user=existing, created_by=created_by)
    # The same page as for a new login; this code opens nothing (the page says
    # that a person who already has a login gets a text message instead).
    return OneTimeCode(
        login_name=resident.mobile, code=_one_time_code(), expires_at=link.expires_at
    )


def _login_link_offer(
    *, resident: Resident, user: User, created_by: User | None
) -> LoginLink:
    now = timezone.now()
    LoginLink.objects.filter(resident=resident, status=CodeStatus.PENDING).update(
        status=CodeStatus.REPLACED, decided_at=now
    )
    code = _texted_code()
    link = LoginLink.objects.create(
        resident=resident,
        user=user,
        created_by=created_by,
        mobile=resident.mobile,
        code_hash=_texted_code_hash(resident.mobile, code),
        expires_at=_one_time_code_expiry(),
    )
    if _texts_sent_lately(resident.mobile, now=now) <= TEXTED_CODES_PER_HOUR:
        with translation.override(user.language):
            text = _(
                "%(community)s registered you as a resident. To add it to your "
                "login, log in with your own password and enter the code %(code)s "
                "by %(time)s. If this is not you, do nothing."
            ) % {
                "community": resident.community.name,
                "code": code,
                "time": format_when(link.expires_at),
            }
        transaction.on_commit(
            lambda: _send_code_quietly(
                mobile=link.mobile,
                kind="login_link",
                text=text,
                code=code,
                reference=f"link{link.pk}",
            )
        )
    return link


def _texts_sent_lately(mobile: str, *, now: datetime) -> int:
    since = now - timedelta(hours=1)
    return (
        LoginLink.objects.filter(mobile=mobile, created_at__gte=since).count()
        + MobileChange.objects.filter(mobile=mobile, created_at__gte=since).count()
    )


def _send_code_quietly(*, mobile, kind, text, code, reference) -> None:
    """Send a code staff asked for; a failure is logged (staff see the same page)."""
    try:
        send_text(
            mobile=mobile,
            kind=kind,
            text=text,
            params={"code": code},
            reference=reference,
        )
    except TextNotSent:
        logger.warning("text %s could not be sent", reference)


@transaction.atomic
def resident_password_reset(
    *, resident: Resident, created_by: User | None = None
) -> OneTimeCode:
    """Replace a resident's password with a one-time code; return what staff read out.

    Only for a login that is this community's resident's alone
    (login_is_community_only): a login also used in another community, or by
    staff, social workers and district officers, is reset by its owner by email,
    so staff can reach nobody outside their community. For a resident whose
    number's login is still waiting for its owner, the owner is texted a new code.
    """
    resident = _locked_resident(resident)
    user = resident.user
    if user is None:
        if resident.login_links.filter(status=CodeStatus.PENDING).exists():
            return _give_login(resident, created_by=created_by)
        raise ValidationError(_("This resident has no login yet."), code="no_login")
    if not login_is_community_only(user, resident.community):
        raise _not_community_only_error()
    code = _one_time_code()
    user.set_password(code)
    user.must_change_password = True
    user.one_time_code_expires_at = _one_time_code_expiry()
    user.save(
        update_fields=["password", "must_change_password", "one_time_code_expires_at"]
    )
    return OneTimeCode(
        login_name=user.mobile or user.username,
        code=code,
        expires_at=user.one_time_code_expires_at,
    )


def user_one_time_code_use(*, user: User) -> bool:
    """Use up the one-time code `user` is logging in with; False if already used.

    One conditional UPDATE, so of two logins racing with the same code one gets
    in. The person then chooses a password (must_change_password stays set).
    """
    used_password = user.password
    user.set_unusable_password()
    user.one_time_code_expires_at = None
    return bool(
        User.objects.filter(pk=user.pk, password=used_password).update(
            password=user.password, one_time_code_expires_at=None
        )
    )


@transaction.atomic
def user_password_set(*, user: User, password: str) -> User:
    """Store the password the person chose (after a one-time code or a reset)."""
    user.set_password(password)
    user.must_change_password = False
    user.one_time_code_expires_at = None
    user.save(
        update_fields=["password", "must_change_password", "one_time_code_expires_at"]
    )
    return user


def _try_texted_code(record, code: str) -> ValidationError | None:
    """Check `code` against a locked LoginLink or MobileChange; count a wrong try.

    Returns the error to show, or None when the code is right.
    """
    if not record.is_pending:
        return ValidationError(
            {"code": _("This code is no longer valid. Ask for a new one.")},
            code="closed",
        )
    if record.is_expired():
        return ValidationError(
            {"code": _("This code has expired. Ask for a new one.")}, code="expired"
        )
    digits = "".join(ch for ch in str(code) if ch.isdigit())
    if constant_time_compare(
        _texted_code_hash(record.mobile, digits), record.code_hash
    ):
        return None
    record.attempts += 1
    fields = ["attempts"]
    left = settings.SMS_CODE_MAX_ATTEMPTS - record.attempts
    if left <= 0:
        record.status = CodeStatus.FAILED
        record.decided_at = timezone.now()
        fields += ["status", "decided_at"]
    record.save(update_fields=fields)
    if left <= 0:
        return ValidationError(
            {"code": _("Too many wrong codes. Ask for a new one.")}, code="failed"
        )
    return ValidationError(
        {
            "code": ngettext(
                "That is not the code. %(left)d try left.",
                "That is not the code. %(left)d tries left.",
                left,
            )
            % {"left": left}
        },
        code="wrong",
    )


def login_link_accept(*, link: LoginLink, user: User, code: str) -> Resident:
    """The login's owner adds a resident record to their login with the texted code.

    Needs both: being logged in as the login the record was offered to, and the
    code sent to its mobile number (so a login that merely holds someone's number
    cannot take their record). Locks the link row; a wrong code counts a try,
    and after SMS_CODE_MAX_ATTEMPTS the offer is void.
    """
    with transaction.atomic():
        link = (
            LoginLink.objects.select_for_update(of=("self",))
            .select_related("resident__community")
            .get(pk=link.pk, user=user)
        )
        error = _try_texted_code(link, code)
        if error is None:
            return _link_resident(link, user)
    raise error


def _link_resident(link: LoginLink, user: User) -> Resident:
    resident = _locked_resident(link.resident)
    if (
        resident.user_id is not None
        or resident.mobile != link.mobile
        or user.mobile != link.mobile
    ):
        raise ValidationError(
            _("This record changed since the code was sent. Ask the staff again."),
            code="changed",
        )
    if Resident.objects.filter(community_id=resident.community_id, user=user).exists():
        raise ValidationError(
            _(
                "Your login already belongs to a resident of %(community)s. Ask its "
                "staff to put the two records together."
            )
            % {"community": resident.community.name},
            code="login_taken",
        )
    resident.user = user
    resident.save(update_fields=["user", "updated_at"])
    community_stats_changed(community_id=resident.community_id)
    Membership.objects.get_or_create(
        user=user, community_id=resident.community_id, role=Role.RESIDENT
    )
    forget_roles(user)
    link.status = CodeStatus.CONFIRMED
    link.decided_at = timezone.now()
    link.save(update_fields=["status", "decided_at"])
    return resident


@transaction.atomic
def login_link_decline(*, link: LoginLink, user: User) -> LoginLink:
    """The login's owner says the offered record is not theirs: it stays unlinked."""
    link = LoginLink.objects.select_for_update().get(pk=link.pk, user=user)
    if link.is_pending:
        link.status = CodeStatus.DECLINED
        link.decided_at = timezone.now()
        link.save(update_fields=["status", "decided_at"])
    return link
