"""Voting pages: the round, casting (plain and htmx), the result, proxies, links."""

import hashlib
import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tests.conftest import USING_REDIS
from tests.factories import ResidentFactory
from tests.topics.factories import TopicFactory
from tests.voting.factories import council_in_session, make_round, with_login
from voting import services
from voting.links import link_token
from voting.models import (
    BallotKind,
    BallotReceipt,
    CastVia,
    Electorate,
    RoundStatus,
    VotingRound,
)

pytestmark = pytest.mark.django_db


def url(name, voting_round, **kwargs):
    return reverse(
        f"voting:{name}",
        kwargs={
            "community": voting_round.community.slug,
            "pk": voting_round.pk,
            **kwargs,
        },
    )


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def option(voting_round, code):
    return voting_round.options.get(code=code)


@pytest.fixture
def voting_round(meeting, staff_user):
    return make_round(meeting, by=staff_user, minutes=90)


@pytest.fixture
def representative(seats):
    resident = seats[0].resident
    with_login(resident)
    return resident


def test_the_round_page_shows_question_options_deadline_and_time_left(
    client, voting_round, representative
):
    client.force_login(representative.user)
    response = client.get(url("round", voting_round))
    assert response.status_code == 200
    page = text(response)
    assert voting_round.question in page
    for label in ("同意", "反对", "弃权"):
        assert label in page
    assert "投票截止" in page
    assert "还剩 1 小时" in page
    assert "投票" in page and 'name="choice"' in page


def test_a_representative_votes_and_changes_the_open_ballot(
    client, voting_round, representative
):
    client.force_login(representative.user)
    response = client.post(
        url("ballot_submit", voting_round),
        {"choice": option(voting_round, "for").pk},
        follow=True,
    )
    assert "您的选票已计入" in text(response)
    assert 'data-testid="my-choice">同意<' in text(response)
    response = client.post(
        url("ballot_submit", voting_round),
        {"choice": option(voting_round, "against").pk},
        follow=True,
    )
    page = text(response)
    assert "您的选票已修改" in page and 'data-testid="my-choice">反对<' in page
    assert "改投" in page
    assert BallotReceipt.objects.get().options == [option(voting_round, "against").pk]


