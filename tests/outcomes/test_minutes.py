"""Minutes built from the meeting: attendance with an alternate, a proxy ballot and an
on-behalf check-in; publishing, confirming, correcting (earlier versions kept); the PDF."""

import subprocess
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from council import services as council_services
from notifications.models import Notification
from outcomes import services
from outcomes.models import MinutesVersion
from outcomes.tasks import build_minutes_pdf, tell_minutes
from tests.outcomes.factories import jpeg
from tests.topics.factories import TopicFactory
from tests.voting.factories import council_in_session, make_round, with_login
from topics.models import TopicStatus
from voting import services as voting_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(community, staff_user, social_worker, python_clock):
    """A concluded meeting: seat 1's holder away (alternate in), seat 2 checked in by
    themself, seat 3 voting by proxy; the item's vote closed and its outcome recorded."""
    topic = TopicFactory(
        community=community,
        title="旧村部四楼改成儿童活动中心",
        status=TopicStatus.ACCEPTED,
    )
    meeting, seats = council_in_session(
        community,
        by=staff_user,
        absent=1,
        alternates=True,
        topic=topic,
        leave_out=(1,),
    )
    self_user = with_login(seats[1].resident)
    council_services.attendance_check_in(
        meeting=meeting,
        by=self_user,
        resident=seats[1].resident,
        self_check_in=True,
        check_in_code=meeting.self_check_in_code(),
    )
    item = meeting.agenda_items.get(topic=topic)
    voting_round = make_round(meeting, by=staff_user, minutes=5, item=item)
    voting_services.proxy_ballot_cast(
        voting_round=voting_round,
        resident=seats[2].resident,
        choice=voting_round.options.get(code="for"),
        by=staff_user,
        photo=jpeg(),
        note="本人按手印",
    )
    for seat in seats[3:]:
        voting_services.ballot_cast(
            voting_round=voting_round,
            voter=seat.resident,
            choice=voting_round.options.get(code="for"),
            by=with_login(seat.resident),
        )
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        voting_services.round_close(voting_round=voting_round)
        outcome = services.outcome_record(
            agenda_item=item,
            by=social_worker,
            decision="把老村部四楼改建为儿童活动中心。",
            dissent="一位代表担心楼梯安全。",
        )
        services.action_item_add(
            outcome=outcome,
            by=social_worker,
            description="消防验收",
            due_on=timezone.localdate() + timedelta(days=14),
            owner_user=social_worker,
        )
        council_services.meeting_conclude(meeting=meeting, by=staff_user)
    meeting.refresh_from_db()
    return {"meeting": meeting, "seats": seats, "item": item, "outcome": outcome}


def test_minutes_are_built_from_the_meeting(held, social_worker):
    meeting, seats, item = held["meeting"], held["seats"], held["item"]
    minutes = services.minutes_for_meeting(meeting=meeting)
    version = services.minutes_publish(
        minutes=minutes, by=social_worker, notes={item.pk: "大家一致同意先做消防验收。"}
    )
    content = version.content
    assert content["community"] == "汀塘社区"
    assert content["meeting"]["title"] == meeting.title
    rows = [seat for kind in content["attendance"]["kinds"] for seat in kind["seats"]]
    assert len(rows) == len(seats) == 6
    away = next(row for row in rows if row["holder"] == seats[0].resident.name)
    assert away["holder_status"] == ""
    assert away["alternate"] == seats[0].alternate.name and away["stood_in"]
    assert away["alternate_on_behalf"] and away["present"]
    self_row = next(row for row in rows if row["holder"] == seats[1].resident.name)
    assert self_row["holder_status"] == "in_person" and not self_row["holder_on_behalf"]
    on_behalf = {row["name"] for row in content["on_behalf"]}
    assert seats[0].alternate.name in on_behalf
    assert seats[1].resident.name not in on_behalf
    assert content["attendance"]["present"] == 6 and content["attendance"]["quorum_met"]
    assert content["proxies"] == [
        {
            "resident": seats[2].resident.name,
            "question": "是否同意把老村部四楼改建为儿童活动中心？",
            "recorded_by": "林工作人员",
            "note": "本人按手印",
        }
    ]
    built = content["items"][0]
    assert built["topic"]["title"] == "旧村部四楼改成儿童活动中心"
    vote = built["rounds"][0]
    assert vote["result"]["passed"] and vote["result"]["proxy_ballots"] == 1
    assert vote["result"]["ballots_cast"] == 4  # three online and one by proxy
    assert built["outcome"]["decision"] == "把老村部四楼改建为儿童活动中心。"
    assert built["outcome"]["dissent"] == "一位代表担心楼梯安全。"
    assert built["outcome"]["action_items"][0]["owner"] == "陈社工"
    assert built["notes"] == "大家一致同意先做消防验收。"


