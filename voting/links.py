"""Signed, single-use voting links for text messages (no password needed).

A link carries [round, resident, nonce, expiry] signed with the secret key. It
expires when the round closes (and after VOTING_LINK_MAX_AGE_DAYS at most), and
the nonce is recorded in UsedVotingLink when a ballot is cast with it, in the same
transaction as the ballot: a link casts once.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

SALT = "voting.link"


@dataclass(frozen=True)
class LinkClaim:
    round_id: int
    resident_id: int
    nonce: str
    expires_at: int


def link_token(*, voting_round, resident) -> str:
    payload = [
        voting_round.pk,
        resident.pk,
        secrets.token_hex(6),
        int(voting_round.closes_at.timestamp()),
    ]
    return signing.dumps(payload, salt=SALT, compress=True)


def link_url(*, voting_round, resident, absolute: bool = True) -> str:
    path = reverse(
        "voting:link",
        kwargs={
            "community": voting_round.community.slug,
            "token": link_token(voting_round=voting_round, resident=resident),
        },
    )
    return f"{settings.SITE_URL}{path}" if absolute else path


def read_link(token: str, *, now: datetime) -> LinkClaim:
    """Return what the link says, or refuse a forged, broken or expired link."""
    try:
        payload = signing.loads(
            token,
            salt=SALT,
            max_age=settings.VOTING_LINK_MAX_AGE_DAYS * 24 * 60 * 60,
        )
    except signing.SignatureExpired:
        raise ValidationError(
            _("This voting link has expired."), code="expired"
        ) from None
    except signing.BadSignature:
        raise ValidationError(
            _(
                "This voting link is not valid. Please use the link in your text message."
            ),
            code="invalid",
        ) from None
    try:
        round_id, resident_id, nonce, expires_at = payload
        claim = LinkClaim(int(round_id), int(resident_id), str(nonce), int(expires_at))
    except (TypeError, ValueError):
        raise ValidationError(
            _(
                "This voting link is not valid. Please use the link in your text message."
            ),
            code="invalid",
        ) from None
    if now.timestamp() >= claim.expires_at:
        raise ValidationError(_("This voting link has expired."), code="expired")
    return claim
