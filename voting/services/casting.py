"""Casting ballots: online, from a text-message link, and by proxy."""

import secrets
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.display import format_when
from residents.models import Resident
from residents.predicates import is_community_staff
from topics.images import prepare_photo

from ..clock import database_now
from ..links import read_link
from ..models import (
    Ballot,
    BallotReceipt,
    CastVia,
    Elector,
    Option,
    Proxy,
    RoundEventKind,
    RoundStatus,
    UsedVotingLink,
    VotingRound,
)
from ..selectors import VOTER_RECEIPTS
from .common import (
    CastReceipt,
    _event,
    _locked,
    receipt_code,
)

# -- casting -------------------------------------------------------------------------


def _refuse_unless_accepting(voting_round: VotingRound, now: datetime) -> None:
    if voting_round.status == RoundStatus.DRAFT:
        raise ValidationError(_("This vote has not been opened yet."), code="not_open")
    if voting_round.status == RoundStatus.CLOSED or now >= voting_round.closes_at:
        raise ValidationError(
            _("Voting closed at %(time)s. Your ballot was not counted.")
            % {"time": format_when(voting_round.closes_at)},
            code="closed",
        )
    if now < voting_round.opens_at:
        raise ValidationError(
            _("Voting opens at %(time)s.")
            % {"time": format_when(voting_round.opens_at)},
            code="not_open",
        )


def _chosen(voting_round: VotingRound, choice) -> tuple[list[int], list[int]]:
    """Return (option ids, positions) of a valid choice, sorted by position."""
    if isinstance(choice, Option | int | str):
        choice = [choice]
    try:
        wanted = {int(c.pk if isinstance(c, Option) else c) for c in choice}
    except (TypeError, ValueError):
        raise ValidationError(
            _("That option is not part of this vote."), code="bad_option"
        ) from None
    options = {o.pk: o for o in voting_round.options.all()}
    if not wanted:
        raise ValidationError(_("Choose an option."), code="no_option")
    if not wanted <= set(options):
        raise ValidationError(
            _("That option is not part of this vote."), code="bad_option"
        )
    if len(wanted) > voting_round.choices_allowed:
        if voting_round.choices_allowed == 1:
            raise ValidationError(_("Choose one option."), code="too_many")
        raise ValidationError(
            _("Choose at most %(n)d options.") % {"n": voting_round.choices_allowed},
            code="too_many",
        )
    chosen = sorted((options[pk] for pk in wanted), key=lambda o: o.position)
    return [o.pk for o in chosen], [o.position for o in chosen]


def _refuse_wrong_actor(voting_round, voter, by, proxy, via_link) -> str:
    """Check who is casting; return how the ballot is cast."""
    if proxy is not None:
        if proxy.voting_round_id != voting_round.pk or proxy.resident_id != voter.pk:
            raise ValidationError(
                _("This proxy authorisation is for another resident or vote.")
            )
        if not is_community_staff(by, voting_round.community):
            raise ValidationError(_("Only community staff record ballots by proxy."))
        return CastVia.PROXY
    if via_link:
        return CastVia.LINK
    if by is not None and by.is_authenticated and voter.user_id == by.pk:
        return CastVia.WEB
    if is_community_staff(by, voting_round.community):
        raise ValidationError(
            _("To vote for a resident, record their signed proxy authorisation first."),
            code="needs_proxy",
        )
    raise ValidationError(_("You can only cast your own ballot."), code="not_yours")


def _lock_for_casting(voting_round: VotingRound) -> VotingRound:
    """Take the round row in share mode: casts run side by side, the close waits.

    round_close locks the row FOR UPDATE, which waits for every cast holding the
    share lock and keeps new ones out until it commits; a cast that then gets the
    lock reads the round as closed. SQLite serialises write transactions anyway.
    """
    if connection.vendor != "postgresql":
        return (
            VotingRound.objects.select_for_update()
            .only("status", "opens_at", "closes_at")
            .get(pk=voting_round.pk)
        )
    table = connection.ops.quote_name(VotingRound._meta.db_table)
    return VotingRound.objects.raw(
        f"SELECT id, status, opens_at, closes_at FROM {table} "  # noqa: S608
        "WHERE id = %s FOR SHARE",
        [voting_round.pk],
    )[0]