def test_the_minutes_page_shows_attendance_proxy_and_on_behalf(
    held, social_worker, login, community
):
    meeting, seats = held["meeting"], held["seats"]
    minutes = services.minutes_for_meeting(meeting=meeting)
    services.minutes_publish(minutes=minutes, by=social_worker)
    client = login(social_worker)
    page = client.get(minutes.get_absolute_url()).content.decode()
    for name in (
        seats[0].resident.name,
        seats[0].alternate.name,
        seats[2].resident.name,
    ):
        assert name in page
    assert "本人按手印" in page


def test_publishing_tells_residents_and_asks_representatives_to_confirm(
    held, social_worker, community, django_capture_on_commit_callbacks
):
    from tests.factories import ResidentFactory

    bystander = ResidentFactory(community=community)
    minutes = services.minutes_for_meeting(meeting=held["meeting"])
    with django_capture_on_commit_callbacks() as callbacks:
        version = services.minutes_publish(minutes=minutes, by=social_worker)
    # The PDF and the news are queued once committed (with the kept pages' news).
    queued = {callback.__qualname__.split(".")[0] for callback in callbacks}
    assert {"_enqueue_pdf", "_enqueue_tell"} <= queued
    assert not Notification.objects.filter(kind__startswith="outcomes_minutes").exists()
    assert tell_minutes(version.pk) > 0
    assert tell_minutes(version.pk) == 0  # a re-run tells nobody twice
    told = Notification.objects.filter(kind="outcomes_minutes_published")
    assert told.filter(resident=bystander).exists()
    asked = Notification.objects.filter(kind="outcomes_minutes_confirm")
    assert asked.filter(resident=held["seats"][0].resident).exists()
    assert asked.filter(resident=held["seats"][0].alternate).exists()
    with pytest.raises(ValidationError):
        services.minutes_publish(minutes=minutes, by=social_worker)


def test_representatives_confirm_with_the_time(held, social_worker, resident):
    seats = held["seats"]
    minutes = services.minutes_for_meeting(meeting=held["meeting"])
    services.minutes_publish(minutes=minutes, by=social_worker)
    moment = timezone.now().replace(microsecond=0)
    confirmation, created = services.minutes_confirm(
        minutes=minutes, resident=seats[3].resident, by=None, now=moment
    )
    assert created and confirmation.confirmed_at == moment
    again, created = services.minutes_confirm(
        minutes=minutes, resident=seats[3].resident, by=None
    )
    assert not created and again.pk == confirmation.pk
    with pytest.raises(ValidationError):
        services.minutes_confirm(minutes=minutes, resident=resident, by=None)


def test_a_correction_keeps_the_earlier_version(held, social_worker, login):
    meeting, item, outcome = held["meeting"], held["item"], held["outcome"]
    minutes = services.minutes_for_meeting(meeting=meeting)
    first = services.minutes_publish(minutes=minutes, by=social_worker)
    services.minutes_confirm(
        minutes=minutes, resident=held["seats"][3].resident, by=None
    )
    services.outcome_update(
        outcome=outcome, by=social_worker, decision="改建为儿童活动中心和图书角。"
    )
    with pytest.raises(ValidationError):
        services.minutes_notes_save(
            minutes=minutes, by=social_worker, notes={item.pk: "改"}
        )
    # Published minutes do not follow the data until corrected.
    client = login(social_worker)
    assert (
        "改建为儿童活动中心和图书角"
        not in client.get(minutes.get_absolute_url()).content.decode()
    )
    with pytest.raises(ValidationError):
        services.minutes_correct(
            minutes=minutes, by=social_worker, notes={}, reason=" "
        )
    second = services.minutes_correct(
        minutes=minutes,
        by=social_worker,
        notes={item.pk: "决定补充图书角。"},
        reason="决定写漏了图书角",
    )
    first.refresh_from_db()
    assert (
        second.number == 2
        and MinutesVersion.objects.filter(minutes=minutes).count() == 2
    )
    assert (
        first.content["items"][0]["outcome"]["decision"]
        == "把老村部四楼改建为儿童活动中心。"
    )
    assert (
        second.content["items"][0]["outcome"]["decision"]
        == "改建为儿童活动中心和图书角。"
    )
    assert first.content_hash != second.content_hash
    page = client.get(minutes.get_absolute_url()).content.decode()
    assert "改建为儿童活动中心和图书角" in page and "决定写漏了图书角" in page
    old = client.get(
        reverse(
            "outcomes:minutes_version", args=[meeting.community.slug, meeting.pk, 1]
        )
    )
    assert "把老村部四楼改建为儿童活动中心。" in old.content.decode()
    assert first.confirmations.count() == 1 and second.confirmations.count() == 0