def test_htmx_cast_answers_the_ballot_partial_with_the_receipt_code(
    client, voting_round, representative
):
    client.force_login(representative.user)
    response = client.post(
        url("ballot_submit", voting_round),
        {"choice": option(voting_round, "for").pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = text(response)
    assert page.lstrip().startswith('<section id="ballot"')
    code = BallotReceipt.objects.get().code
    assert code in page


def test_a_late_ballot_gets_a_clear_message_not_a_500(
    client, voting_round, representative, python_clock
):
    client.force_login(representative.user)
    with time_machine.travel(voting_round.closes_at + timedelta(seconds=1)):
        response = client.post(
            url("ballot_submit", voting_round),
            {"choice": option(voting_round, "for").pk},
        )
    assert response.status_code == 400
    assert "投票已于" in text(response) and "截止" in text(response)
    assert not BallotReceipt.objects.exists()


def test_a_bad_choice_is_a_form_error(client, voting_round, representative):
    client.force_login(representative.user)
    response = client.post(url("ballot_submit", voting_round), {"choice": "999999"})
    assert response.status_code == 400
    assert "请修改以下内容" in text(response)
    response = client.post(url("ballot_submit", voting_round), {})
    assert response.status_code == 400 and "请选择一项" in text(response)


def test_a_resident_outside_the_electorate_sees_why_and_cannot_cast(
    client, voting_round, resident_user
):
    client.force_login(resident_user)
    response = client.get(url("round", voting_round))
    assert "您不在其中" in text(response)
    assert 'name="choice"' not in text(response)
    response = client.post(
        url("ballot_submit", voting_round), {"choice": option(voting_round, "for").pk}
    )
    assert response.status_code == 400
    assert "不在本次表决的表决人中" in text(response)


def test_a_secret_ballot_shows_its_code_once_and_refuses_a_second(
    client, meeting, staff_user, representative
):
    voting_round = make_round(meeting, by=staff_user, ballot=BallotKind.SECRET)
    client.force_login(representative.user)
    response = client.post(
        url("ballot_submit", voting_round), {"choice": option(voting_round, "for").pk}
    )
    assert response.status_code == 200
    code = re.search(r'data-testid="receipt-code">([0-9A-F-]+)<', text(response))[1]
    page = text(client.get(url("round", voting_round)))
    assert code not in page  # shown only at cast time
    assert "无记名投票投出后不能修改" in page
    assert 'name="choice"' not in page
    response = client.post(
        url("ballot_submit", voting_round),
        {"choice": option(voting_round, "against").pk},
    )
    assert response.status_code == 400


def test_drafts_are_hidden_from_residents(client, meeting, staff_user, representative):
    draft = make_round(meeting, by=staff_user, open_it=False)
    client.force_login(representative.user)
    assert client.get(url("round", draft)).status_code == 404
    client.force_login(staff_user)
    assert client.get(url("round", draft)).status_code == 200


def test_another_communitys_staff_get_403_or_404_everywhere(
    client, voting_round, other_staff_user
):
    client.force_login(other_staff_user)
    for name in ("round", "result", "proxy_ballot", "electors", "ballots_text"):
        assert client.get(url(name, voting_round)).status_code in (403, 404), name
    other_url = reverse(
        "voting:round",
        kwargs={"community": "dongqiao", "pk": voting_round.pk},
    )
    assert client.get(other_url).status_code == 404
    response = client.post(
        url("ballot_submit", voting_round), {"choice": option(voting_round, "for").pk}
    )
    assert response.status_code == 403


def _close(voting_round):
    services.round_close(
        voting_round=voting_round, now=voting_round.closes_at + timedelta(seconds=1)
    )


def _vote_all(voting_round, voters, codes):
    for voter, code in zip(voters, codes, strict=False):
        services.ballot_cast(
            voting_round=voting_round,
            voter=voter,
            choice=option(voting_round, code),
            by=with_login(voter),
        )


def test_the_result_page_has_counts_turnout_rules_hash_and_every_receipt(
    client, voting_round, seats, resident_user
):
    voters = [s.resident for s in seats]
    _vote_all(voting_round, voters, ["for", "for", "for", "against", "abstain"])
    _close(voting_round)
    client.force_login(resident_user)
    response = client.get(url("result", voting_round))
    assert response.status_code == 200
    page = text(response)
    result = VotingRound.objects.get(pk=voting_round.pk).result
    assert "通过" in page
    assert "6 人中 5 人投票（83%）" in page
    assert "需要 4 票" in page and "已达到" in page
    assert "过半数" in page  # the threshold applied
    assert result.ballot_hash in page
    for receipt in BallotReceipt.objects.select_related("voter"):
        assert receipt.code in page and receipt.voter.name in page
    # The numbers of the chart are in a table for screen readers.
    assert '<table class="table" id="round-counts">' in page
    assert 'data-count="3"' in page and 'data-count="1"' in page
    assert "vendor/echarts/echarts.min.js" in page
    assert "<script>" not in page  # no inline script (CSP)


def test_the_ballot_list_hashes_to_the_hash_on_the_result_page(
    client, voting_round, seats, resident_user
):
    _vote_all(voting_round, [s.resident for s in seats], ["for", "against", "for"])
    _close(voting_round)
    client.force_login(resident_user)
    body = client.get(url("ballots_text", voting_round)).content
    assert len(body.decode().strip().splitlines()) == 4
    result = VotingRound.objects.get(pk=voting_round.pk).result
    assert hashlib.sha256(body).hexdigest() == result.ballot_hash


def test_a_secret_result_lists_codes_but_not_who_voted_what(
    client, meeting, staff_user, seats, resident_user
):
    voting_round = make_round(meeting, by=staff_user, ballot=BallotKind.SECRET)
    voters = [s.resident for s in seats]
    codes = []
    for voter in voters[:4]:
        codes.append(
            services.ballot_cast(
                voting_round=voting_round,
                voter=voter,
                choice=option(voting_round, "for"),
                by=with_login(voter),
            ).code
        )
    _close(voting_round)
    client.force_login(resident_user)
    page = text(client.get(url("result", voting_round)))
    for code in codes:
        assert code in page
    for voter in voters:
        assert voter.name not in page
    found = text(client.get(url("result", voting_round) + f"?code={codes[0][:9]}"))
    assert codes[0] in found and codes[1] not in found


def test_before_the_close_the_result_page_sends_back_to_the_round(
    client, voting_round, resident_user
):
    client.force_login(resident_user)
    response = client.get(url("result", voting_round))
    assert response.status_code == 302
    assert response["Location"] == url("round", voting_round)


def test_the_page_closes_a_due_round_the_worker_has_not_closed_yet(
    client, voting_round, representative, python_clock
):
    client.force_login(representative.user)
    with time_machine.travel(voting_round.closes_at + timedelta(seconds=2)):
        response = client.get(url("round", voting_round))
    assert response.status_code == 200
    voting_round.refresh_from_db()
    assert voting_round.status == RoundStatus.CLOSED
    assert "完整结果和回执码" in text(response)


def _photo():
    buffer = io.BytesIO()
    Image.new("RGB", (200, 120), (240, 240, 240)).save(buffer, format="PNG")
    return SimpleUploadedFile("授权书.png", buffer.getvalue(), content_type="image/png")


def test_staff_record_a_proxy_ballot_with_the_photo_and_it_shows_by_whom(
    client, voting_round, seats, staff_user, resident_user
):
    elderly = seats[3].resident
    client.force_login(staff_user)
    response = client.post(
        url("proxy_ballot", voting_round),
        {"resident": elderly.name, "choice": option(voting_round, "for").pk},
    )
    assert response.status_code == 400
    assert "请上传居民签字的授权书照片" in text(response)
    response = client.post(
        url("proxy_ballot", voting_round),
        {
            "resident": elderly.name,
            "choice": option(voting_round, "for").pk,
            "photo": _photo(),
        },
        follow=True,
    )
    assert f"已为 {elderly.name} 代投" in text(response)
    receipt = BallotReceipt.objects.get(voter=elderly)
    assert receipt.via == CastVia.PROXY and receipt.cast_by == staff_user
    photo_url = receipt.proxy.get_absolute_url()
    photo = client.get(photo_url)
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    _close(voting_round)
    page = text(client.get(url("result", voting_round)))
    assert f"由 {staff_user} 代投" in page
    client.force_login(resident_user)
    assert client.get(photo_url).status_code == 403
    assert client.get(url("proxy_ballot", voting_round)).status_code == 403


def test_voting_from_the_text_message_link_needs_no_login_and_works_once(
    client, voting_round, seats
):
    voter = seats[4].resident
    link = reverse(
        "voting:link",
        kwargs={
            "community": voting_round.community.slug,
            "token": link_token(voting_round=voting_round, resident=voter),
        },
    )
    page = client.get(link)
    assert page.status_code == 200
    assert f"投票人：{voter.name}" in text(page)
    assert page["Referrer-Policy"] == "no-referrer"
    response = client.post(link, {"choice": option(voting_round, "against").pk})
    assert response.status_code == 200
    assert "您的选票已计入" in text(response)
    assert BallotReceipt.objects.get(voter=voter).via == CastVia.LINK
    again = client.post(link, {"choice": option(voting_round, "for").pk})
    assert again.status_code == 400
    assert "这个投票链接已经用过" in text(again)
    assert BallotReceipt.objects.get(voter=voter).options == [
        option(voting_round, "against").pk
    ]


def test_an_expired_or_broken_link_is_refused_with_a_message(
    client, voting_round, seats, python_clock
):
    token = link_token(voting_round=voting_round, resident=seats[4].resident)
    link = reverse(
        "voting:link", kwargs={"community": voting_round.community.slug, "token": token}
    )
    with time_machine.travel(voting_round.closes_at + timedelta(seconds=1)):
        response = client.get(link)
    assert response.status_code == 400 and "这个投票链接已过期" in text(response)
    broken = reverse(
        "voting:link",
        kwargs={"community": voting_round.community.slug, "token": token + "x"},
    )
    response = client.post(broken, {"choice": option(voting_round, "for").pk})
    assert response.status_code == 400 and "这个投票链接无效" in text(response)


def test_staff_create_and_open_a_vote_from_the_meeting_page(
    client, meeting, staff_user
):
    client.force_login(staff_user)
    page = text(client.get(meeting.get_absolute_url()))
    item = meeting.agenda_items.first()
    create_url = reverse(
        "voting:round_create",
        kwargs={"community": meeting.community.slug, "meeting": meeting.pk},
    )
    assert f'href="{create_url}"' in page
    closes = timezone.localtime() + timedelta(minutes=20)
    response = client.post(
        create_url,
        {
            "agenda_item": item.pk,
            "question": "是否同意事项一？",
            "kind": "approval",
            "ballot": "open",
            "electorate": Electorate.REPRESENTATIVES,
            "closes_at": closes.strftime("%Y-%m-%dT%H:%M"),
            "quorum_rule": "two_thirds",
            "passing_threshold": "simple_majority",
            "rules_note": "",
            "action": "open",
        },
    )
    # Only representatives, while the charter lets stakeholders vote: say why.
    assert response.status_code == 200
    assert "请说明理由" in text(response)
    response = client.post(
        create_url,
        {
            "agenda_item": item.pk,
            "question": "是否同意事项一？",
            "kind": "approval",
            "ballot": "open",
            "electorate": Electorate.REPRESENTATIVES,
            "closes_at": closes.strftime("%Y-%m-%dT%H:%M"),
            "quorum_rule": "two_thirds",
            "passing_threshold": "simple_majority",
            "rules_note": "本事项无利益相关方",
            "action": "open",
        },
        follow=True,
    )
    voting_round = VotingRound.objects.get()
    assert voting_round.status == RoundStatus.OPEN
    assert "表决已开始" in text(response)


def test_opening_without_quorum_keeps_the_draft_and_says_why(
    client, community, staff_user
):
    meeting, _seats = council_in_session(
        community, by=staff_user, absent=3, alternates=False
    )
    voting_round = make_round(meeting, by=staff_user, open_it=False)
    client.force_login(staff_user)
    response = client.post(url("round_open", voting_round), {}, follow=True)
    assert "未达到法定人数" in text(response)
    voting_round.refresh_from_db()
    assert voting_round.status == RoundStatus.DRAFT


def test_the_meeting_page_and_the_topic_page_show_the_round_and_its_result(
    client, community, staff_user, resident_user, committed
):
    topic = TopicFactory(community=community, title="旧村部四楼改成儿童活动中心")
    meeting, seats = council_in_session(community, by=staff_user, topic=topic)
    voting_round = make_round(meeting, by=staff_user)
    client.force_login(resident_user)
    meeting_page = text(client.get(meeting.get_absolute_url()))
    assert voting_round.question in meeting_page and "去投票" in meeting_page
    _vote_all(voting_round, [s.resident for s in seats], ["for"] * 4 + ["against"])
    committed(_close, voting_round)  # as the worker's commit announces it
    meeting_page = text(client.get(meeting.get_absolute_url()))
    assert "同意 4 · 反对 1 · 弃权 0" in meeting_page
    assert voting_round.get_result_url() in meeting_page
    topic_page = text(client.get(topic.get_absolute_url()))
    assert voting_round.question in topic_page
    assert "同意 4 · 反对 1 · 弃权 0" in topic_page
    assert "6 人中 5 人投票" in topic_page


def test_round_page_queries_do_not_grow_with_the_electorate(
    client, meeting, staff_user, community, django_assert_max_num_queries
):
    def page_queries(extra_residents):
        ResidentFactory.create_batch(extra_residents, community=community)
        voting_round = make_round(
            meeting, by=staff_user, electorate=Electorate.RESIDENTS, minutes=120
        )
        voters = list(voting_round.electors.select_related("resident")[:10])
        for elector in voters:
            services.ballot_cast(
                voting_round=voting_round,
                voter=elector.resident,
                choice=option(voting_round, "for"),
                by=None,
                via_link=True,
            )
        return voting_round

    client.force_login(staff_user)
    small = page_queries(5)
    # 14 queries; PostgreSQL reads its clock once more.
    with django_assert_max_num_queries(15):
        assert client.get(url("round", small)).status_code == 200
    large = page_queries(200)
    with django_assert_max_num_queries(15):
        assert client.get(url("round", large)).status_code == 200


def test_result_page_queries_do_not_grow_with_the_ballots(
    client, meeting, staff_user, community, resident_user, django_assert_max_num_queries
):
    def closed_round(n):
        ResidentFactory.create_batch(n, community=community)
        voting_round = make_round(
            meeting, by=staff_user, electorate=Electorate.RESIDENTS, minutes=120
        )
        for elector in voting_round.electors.select_related("resident"):
            services.ballot_cast(
                voting_round=voting_round,
                voter=elector.resident,
                choice=option(voting_round, "for"),
                by=None,
                via_link=True,
            )
        _close(voting_round)
        return voting_round

    client.force_login(resident_user)
    for n in (5, 250):
        voting_round = closed_round(n)
        with django_assert_max_num_queries(12):
            response = client.get(url("result", voting_round))
        assert response.status_code == 200
    assert "第 1 页，共 2 页" in text(response)


def test_the_votes_list_and_the_voters_page(client, voting_round, seats, staff_user):
    _vote_all(voting_round, [seats[0].resident], ["for"])
    client.force_login(staff_user)
    listing = text(
        client.get(reverse("voting:rounds", args=[voting_round.community.slug]))
    )
    assert voting_round.question in listing
    voters = text(client.get(url("electors", voting_round)))
    assert (
        seats[0].resident.name in voters and "已投票" in voters and "未投票" in voters
    )
    code = BallotReceipt.objects.get().code
    assert code not in voters and "my-choice" not in voters  # who voted, never what


def test_a_voters_cast_page_reads_their_receipt_with_the_round(
    client, meeting, staff_user, community, seats, django_assert_max_num_queries
):
    """The cast page at a deadline: the login, then the round with the reader's
    receipt, whether they vote and (PostgreSQL) the database's clock, in one
    query, at any electorate; its options come from the cache after the first
    visit. Without Redis the session is read too, and a new notice (a ballot's
    receipt) has the unread count read again."""
    budget = 2 + (not USING_REDIS)
    voter = seats[0].resident
    client.force_login(with_login(voter))
    outsider = with_login(ResidentFactory(community=community))
    for extra in (0, 200):
        ResidentFactory.create_batch(extra, community=community)
        voting_round = make_round(
            meeting, by=staff_user, electorate=Electorate.RESIDENTS, minutes=120
        )
        client.get(url("round", voting_round))
        with django_assert_max_num_queries(budget):
            before = text(client.get(url("round", voting_round)))
        assert 'name="choice"' in before and "my-choice" not in before
        services.ballot_cast(
            voting_round=voting_round,
            voter=voter,
            choice=option(voting_round, "for"),
            by=voter.user,
        )
        with django_assert_max_num_queries(budget + 1):
            after = text(client.get(url("round", voting_round)))
        assert 'data-testid="my-choice">同意<' in after
        assert BallotReceipt.objects.get(voting_round=voting_round).code in after
        for label in ("同意", "反对", "弃权"):
            assert label in after
    client.force_login(outsider)
    voting_round = make_round(meeting, by=staff_user, minutes=120)
    page = text(client.get(url("round", voting_round)))
    assert "您不在其中" in page and 'name="choice"' not in page
