"""Resident records: create and update, with the mobile kept unique per community."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..mobile import normalize_mobile
from ..models import (
    CodeStatus,
    Community,
    LoginLink,
    Resident,
)
from ..predicates import login_is_community_only
from .communities import community_stats_changed

User = get_user_model()


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
