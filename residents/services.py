"""Every write to communities, residents, logins and organisations goes through here."""

import logging
import secrets
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import importing
from .mobile import normalize_mobile
from .models import (
    Community,
    ImportStatus,
    Membership,
    Organization,
    Resident,
    ResidentImport,
    Role,
)
from .predicates import forget_roles

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
    "is_elderly_alone",
    "is_left_behind_child",
    "has_disability",
    "notes",
]
ORGANIZATION_FIELDS = ["kind", "name", "description", "contact_name", "contact_mobile"]
# No 0/O, 1/I/L: the code is read aloud and typed by hand.
ONE_TIME_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
ONE_TIME_CODE_LENGTH = 8
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


@transaction.atomic
def resident_create(*, community: Community, **fields) -> Resident:
    """Register a resident (with or without a login) in the community."""
    unknown = set(fields) - set(RESIDENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown resident fields: {sorted(unknown)}")
    resident = Resident(community=community, **fields)
    _check_resident(resident)
    _save_resident(resident)
    return resident


@transaction.atomic
def resident_update(*, resident: Resident, **fields) -> Resident:
    """Change a resident's details; the mobile number stays unique in the community.

    When the resident logs in with the old number and the login is a resident's
    only, the login follows the new number (the person told staff their number
    changed). Logins of staff, social workers and officers are left alone.
    """
    unknown = set(fields) - set(RESIDENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown resident fields: {sorted(unknown)}")
    old_mobile = resident.mobile
    for name, value in fields.items():
        setattr(resident, name, value)
    _check_resident(resident)
    _save_resident(resident, update_fields=[*fields, "updated_at"])
    if resident.user_id and resident.mobile and resident.mobile != old_mobile:
        _login_follows_mobile(resident, old_mobile)
    return resident


def _resident_only_login(user) -> bool:
    return not (
        user.is_superuser
        or user.is_staff
        or user.memberships.exclude(role=Role.RESIDENT).exists()
    )


def _login_follows_mobile(resident: Resident, old_mobile: str) -> None:
    user = User.objects.select_for_update().get(pk=resident.user_id)
    if user.mobile != old_mobile or not _resident_only_login(user):
        return
    if User.objects.filter(mobile=resident.mobile).exclude(pk=user.pk).exists():
        return  # the new number is someone else's login: keep the old one
    user.mobile = resident.mobile
    user.save(update_fields=["mobile"])


def _one_time_code() -> str:
    return "".join(
        secrets.choice(ONE_TIME_CODE_ALPHABET) for _ in range(ONE_TIME_CODE_LENGTH)
    )


def _username_for(resident: Resident) -> str:
    base = resident.mobile or f"{resident.community.slug}-{resident.pk}"
    username = base
    suffix = 1
    while User.objects.filter(username__iexact=username).exists():
        suffix += 1
        username = f"{base}-{suffix}"
    return username


@transaction.atomic
def resident_login_create(*, resident: Resident) -> tuple[User, str | None]:
    """Give a resident without a login a login and a one-time code.

    The person logs in with their mobile number (or the username shown) and the
    code, and must then choose a password. When a login with that mobile number
    already exists (the person lives in another community too), it is linked and
    no code is made: the person keeps their own password. Locks the resident row
    so two clicks make one login.
    """
    resident = (
        Resident.objects.select_for_update()
        .select_related("community")
        .get(pk=resident.pk)
    )
    if resident.user_id is not None:
        raise ValidationError(_("This resident already has a login."), code="exists")
    existing = (
        User.objects.filter(mobile=resident.mobile).first() if resident.mobile else None
    )
    code = None
    if existing is not None:
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
        user = existing
    else:
        code = _one_time_code()
        user = User(
            username=_username_for(resident),
            mobile=resident.mobile or None,
            display_name=resident.name,
            must_change_password=True,
        )
        user.set_password(code)
        user.save()
    resident.user = user
    resident.save(update_fields=["user", "updated_at"])
    Membership.objects.get_or_create(
        user=user, community_id=resident.community_id, role=Role.RESIDENT
    )
    forget_roles(user)
    return user, code


@transaction.atomic
def resident_password_reset(*, resident: Resident) -> str:
    """Replace a resident's password with a one-time code and return the code.

    Only for logins that belong to residents alone: staff, social workers and
    district officers reset their passwords by email, so a staff member cannot
    take over a colleague's account.
    """
    resident = Resident.objects.select_related("user").get(pk=resident.pk)
    user = resident.user
    if user is None:
        raise ValidationError(_("This resident has no login yet."), code="no_login")
    if not _resident_only_login(user):
        raise ValidationError(
            _(
                "This login also works as staff, social worker or district officer; "
                "its owner must reset the password by email."
            ),
            code="not_a_resident_login",
        )
    code = _one_time_code()
    user.set_password(code)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    return code


@transaction.atomic
def user_password_set(*, user: User, password: str) -> User:
    """Store the password the person chose (after a one-time code or a reset)."""
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    return user


@transaction.atomic
def user_contact_update(*, user: User, mobile: str, email: str, language: str) -> User:
    """A person changes their own contact details and language.

    The mobile number is also written to the person's resident records, so staff
    reach them on the new number; it must be free in each of those communities.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    try:
        mobile = normalize_mobile(mobile)
    except ValidationError as exc:
        raise ValidationError({"mobile": exc.messages}) from exc
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
    user.email = email.strip()
    user.language = language
    user.full_clean(exclude=["password", "username"], validate_unique=False)
    try:
        with transaction.atomic():
            user.save(update_fields=["mobile", "email", "language"])
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


@transaction.atomic
def resident_import_prepare(
    *, community: Community, uploaded_by: User, file_name: str, data: bytes
) -> ResidentImport:
    """Read and check an uploaded file and keep the result until staff confirm.

    Raises ImportFileError (a ValidationError) when the file cannot be read at all.
    """
    parsed = importing.parse_file(
        file_name=file_name, data=data, existing_mobiles=_existing_mobiles(community)
    )
    return ResidentImport.objects.create(
        community=community,
        created_by=uploaded_by,
        file_name=file_name[:255],
        file_format=parsed.file_format,
        columns=parsed.columns,
        preview=parsed.preview,
        rows=parsed.rows,
        report=parsed.report,
        total_rows=parsed.total_rows,
        valid_rows=len(parsed.rows),
        error_rows=len(parsed.report),
    )


@transaction.atomic
def resident_import_confirm(*, resident_import: ResidentImport) -> ResidentImport:
    """Queue the import of the valid rows; the Celery task does the writing.

    Locks the import row so a double click queues it once.
    """
    from .tasks import run_resident_import

    resident_import = ResidentImport.objects.select_for_update().get(
        pk=resident_import.pk
    )
    if not resident_import.is_open:
        raise ValidationError(
            _("This import was already confirmed or cancelled."), code="not_open"
        )
    resident_import.status = ImportStatus.QUEUED
    resident_import.progress = 0
    resident_import.failure = ""
    resident_import.confirmed_at = timezone.now()
    resident_import.save(
        update_fields=["status", "progress", "failure", "confirmed_at"]
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
    resident_import = ResidentImport.objects.select_for_update().get(
        pk=resident_import.pk
    )
    if not resident_import.is_open:
        raise ValidationError(
            _("This import was already confirmed or cancelled."), code="not_open"
        )
    resident_import.status = ImportStatus.CANCELLED
    resident_import.rows = []
    resident_import.finished_at = timezone.now()
    resident_import.save(update_fields=["status", "rows", "finished_at"])
    return resident_import


def _set_progress(resident_import: ResidentImport, status: str, progress: int) -> None:
    ResidentImport.objects.filter(pk=resident_import.pk).update(
        status=status, progress=progress
    )


def resident_import_run(*, resident_import: ResidentImport) -> ResidentImport:
    """Write every valid row of a confirmed import, all or nothing.

    First re-checks the rows against residents registered since the preview (the
    progress shows while it does), then writes all remaining rows in one
    transaction: either they all go in, or none do and the import is marked
    failed. Running it again on a finished import does nothing.
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
                    Resident(
                        community=community,
                        **{k: v for k, v in row.items() if k != "row"},
                    )
                    for row in parsed.rows
                ],
                batch_size=IMPORT_BATCH_SIZE,
            )
            locked.status = ImportStatus.DONE
            locked.progress = 100
            locked.imported_count = len(parsed.rows)
            locked.valid_rows = len(parsed.rows)
            locked.report = parsed.report
            locked.error_rows = len(parsed.report)
            locked.rows = []
            locked.finished_at = timezone.now()
            locked.save()
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
            finished_at=timezone.now(),
        )
        return ResidentImport.objects.get(pk=resident_import.pk)