def _loaded(voting_round: VotingRound) -> VotingRound:
    """The round with its community and options, reusing what the caller loaded."""
    cache = getattr(voting_round, "_prefetched_objects_cache", {})
    if "options" in cache and "community" in voting_round._state.fields_cache:
        return voting_round
    return (
        VotingRound.objects.select_related("community")
        .prefetch_related("options")
        .get(pk=voting_round.pk)
    )


@transaction.atomic
def ballot_cast(
    *,
    voting_round: VotingRound,
    voter: Resident,
    choice,
    by,
    proxy: Proxy | None = None,
    via_link: bool = False,
) -> CastReceipt:
    """Record the voter's ballot, or change it in an open ballot until the close.

    Locks the round row (in share mode, so ballots are cast side by side while the
    close must wait for them), then judges the time by the database's clock: every
    web server agrees on the deadline, and a ballot is either in time and counted
    or refused. The voter must be in the round's electorate (fixed when it opened);
    a secret ballot is final once cast. One receipt per voter: a unique constraint,
    which also settles two first ballots of one voter sent at the same moment.
    """
    voting_round = _loaded(voting_round)
    if voting_round.status == RoundStatus.DRAFT:
        raise ValidationError(_("This vote has not been opened yet."), code="not_open")
    # The electorate and the options do not change once the round is open.
    if voter.community_id != voting_round.community_id or not (
        Elector.objects.filter(voting_round=voting_round, resident=voter).exists()
    ):
        raise ValidationError(
            _("You are not among the voters of this vote: %(electorate)s vote.")
            % {"electorate": voting_round.get_electorate_display()},
            code="not_eligible",
        )
    via = _refuse_wrong_actor(voting_round, voter, by, proxy, via_link)
    option_ids, positions = _chosen(voting_round, choice)
    salt = secrets.token_hex(16)
    code = receipt_code(voting_round.pk, positions, salt)
    cast_by = by if by is not None and by.is_authenticated else None

    locked = _lock_for_casting(voting_round)
    now = database_now()
    _refuse_unless_accepting(locked, now)
    changes = {
        "options": option_ids,
        "code": code,
        "salt": salt,
        "via": via,
        "cast_by": cast_by,
        "proxy": proxy,
        "changed_at": now,
    }
    existing = (
        BallotReceipt.objects.select_for_update(of=("self",))
        .filter(voting_round=voting_round, voter=voter)
        .order_by()
        .first()
    )
    if existing is None:
        receipt = BallotReceipt(
            voting_round=voting_round,
            voter=voter,
            via=via,
            cast_by=cast_by,
            proxy=proxy,
            cast_at=now,
        )
        if not voting_round.is_secret:
            receipt.options, receipt.code, receipt.salt = option_ids, code, salt
        try:
            with transaction.atomic():
                receipt.save()
        except IntegrityError:
            # The same voter's other request inserted first and has committed.
            existing = (
                BallotReceipt.objects.select_for_update(of=("self",))
                .filter(voting_round=voting_round, voter=voter)
                .order_by()
                .first()
            )
        else:
            # "You have voted" on the kept meeting and topic pages.
            VOTER_RECEIPTS.changed(str(voter.pk))
            if voting_round.is_secret:
                Ballot.objects.create(
                    voting_round=voting_round, options=option_ids, code=code, salt=salt
                )
            return CastReceipt(receipt=receipt, code=code, changed=False)
    if voting_round.is_secret:
        raise ValidationError(
            _("You have already voted. A secret ballot cannot be changed."),
            code="already_voted",
        )
    for field, value in changes.items():
        setattr(existing, field, value)
    existing.save(update_fields=list(changes))
    return CastReceipt(receipt=existing, code=code, changed=True)


