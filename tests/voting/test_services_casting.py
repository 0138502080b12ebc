"""Casting: the clock at the boundary, the electorate, one ballot each, proxies, links."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tests.factories import ResidentFactory
from tests.voting.factories import make_round, with_login
from voting import services
from voting.links import link_token
from voting.models import (
    Ballot,
    BallotKind,
    BallotReceipt,
    CastVia,
    Proxy,
    RoundKind,
    UsedVotingLink,
)

pytestmark = pytest.mark.django_db


def photo(name="paper.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (230, 230, 230)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def option(voting_round, code):
    return voting_round.options.get(code=code)


def cast(voting_round, voter, code="for", **kwargs):
    by = kwargs.pop("by", None) or with_login(voter)
    return services.ballot_cast(
        voting_round=voting_round,
        voter=voter,
        choice=option(voting_round, code),
        by=by,
        **kwargs,
    )


@pytest.fixture
def voting_round(meeting, staff_user, python_clock):
    return make_round(meeting, by=staff_user, minutes=30)


def test_the_deadline_by_the_server_clock_at_the_boundary(
    meeting, seats, staff_user, python_clock
):
    start = timezone.now().replace(microsecond=0) + timedelta(minutes=1)
    with time_machine.travel(start - timedelta(minutes=5), tick=False):
        voting_round = make_round(
            meeting,
            by=staff_user,
            opens_at=start,
            closes_at=start + timedelta(minutes=10),
        )
    voters = [seat.resident for seat in seats]
    with time_machine.travel(start - timedelta(microseconds=1), tick=False):
        with pytest.raises(ValidationError) as early:
            cast(voting_round, voters[0])
        assert early.value.code == "not_open"
    with time_machine.travel(start, tick=False):
        cast(voting_round, voters[0])
    closes_at = voting_round.closes_at
    with time_machine.travel(closes_at - timedelta(microseconds=1), tick=False):
        cast(voting_round, voters[1])
    with time_machine.travel(closes_at, tick=False):
        with pytest.raises(ValidationError) as late:
            cast(voting_round, voters[2])
        assert late.value.code == "closed"
    # Even before any worker closed the round, the late ballot was refused.
    assert voting_round.receipts.count() == 2


def test_a_voter_outside_the_electorate_is_refused(voting_round, community):
    outsider = ResidentFactory(community=community)
    with pytest.raises(ValidationError) as refused:
        cast(voting_round, outsider)
    assert refused.value.code == "not_eligible"
    assert not BallotReceipt.objects.exists()


def test_an_open_ballot_can_be_changed_until_the_close(voting_round, seats):
    voter = seats[0].resident
    first = cast(voting_round, voter, "for")
    second = cast(voting_round, voter, "against")
    assert second.changed and not first.changed
    receipt = BallotReceipt.objects.get(voting_round=voting_round, voter=voter)
    assert receipt.options == [option(voting_round, "against").pk]
    assert receipt.code == second.code != first.code
    assert receipt.changed_at is not None
    assert BallotReceipt.objects.count() == 1


def test_a_secret_ballot_is_final_and_stored_apart(meeting, seats, staff_user):
    voting_round = make_round(meeting, by=staff_user, ballot=BallotKind.SECRET)
    voter = seats[0].resident
    result = cast(voting_round, voter, "for")
    with pytest.raises(ValidationError) as refused:
        cast(voting_round, voter, "against")
    assert refused.value.code == "already_voted"
    receipt = BallotReceipt.objects.get()
    assert receipt.options == [] and receipt.code == "" and receipt.salt == ""
    ballot = Ballot.objects.get()
    assert ballot.options == [option(voting_round, "for").pk]
    assert ballot.code == result.code


def test_a_ballot_on_a_closed_round_is_refused(voting_round, seats):
    services.round_close(
        voting_round=voting_round, now=voting_round.closes_at + timedelta(seconds=1)
    )
    with pytest.raises(ValidationError) as refused:
        cast(voting_round, seats[0].resident)
    assert refused.value.code == "closed"


def test_only_the_voter_casts_their_own_ballot(voting_round, seats, staff_user):
    voter, other = seats[0].resident, seats[1].resident
    with pytest.raises(ValidationError) as refused:
        cast(voting_round, voter, by=with_login(other))
    assert refused.value.code == "not_yours"
    with pytest.raises(ValidationError) as staff:
        cast(voting_round, voter, by=staff_user)
    assert staff.value.code == "needs_proxy"


def test_choices_must_fit_the_kind_of_vote(meeting, seats, staff_user):
    voting_round = make_round(
        meeting,
        by=staff_user,
        kind=RoundKind.MULTIPLE,
        options=["图书角", "作业辅导", "手工课", "电影日"],
        max_choices=2,
    )
    options = list(voting_round.options.all())
    voter = seats[0].resident
    user = with_login(voter)

    def choose(choice):
        return services.ballot_cast(
            voting_round=voting_round, voter=voter, choice=choice, by=user
        )

    with pytest.raises(ValidationError) as too_many:
        choose(options[:3])
    assert too_many.value.code == "too_many"
    with pytest.raises(ValidationError) as none:
        choose([])
    assert none.value.code == "no_option"
    other_round = make_round(meeting, by=staff_user)
    with pytest.raises(ValidationError) as foreign:
        choose([other_round.options.first()])
    assert foreign.value.code == "bad_option"
    done = choose([options[2], options[0]])
    assert done.receipt.options == [options[0].pk, options[2].pk]


def test_staff_cast_by_proxy_only_with_the_signed_paper_on_file(
    voting_round, seats, staff_user
):
    elderly = seats[2].resident
    assert not elderly.user_id  # no login: an offline resident
    with pytest.raises(ValidationError) as no_photo:
        services.proxy_ballot_cast(
            voting_round=voting_round,
            resident=elderly,
            choice=option(voting_round, "for"),
            by=staff_user,
        )
    assert "photo" in no_photo.value.error_dict
    not_a_photo = SimpleUploadedFile("paper.jpg", b"not an image at all")
    with pytest.raises(ValidationError) as bad:
        services.proxy_ballot_cast(
            voting_round=voting_round,
            resident=elderly,
            choice=option(voting_round, "for"),
            by=staff_user,
            photo=not_a_photo,
        )
    assert "photo" in bad.value.error_dict
    assert not Proxy.objects.exists()
    done = services.proxy_ballot_cast(
        voting_round=voting_round,
        resident=elderly,
        choice=option(voting_round, "for"),
        by=staff_user,
        photo=photo(),
        note="本人按手印",
    )
    receipt = done.receipt
    assert receipt.via == CastVia.PROXY
    assert receipt.cast_by == staff_user
    assert receipt.proxy.photo.name.endswith(".jpg")
    assert receipt.proxy.recorded_by == staff_user
    # Changing it later uses the proxy on file; no second photo is needed.
    again = services.proxy_ballot_cast(
        voting_round=voting_round,
        resident=elderly,
        choice=option(voting_round, "against"),
        by=staff_user,
    )
    assert again.changed and Proxy.objects.count() == 1


def test_a_proxy_for_someone_else_or_by_a_non_staff_member_is_refused(
    voting_round, seats, staff_user
):
    proxy = services.proxy_record(
        voting_round=voting_round,
        resident=seats[2].resident,
        photo=photo(),
        by=staff_user,
    )
    with pytest.raises(ValidationError):
        cast(voting_round, seats[3].resident, by=staff_user, proxy=proxy)
    representative = with_login(seats[4].resident)
    with pytest.raises(ValidationError):
        cast(voting_round, seats[2].resident, by=representative, proxy=proxy)
    with pytest.raises(ValidationError):
        services.proxy_record(
            voting_round=voting_round,
            resident=seats[3].resident,
            photo=photo(),
            by=representative,
        )


def test_a_text_message_link_casts_once_without_a_password(voting_round, seats):
    voter = seats[3].resident
    token = link_token(voting_round=voting_round, resident=voter)
    done = services.ballot_cast_by_link(
        token=token, choice=option(voting_round, "against")
    )
    assert done.receipt.voter == voter and done.receipt.via == CastVia.LINK
    assert done.receipt.cast_by is None
    with pytest.raises(ValidationError) as reused:
        services.ballot_cast_by_link(token=token, choice=option(voting_round, "for"))
    assert reused.value.code == "used"
    receipt = BallotReceipt.objects.get(voter=voter)
    assert receipt.options == [option(voting_round, "against").pk]


def test_a_refused_link_ballot_leaves_the_link_usable(voting_round, seats):
    token = link_token(voting_round=voting_round, resident=seats[3].resident)
    with pytest.raises(ValidationError):
        services.ballot_cast_by_link(token=token, choice=[])
    assert not UsedVotingLink.objects.exists()
    services.ballot_cast_by_link(token=token, choice=option(voting_round, "for"))
    assert UsedVotingLink.objects.count() == 1


def test_an_expired_or_forged_link_is_refused(voting_round, seats):
    token = link_token(voting_round=voting_round, resident=seats[3].resident)
    with time_machine.travel(voting_round.closes_at, tick=False):
        with pytest.raises(ValidationError) as expired:
            services.ballot_cast_by_link(
                token=token, choice=option(voting_round, "for")
            )
        assert expired.value.code == "expired"
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    with pytest.raises(ValidationError) as bad:
        services.ballot_cast_by_link(token=forged, choice=option(voting_round, "for"))
    assert bad.value.code == "invalid"
    # A link older than the longest allowed age is refused even before the close.
    with time_machine.travel(timezone.now() + timedelta(days=40), tick=False):
        with pytest.raises(ValidationError) as old:
            services.voting_link_check(token=token)
        assert old.value.code == "expired"
    assert not BallotReceipt.objects.exists()


def test_a_link_for_a_resident_outside_the_electorate_is_refused(
    voting_round, community
):
    outsider = ResidentFactory(community=community)
    token = link_token(voting_round=voting_round, resident=outsider)
    with pytest.raises(ValidationError) as refused:
        services.ballot_cast_by_link(token=token, choice=option(voting_round, "for"))
    assert refused.value.code == "not_eligible"
    assert not UsedVotingLink.objects.exists()