def test_minutes_wait_for_the_meeting_to_end(community, staff_user, social_worker):
    meeting, _seats = council_in_session(community, by=staff_user)
    minutes = services.minutes_for_meeting(meeting=meeting)
    with pytest.raises(ValidationError):
        services.minutes_publish(minutes=minutes, by=social_worker)


def test_residents_see_the_minutes_only_once_published(
    held, social_worker, resident_user, login
):
    meeting = held["meeting"]
    client = login(resident_user)
    url = reverse("outcomes:minutes", args=[meeting.community.slug, meeting.pk])
    pending = client.get(url)
    assert pending.status_code == 200 and "form" not in pending.context
    assert (
        client.post(url, {"action": "publish"}).status_code == 200
    )  # shown, not published
    assert not services.minutes_for_meeting(meeting=meeting).is_published


def test_the_pdf_renders_chinese_and_is_served_once_built(
    held, social_worker, login, django_capture_on_commit_callbacks, tmp_path
):
    meeting, seats = held["meeting"], held["seats"]
    minutes = services.minutes_for_meeting(meeting=meeting)
    with django_capture_on_commit_callbacks() as callbacks:
        version = services.minutes_publish(minutes=minutes, by=social_worker)
    assert callbacks  # the PDF task is queued on commit
    client = login(social_worker)
    pdf_url = reverse("outcomes:minutes_pdf", args=[meeting.community.slug, meeting.pk])
    waiting = client.get(pdf_url)
    assert waiting.status_code == 202
    assert 'hx-trigger="every 3s"' in waiting.content.decode()
    assert build_minutes_pdf(version.pk) is True
    assert build_minutes_pdf(version.pk) is False  # built once per content
    version.refresh_from_db()
    assert version.pdf_ready
    response = client.get(pdf_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    assert "汀塘社区" in text
    for seat in seats:
        line = next(line for line in text.splitlines() if seat.resident.name in line)
        assert seat.kind.label in line
    alternate_line = next(
        line for line in text.splitlines() if seats[0].alternate.name in line
    )
    assert seats[0].resident.name in alternate_line
    path = tmp_path / "minutes.pdf"
    path.write_bytes(data)
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, check=True
    ).stdout.decode()
    cjk = [line for line in fonts.splitlines() if "Noto-Sans-CJK" in line]
    assert cjk and all(line.split()[-5] == "yes" for line in cjk)  # embedded


def test_voters_are_among_those_invited_to_rate(held):
    invited = {r.pk for r in services.rating_invitees(held["outcome"])}
    seats = held["seats"]
    assert seats[2].resident.pk in invited  # voted by proxy
    assert seats[3].resident.pk in invited  # voted online
    assert held["outcome"].topic.submitter_id in invited
    assert seats[1].resident.pk not in invited  # present, did not vote


def test_a_social_worker_drafts_notes_then_publishes_from_the_page(
    held, social_worker, login
):
    meeting, item, seats = held["meeting"], held["item"], held["seats"]
    client = login(social_worker)
    url = reverse("outcomes:minutes", args=[meeting.community.slug, meeting.pk])
    draft = client.get(url)
    assert draft.status_code == 200
    text = draft.content.decode()
    assert seats[0].alternate.name in text and "发布会议纪要" in text
    saved = client.post(url, {f"note_{item.pk}": "先做消防验收。", "action": "save"})
    assert saved.status_code == 302
    assert services.draft_notes(services.minutes_for_meeting(meeting=meeting)) == {
        item.pk: "先做消防验收。"
    }
    published = client.post(
        url, {f"note_{item.pk}": "先做消防验收，再开放。", "action": "publish"}
    )
    assert published.status_code == 302
    minutes = services.minutes_for_meeting(meeting=meeting)
    assert minutes.is_published
    assert (
        minutes.versions.get().content["items"][0]["notes"] == "先做消防验收，再开放。"
    )
    page = client.get(url).content.decode()
    assert "先做消防验收，再开放。" in page and "更正会议纪要" in page
