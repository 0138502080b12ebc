"""Every write to communities, residents, logins and organisations goes through here."""

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.display import format_when

from . import importing
from .mobile import normalize_mobile
from .models import (
    CodeStatus,
    Community,
    CommunityStats,
    ImportStatus,
    LoginLink,
    Membership,
    MobileChange,
    Organization,
    Resident,
    ResidentImport,
    Role,
)
from .predicates import forget_roles, login_is_community_only
from .selectors import building_sort_key
from .texting import TextNotSent, send_text

User = get_user_model()
logger = logging.getLogger(__name__)

RESIDENT_FIELDS = [
    "name",
    "mobile",
    "building",
    "unit",
    "room",
    "household",
    "birth_year",
    "birth_date",
    "is_elderly_alone",
    "is_left_behind_child",
    "has_disability",
    "notes",
]
ORGANIZATION_FIELDS = ["kind", "name", "description", "contact_name", "contact_mobile"]
# No 0/O, 1/I/L: the code is read aloud and typed by hand.
ONE_TIME_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
ONE_TIME_CODE_LENGTH = 8
# Codes sent by text message: digits, typed on a phone.
TEXTED_CODE_LENGTH = 6
# At most this many codes go to one number (and to one person) per hour.
TEXTED_CODES_PER_HOUR = 5
IMPORT_BATCH_SIZE = 1000


# -- communities ---------------------------------------------------------------

# What the apps above residents keep for each community (the council, for one):
# they register a function here in their AppConfig.ready(), since residents
# imports nothing above it.
_COMMUNITY_SETUP: list[Callable] = []


def on_community_created(setup: Callable) -> None:
    """Register `setup(community=...)` to run for every community created."""
    if setup not in _COMMUNITY_SETUP:
        _COMMUNITY_SETUP.append(setup)


@transaction.atomic
def community_create(**fields) -> Community:
    """Create a community with what every app keeps for it (its council ...)."""
    community = Community(**fields)
    community.full_clean()
    community.save()
    community_setup(community=community)
    return community


@transaction.atomic
def community_setup(*, community: Community) -> None:
    """Run the registered setup for a community just saved (by the admin, say).

    Each setup is idempotent, so running it again changes nothing.
    """
    for setup in _COMMUNITY_SETUP:
        setup(community=community)


# -- residents ---------------------------------------------------------------


def _mobile_taken_error(mobile: str) -> ValidationError:
    return ValidationError(
        {
            "mobile": _(
                "Another resident of this community already has the mobile number "
                "%(mobile)s."
            )
            % {"mobile": mobile}
        },
        code="duplicate_mobile",
    )


def _check_resident(resident: Resident) -> None:
    try:
        resident.mobile = normalize_mobile(resident.mobile)
    except ValidationError as exc:
        raise ValidationError({"mobile": exc.messages}) from exc
    if resident.birth_date:
        if resident.birth_year and resident.birth_year != resident.birth_date.year:
            raise ValidationError(
                {
                    "birth_year": _(
                        "The year of birth does not match the date of birth (%(date)s)."
                    )
                    % {"date": resident.birth_date.isoformat()}
                },
                code="birth_year_mismatch",
            )
        resident.birth_year = resident.birth_date.year
    resident.full_clean(exclude=["community", "user"], validate_constraints=False)
    if (
        resident.mobile
        and Resident.objects.filter(community_id=resident.community_id)
        .filter(mobile=resident.mobile)
        .exclude(pk=resident.pk)
        .exists()
    ):
        raise _mobile_taken_error(resident.mobile)


def _save_resident(resident: Resident, **save_kwargs) -> None:
    try:
        with transaction.atomic():
            resident.save(**save_kwargs)
    except IntegrityError as exc:  # a concurrent save took the mobile number
        raise _mobile_taken_error(resident.mobile) from exc


# -- kept counts -------------------------------------------------------------

# A community up to this many residents is recounted right after a write (a few
# milliseconds); a larger one by a task, at most once per STATS_TASK_DELAY.
STATS_SYNC_LIMIT = 20_000
STATS_TASK_DELAY = 30  # seconds


