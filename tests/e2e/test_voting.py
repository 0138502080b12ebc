"""Votes in a real browser on a phone-sized screen.

A representative votes, changes the vote, the deadline passes and the page shows
the result by itself; staff record a ballot by proxy with a photo of the paper.
"""

import io
import os
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from PIL import Image

from tests.e2e.conftest import assert_accessible, log_in
from tests.voting.factories import council_in_session, make_round, with_login
from voting.models import BallotReceipt, CastVia, RoundStatus, VotingRound
from voting.selectors import COMMUNITY_ROUNDS

pytestmark = pytest.mark.django_db(transaction=True)

SCREENS = os.environ.get("E2E_SCREENSHOTS", "")


def _shot(page, name):
    if SCREENS:
        page.screenshot(path=os.path.join(SCREENS, f"{name}.png"), full_page=True)


def _no_horizontal_scroll(page):
    return page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth + 1"
    )


def test_representative_votes_changes_and_sees_the_result_after_the_deadline(
    page, community, staff_user, settings
):
    settings.VOTING_MIN_OPEN_SECONDS = 10  # so the test need not wait a minute
    meeting, seats = council_in_session(community, by=staff_user)
    representative = seats[0].resident
    user = with_login(representative)
    voting_round = make_round(
        meeting, by=staff_user, closes_at=timezone.now() + timedelta(seconds=30)
    )
    log_in(page, user)
    page.goto(meeting.get_absolute_url())
    assert_accessible(page)
    page.get_by_role("link", name="去投票").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert page.locator("h1").inner_text() == voting_round.question
    assert "还剩 1 分钟" in page.get_by_test_id("time-left").inner_text()
    assert _no_horizontal_scroll(page)
    _shot(page, "vote_before")

    page.get_by_label("同意", exact=True).check()
    page.get_by_role("button", name="投票", exact=True).click()
    page.get_by_test_id("cast-ok").wait_for()
    assert "您的选票已计入" in page.get_by_test_id("cast-ok").inner_text()
    code = page.get_by_test_id("receipt-code").inner_text()
    _shot(page, "vote_cast")

    page.reload()
    assert page.get_by_test_id("my-choice").inner_text() == "同意"
    page.get_by_label("反对", exact=True).check()
    page.get_by_role("button", name="改投").click()
    page.get_by_test_id("cast-ok").filter(has_text="您的选票已修改").wait_for()
    changed = page.get_by_test_id("receipt-code").inner_text()
    assert changed != code
    receipt = BallotReceipt.objects.get(voter=representative)
    assert receipt.code == changed
    assert receipt.options == [voting_round.options.get(code="against").pk]

    # Not to wait out the half minute: the vote now ends in four seconds, and the
    # page, opened again, counts down to that deadline, reloads itself at it and
    # shows the result.
    VotingRound.objects.filter(pk=voting_round.pk).update(
        closes_at=timezone.now() + timedelta(seconds=4)
    )
    COMMUNITY_ROUNDS.changed(str(community.pk))  # as a service would: page is kept
    page.reload()
    assert page.get_by_role("button", name="改投").count()  # still open
    page.get_by_test_id("verdict").wait_for(timeout=60_000)
    assert VotingRound.objects.get(pk=voting_round.pk).status == RoundStatus.CLOSED
    assert "未通过" in page.get_by_test_id("verdict").inner_text()
    assert not page.get_by_role("button", name="改投").count()
    assert_accessible(page)
    page.get_by_test_id("result-link").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert page.get_by_test_id("turnout").inner_text().startswith("6 人中 1 人投票")
    assert changed in page.locator("#receipts").inner_text()
    counts = page.locator("#round-counts tbody tr")
    assert counts.count() == 3
    assert page.locator("#round-chart svg").count() == 1  # ECharts drew the bars
    assert _no_horizontal_scroll(page)
    _shot(page, "vote_result")


def test_the_kept_round_page_serves_an_english_and_a_chinese_voter_their_own_ballot(
    new_page, community, staff_user
):
    """The round's page is kept for everyone (views._round_head): a Chinese voter
    builds it, an English voter gets it in English with their own working form."""
    meeting, seats = council_in_session(community, by=staff_user)
    chinese, english = (with_login(seat.resident) for seat in seats[:2])
    english.language = "en"
    english.save(update_fields=["language"])
    voting_round = make_round(meeting, by=staff_user, minutes=90)
    pages = {}
    for user, locale in ((chinese, "zh-CN"), (english, "en-GB")):
        page = new_page(locale=locale)
        log_in(page, user)
        page.goto(voting_round.get_absolute_url())
        assert_accessible(page)
        assert page.locator("h1").inner_text() == voting_round.question
        pages[locale] = page
    chinese_page, english_page = pages["zh-CN"], pages["en-GB"]
    assert "投票截止" in chinese_page.content()
    assert "Voting closes" in english_page.content()
    assert "投票截止" not in english_page.content()
    with translation.override("en"):
        label = voting_round.options.get(code="for").label
    english_page.get_by_label(label, exact=True).check()
    english_page.get_by_role("button", name="Cast my ballot").click()
    english_page.get_by_test_id("cast-ok").wait_for()
    assert (
        "Your ballot was counted."
        in english_page.get_by_test_id("cast-ok").inner_text()
    )
    assert_accessible(english_page)
    receipt = BallotReceipt.objects.get(voter=seats[1].resident)
    assert receipt.options == [voting_round.options.get(code="for").pk]
    chinese_page.reload()
    assert_accessible(chinese_page)
    assert chinese_page.get_by_role("button", name="投票", exact=True).count()
    assert not chinese_page.get_by_test_id("my-choice").count()


@pytest.fixture
def paper(tmp_path):
    path = tmp_path / "授权书.jpg"
    out = io.BytesIO()
    Image.new("RGB", (1200, 1600), (250, 250, 245)).save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return path


def test_staff_record_a_proxy_ballot_with_a_photo_of_the_signed_paper(
    page, community, staff_user, paper, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    meeting, seats = council_in_session(community, by=staff_user)
    elderly = seats[2].resident
    voting_round = make_round(meeting, by=staff_user, minutes=30)
    log_in(page, staff_user)
    page.goto(voting_round.get_absolute_url())
    assert_accessible(page)
    page.get_by_role("link", name="代投登记").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("居民").fill(elderly.name)
    page.get_by_label("签字授权书照片").set_input_files(str(paper))
    page.get_by_label("同意", exact=True).check()
    page.get_by_label("备注").fill("本人在家按手印，社工在场")
    assert _no_horizontal_scroll(page)
    _shot(page, "proxy_form")
    with page.expect_navigation():
        page.get_by_role("button", name="登记选票").click()
    assert_accessible(page)
    assert f"已为 {elderly.name} 代投" in page.locator("main").inner_text()
    receipt = BallotReceipt.objects.get(voter=elderly)
    assert receipt.via == CastVia.PROXY and receipt.cast_by == staff_user
    assert receipt.proxy.note == "本人在家按手印，社工在场"
    assert "已有 1 人投票" in page.get_by_test_id("turnout-so-far").inner_text()

    page.get_by_role("link", name="表决人和投票情况").click()
    page.wait_for_load_state()
    assert_accessible(page)
    row = page.locator("li", has_text=elderly.name)
    assert "已投票" in row.inner_text()
    _shot(page, "proxy_done")