@transaction.atomic
def ballot_cast_by_link(*, token: str, choice) -> CastReceipt:
    """Cast with a text-message link: signed, unexpired, and used once.

    The link is marked used in the ballot's transaction: a refused ballot leaves
    it usable, a counted one uses it up.
    """
    claim = read_link(token, now=database_now())
    voting_round = VotingRound.objects.filter(pk=claim.round_id).first()
    voter = (
        Resident.objects.filter(
            pk=claim.resident_id, community_id=voting_round.community_id
        ).first()
        if voting_round is not None
        else None
    )
    if voting_round is None or voter is None:
        raise ValidationError(_("This voting link is not valid."), code="invalid")
    try:
        with transaction.atomic():
            UsedVotingLink.objects.create(nonce=claim.nonce, voting_round=voting_round)
    except IntegrityError:
        raise ValidationError(
            _(
                "This voting link has already been used. Your ballot was counted; "
                "a new link comes with the next text message."
            ),
            code="used",
        ) from None
    return ballot_cast(
        voting_round=voting_round, voter=voter, choice=choice, by=None, via_link=True
    )


def voting_link_check(*, token: str):
    """Return (round, voter) for a link that can still be used, or refuse it."""
    claim = read_link(token, now=database_now())
    voting_round = (
        VotingRound.objects.select_related("community", "meeting", "agenda_item")
        .filter(pk=claim.round_id)
        .first()
    )
    voter = (
        Resident.objects.filter(
            pk=claim.resident_id, community_id=voting_round.community_id
        ).first()
        if voting_round is not None
        else None
    )
    if voting_round is None or voter is None:
        raise ValidationError(_("This voting link is not valid."), code="invalid")
    if UsedVotingLink.objects.filter(nonce=claim.nonce).exists():
        raise ValidationError(
            _(
                "This voting link has already been used. Your ballot was counted; "
                "a new link comes with the next text message."
            ),
            code="used",
        )
    return voting_round, voter


# -- proxies ---------------------------------------------------------------------------


@transaction.atomic
def proxy_record(
    *, voting_round: VotingRound, resident: Resident, photo, by, note: str = ""
) -> Proxy:
    """Keep a resident's signed proxy authorisation (代投授权) and its photo."""
    voting_round = _locked(voting_round)
    if not is_community_staff(by, voting_round.community):
        raise ValidationError(_("Only community staff record proxy authorisations."))
    if voting_round.status != RoundStatus.OPEN:
        raise ValidationError(
            _("Proxy authorisations are recorded while the vote is open.")
        )
    if not Elector.objects.filter(
        voting_round=voting_round, resident=resident
    ).exists():
        raise ValidationError(
            {
                "resident": _("%(name)s is not among the voters of this vote.")
                % {"name": resident.name}
            }
        )
    if Proxy.objects.filter(voting_round=voting_round, resident=resident).exists():
        raise ValidationError(
            {
                "resident": _("A proxy authorisation of %(name)s is already on file.")
                % {"name": resident.name}
            }
        )
    if not photo:
        raise ValidationError(
            {"photo": _("Upload a photo of the paper the resident signed.")}
        )
    try:
        content = prepare_photo(photo)
    except ValidationError as exc:
        raise ValidationError({"photo": exc.messages}) from exc
    proxy = Proxy(
        voting_round=voting_round,
        resident=resident,
        note=(note or "").strip()[:300],
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    proxy.photo.save(content.name, content, save=False)
    proxy.save()
    _event(voting_round, RoundEventKind.PROXY, actor=by, resident=resident.name)
    return proxy


@transaction.atomic
def proxy_ballot_cast(
    *,
    voting_round: VotingRound,
    resident: Resident,
    choice,
    by,
    photo=None,
    note: str = "",
) -> CastReceipt:
    """Staff cast a resident's ballot with the proxy on file, or with a new one."""
    proxy = Proxy.objects.filter(voting_round=voting_round, resident=resident).first()
    if proxy is None:
        proxy = proxy_record(
            voting_round=voting_round, resident=resident, photo=photo, by=by, note=note
        )
    return ballot_cast(
        voting_round=voting_round, voter=resident, choice=choice, by=by, proxy=proxy
    )