def community_stats_refresh(*, community_id: int) -> CommunityStats:
    """Recount the community's residents and keep the counts (two queries)."""
    residents = Resident.objects.filter(community_id=community_id)
    counts = residents.aggregate(
        residents=Count("pk"),
        with_login=Count("pk", filter=Q(user__isnull=False)),
        elderly_alone=Count("pk", filter=Q(is_elderly_alone=True)),
        left_behind_children=Count("pk", filter=Q(is_left_behind_child=True)),
        with_disability=Count("pk", filter=Q(has_disability=True)),
        households=Count("household", distinct=True, filter=~Q(household="")),
    )
    buildings = (
        residents.exclude(building="")
        .values_list("building", flat=True)
        .distinct()
        .order_by()
    )
    stats, _created = CommunityStats.objects.update_or_create(
        community_id=community_id,
        defaults={
            **counts,
            "buildings": sorted(buildings, key=building_sort_key),
            "refreshed_at": timezone.now(),
        },
    )
    return stats


def community_stats_changed(*, community_id: int) -> None:
    """Recount the community's residents once this transaction commits.

    At once for a small community, so its pages stay exact; by a task a little
    later for a large one (several writes in a row make one recount).
    """
    transaction.on_commit(lambda: _recount(community_id))


def _recount(community_id: int) -> None:
    size = (
        CommunityStats.objects.filter(community_id=community_id)
        .values_list("residents", flat=True)
        .first()
    )
    if size is None or size <= STATS_SYNC_LIMIT:
        community_stats_refresh(community_id=community_id)
        return
    if cache.add(f"community-stats-queued:{community_id}", 1, STATS_TASK_DELAY + 60):
        from .tasks import refresh_community_stats

        refresh_community_stats.apply_async(
            args=[community_id], countdown=STATS_TASK_DELAY
        )


@transaction.atomic
def resident_create(*, community: Community, **fields) -> Resident:
    """Register a resident (with or without a login) in the community."""
    unknown = set(fields) - set(RESIDENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown resident fields: {sorted(unknown)}")
    resident = Resident(community=community, **fields)
    _check_resident(resident)
    _save_resident(resident)
    community_stats_changed(community_id=community.pk)
    return resident


@transaction.atomic
def resident_update(*, resident: Resident, **fields) -> Resident:
    """Change a resident's details; the mobile number stays unique in the community.

    When the resident logs in with the old number and the login belongs to this
    community's resident alone (login_is_community_only), the login follows the
    new number (the person told staff their number changed). Other logins are
    left alone. A login offered to the old number's owner (a pending link) is
    withdrawn: it was meant for that number.
    """
    unknown = set(fields) - set(RESIDENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown resident fields: {sorted(unknown)}")
    old_mobile = resident.mobile
    for name, value in fields.items():
        setattr(resident, name, value)
    _check_resident(resident)
    update_fields = {*fields, "updated_at"}
    if "birth_date" in fields:
        update_fields.add("birth_year")  # follows the date
    _save_resident(resident, update_fields=sorted(update_fields))
    community_stats_changed(community_id=resident.community_id)
    if resident.mobile != old_mobile:
        LoginLink.objects.filter(resident=resident, status=CodeStatus.PENDING).update(
            status=CodeStatus.REPLACED, decided_at=timezone.now()
        )
        if resident.user_id and resident.mobile:
            _login_follows_mobile(resident, old_mobile)
    return resident


def _login_follows_mobile(resident: Resident, old_mobile: str) -> None:
    user = User.objects.select_for_update().get(pk=resident.user_id)
    if user.mobile != old_mobile or not login_is_community_only(
        user, resident.community
    ):
        return
    if User.objects.filter(mobile=resident.mobile).exclude(pk=user.pk).exists():
        return  # the new number is someone else's login: keep the old one
    user.mobile = resident.mobile
    user.save(update_fields=["mobile"])


# -- logins and one-time codes -------------------------------------------------


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


# -- my contact details --------------------------------------------------------


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
    for record in Resident.objects.filter(user=user):
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
    except IntegrityError as exc:
        raise ValidationError(
            {"mobile": _("Another login already uses this mobile number.")}
        ) from exc
    return user


# -- organisations -----------------------------------------------------------


def _check_organization(organization: Organization) -> None:
    try:
        organization.contact_mobile = normalize_mobile(organization.contact_mobile)
    except ValidationError as exc:
        raise ValidationError({"contact_mobile": exc.messages}) from exc
    organization.full_clean(exclude=["community"], validate_constraints=False)
    if (
        Organization.objects.filter(
            community_id=organization.community_id, name=organization.name
        )
        .exclude(pk=organization.pk)
        .exists()
    ):
        raise ValidationError(
            {
                "name": _(
                    "An organisation with this name is already registered in this "
                    "community."
                )
            },
            code="duplicate_name",
        )


@transaction.atomic
def organization_create(*, community: Community, **fields) -> Organization:
    unknown = set(fields) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown organisation fields: {sorted(unknown)}")
    organization = Organization(community=community, **fields)
    _check_organization(organization)
    organization.save()
    return organization


@transaction.atomic
def organization_update(*, organization: Organization, **fields) -> Organization:
    unknown = set(fields) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown organisation fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(organization, name, value)
    _check_organization(organization)
    organization.save(update_fields=list(fields))
    return organization


@transaction.atomic
def organization_member_add(
    *, organization: Organization, resident: Resident
) -> Organization:
    """Add a resident of the organisation's own community as a member."""
    if resident.community_id != organization.community_id:
        raise ValidationError(
            _("Only residents of this community can be members."),
            code="other_community",
        )
    organization.members.add(resident)
    return organization


@transaction.atomic
def organization_member_remove(
    *, organization: Organization, resident: Resident
) -> Organization:
    organization.members.remove(resident)
    return organization


# -- import ------------------------------------------------------------------


def _existing_mobiles(community: Community):
    def lookup(mobiles: list[str]) -> set[str]:
        found: set[str] = set()
        unique = sorted(set(mobiles))
        for start in range(0, len(unique), 500):
            found.update(
                Resident.objects.filter(
                    community=community, mobile__in=unique[start : start + 500]
                ).values_list("mobile", flat=True)
            )
        return found

    return lookup


def _existing_people(community: Community):
    """Registered residents by name and address: {person_key: [mobile, ...]}."""

    def lookup(names: list[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        unique = sorted(set(names))
        for start in range(0, len(unique), 500):
            for name, building, unit, room, mobile in Resident.objects.filter(
                community=community, name__in=unique[start : start + 500]
            ).values_list("name", "building", "unit", "room", "mobile"):
                key = importing.person_key(
                    name=name, building=building, unit=unit, room=room
                )
                found.setdefault(key, []).append(mobile)
        return found

    return lookup


def _check_import(parsed: importing.ParsedFile, community: Community) -> None:
    importing.check_rows(
        parsed,
        existing_mobiles=_existing_mobiles(community),
        existing_people=_existing_people(community),
    )


def _import_counts(parsed: importing.ParsedFile) -> dict:
    return {
        "valid_rows": len(parsed.clean_rows),
        "warning_rows": len(parsed.warning_rows),
        "error_rows": len(parsed.report),
    }


@transaction.atomic
def resident_import_prepare(
    *, community: Community, uploaded_by: User, file_name: str, data: bytes
) -> ResidentImport:
    """Read and check an uploaded file and keep the result until staff confirm.

    Raises ImportFileError (a ValidationError) when the file cannot be read at all.
    """
    parsed = importing.read_file(file_name=file_name, data=data)
    _check_import(parsed, community)
    return ResidentImport.objects.create(
        community=community,
        created_by=uploaded_by,
        file_name=file_name[:255],
        file_format=parsed.file_format,
        encoding=parsed.encoding,
        columns=parsed.columns,
        preview=parsed.preview,
        raw_rows=parsed.raw_rows,
        rows=parsed.rows,
        report=parsed.report,
        total_rows=parsed.total_rows,
        **_import_counts(parsed),
    )


def _locked_open_import(resident_import: ResidentImport) -> ResidentImport:
    resident_import = ResidentImport.objects.select_for_update().get(
        pk=resident_import.pk
    )
    if not resident_import.is_open:
        raise ValidationError(
            _("This import was already confirmed or cancelled."), code="not_open"
        )
    return resident_import


@transaction.atomic
def resident_import_map_columns(
    *, resident_import: ResidentImport, fields_by_column: dict[int, str]
) -> ResidentImport:
    """Say which field each unrecognised column holds ('' = do not import it).

    Every row is checked again with the new columns, against the residents
    registered now. Columns whose title was recognised keep their field. Locks the
    import row, so a confirm cannot start from the old rows meanwhile.
    """
    resident_import = _locked_open_import(resident_import)
    if resident_import.total_rows and not resident_import.raw_rows:
        raise ValidationError(
            _(
                "This import was checked before columns could be chosen. Upload the "
                "file again to choose its columns."
            ),
            code="no_raw_rows",
        )
    columns = [dict(column) for column in resident_import.columns]
    for column in columns:
        if column.get("auto", bool(column["field"])):
            continue
        if column["index"] not in fields_by_column:
            continue
        chosen = fields_by_column[column["index"]] or ""
        if chosen and chosen not in importing.FIELDS:
            raise ValidationError(
                _("“%(field)s” is not a field of a resident.") % {"field": chosen},
                code="unknown_field",
            )
        column["field"] = chosen
    seen: dict[str, str] = {}
    for column in columns:
        name = column["field"]
        if not name or name in importing.MULTI_COLUMN_FIELDS:
            continue
        if name in seen:
            raise ValidationError(
                _(
                    "The columns “%(first)s” and “%(second)s” cannot both go into "
                    "“%(field)s”. Choose “do not import” for one of them, or "
                    "“notes”."
                )
                % {
                    "first": seen[name],
                    "second": column["header"],
                    "field": importing.field_label(name),
                },
                code="field_twice",
            )
        seen[name] = column["header"]
    parsed = importing.ParsedFile(
        file_format=resident_import.file_format,
        encoding=resident_import.encoding,
        columns=columns,
        raw_rows=resident_import.raw_rows,
        total_rows=resident_import.total_rows,
    )
    _check_import(parsed, resident_import.community)
    resident_import.columns = columns
    resident_import.rows = parsed.rows
    resident_import.report = parsed.report
    counts = _import_counts(parsed)
    for name, value in counts.items():
        setattr(resident_import, name, value)
    resident_import.failure = ""
    resident_import.save(
        update_fields=["columns", "rows", "report", "failure", *counts]
    )
    return resident_import


@transaction.atomic
def resident_import_confirm(
    *,
    resident_import: ResidentImport,
    accept_no_mobile_column: bool = False,
    include_possible_duplicates: bool = False,
    include_unreadable_text: bool = False,
) -> ResidentImport:
    """Queue the import of the valid rows; the Celery task does the writing.

    Rows with a warning are imported only when staff confirm that kind of
    warning, and a file without a mobile-number column only when staff say they
    know. Locks the import row so a double click queues it once.
    """
    from .tasks import run_resident_import

    resident_import = _locked_open_import(resident_import)
    if resident_import.lacks_mobile_column and not accept_no_mobile_column:
        raise ValidationError(
            _(
                "No column of this file holds mobile numbers, so every resident "
                "would be imported without one. Choose the column that holds them, "
                "or tick “Import without mobile numbers” to go on."
            ),
            code="no_mobile_column",
        )
    accepted = []
    if accept_no_mobile_column:
        accepted.append(importing.NO_MOBILE_COLUMN)
    if include_possible_duplicates:
        accepted.append(importing.POSSIBLE_DUPLICATE)
    if include_unreadable_text:
        accepted.append(importing.UNREADABLE_TEXT)
    to_import = [
        row
        for row in resident_import.rows
        if all(w["kind"] in accepted for w in row.get("warnings") or [])
    ]
    if not to_import:
        raise ValidationError(
            _("No row would be imported. Correct the file and upload it again."),
            code="nothing_to_import",
        )
    resident_import.status = ImportStatus.QUEUED
    resident_import.progress = 0
    resident_import.failure = ""
    resident_import.accepted_warnings = accepted
    resident_import.confirmed_at = timezone.now()
    resident_import.save(
        update_fields=[
            "status",
            "progress",
            "failure",
            "accepted_warnings",
            "confirmed_at",
        ]
    )
    pk = resident_import.pk
    transaction.on_commit(lambda: _enqueue_import(pk, run_resident_import))
    return resident_import


def _enqueue_import(pk: int, task) -> None:
    """Queue the import task; when the broker cannot be reached, reopen the import."""
    try:
        task.delay(pk)
    except Exception:  # kombu raises several kinds when the broker is down
        logger.exception("could not queue residents import %s", pk)
        ResidentImport.objects.filter(pk=pk, status=ImportStatus.QUEUED).update(
            status=ImportStatus.READY,
            failure=_(
                "The background worker could not be reached, so nothing was "
                "imported. Try again in a moment; if it keeps failing, tell the "
                "administrator."
            ),
        )


@transaction.atomic
def resident_import_cancel(*, resident_import: ResidentImport) -> ResidentImport:
    """Drop a waiting import: nothing is written and its rows are forgotten."""
    resident_import = _locked_open_import(resident_import)
    resident_import.status = ImportStatus.CANCELLED
    resident_import.rows = []
    resident_import.raw_rows = []
    resident_import.finished_at = timezone.now()
    resident_import.save(update_fields=["status", "rows", "raw_rows", "finished_at"])
    return resident_import


def _set_progress(resident_import: ResidentImport, status: str, progress: int) -> None:
    ResidentImport.objects.filter(pk=resident_import.pk).update(
        status=status, progress=progress
    )


def resident_import_run(*, resident_import: ResidentImport) -> ResidentImport:
    """Write every valid row of a confirmed import, all or nothing.

    First re-checks the rows against residents registered since the preview (the
    progress shows while it does), and moves rows whose warning staff did not
    confirm into the report; then writes all remaining rows in one transaction:
    either they all go in, or none do and the import is marked failed. Running it
    again on a finished import does nothing.
    """
    with transaction.atomic():
        resident_import = ResidentImport.objects.select_for_update().get(
            pk=resident_import.pk
        )
        if not resident_import.is_running:
            return resident_import  # finished, cancelled, or never confirmed
        resident_import.status = ImportStatus.CHECKING
        resident_import.save(update_fields=["status"])
    community = resident_import.community
    parsed = importing.ParsedFile(
        file_format=resident_import.file_format,
        rows=list(resident_import.rows),
        report=list(resident_import.report),
    )
    lookup = _existing_mobiles(community)
    mobiles = [row["mobile"] for row in parsed.rows if row["mobile"]]
    taken: set[str] = set()
    step = 2000
    for start in range(0, len(mobiles), step):
        taken |= lookup(mobiles[start : start + step])
        _set_progress(
            resident_import,
            ImportStatus.CHECKING,
            min(40, 40 * (start + step) // max(len(mobiles), 1)),
        )
    importing.mark_existing(parsed, lambda _mobiles: taken)
    importing.mark_existing_people(
        parsed, _existing_people(community), kind=importing.REGISTERED_SINCE
    )
    importing.hold_back(parsed, accepted=set(resident_import.accepted_warnings))
    _set_progress(resident_import, ImportStatus.WRITING, 50)
    try:
        with transaction.atomic():
            locked = ResidentImport.objects.select_for_update().get(
                pk=resident_import.pk
            )
            if not locked.is_running:
                return locked  # a redelivered task finished it meanwhile
            Resident.objects.bulk_create(
                [
                    Resident(community=community, **importing.resident_fields(row))
                    for row in parsed.rows
                ],
                batch_size=IMPORT_BATCH_SIZE,
            )
            locked.status = ImportStatus.DONE
            locked.progress = 100
            locked.imported_count = len(parsed.rows)
            locked.valid_rows = len(parsed.rows)
            locked.warning_rows = 0
            locked.report = parsed.report
            locked.error_rows = len(parsed.report)
            locked.rows = []
            locked.raw_rows = []
            locked.finished_at = timezone.now()
            locked.save()
            community_stats_changed(community_id=community.pk)
            return locked
    except IntegrityError:
        # A resident with one of these numbers was saved between the check and
        # the write; nothing of this import was written.
        ResidentImport.objects.filter(pk=resident_import.pk).update(
            status=ImportStatus.FAILED,
            failure=_(
                "Another resident with one of these mobile numbers was registered "
                "while the import ran; nothing was imported. Upload the file again."
            ),
            raw_rows=[],
            finished_at=timezone.now(),
        )
        return ResidentImport.objects.get(pk=resident_import.pk)
