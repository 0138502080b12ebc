"""Submitting topics into collection windows, deadlines and on-behalf recording."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from notifications.models import Notification
from tests.topics.factories import CollectionWindowFactory
from topics import services
from topics.models import Topic, TopicEvent, TopicEventKind, TopicStatus

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Collection for the meeting of Sunday 29 Nov 2026 14:30 closes a week before.
DEADLINE = datetime(2026, 11, 22, 14, 30, tzinfo=SHANGHAI)


def submit(community, resident, by=None, **kwargs):
    fields = {
        "title": "修三号楼路灯",
        "description": "路灯坏了，晚上太黑。",
        "category": "facilities",
        **kwargs,
    }
    return services.topic_submit(
        community=community, submitter=resident, by=by or resident.user, **fields
    )


@pytest.fixture
def this_window(community):
    return CollectionWindowFactory(
        community=community,
        title="11月议事会议",
        opens_at=DEADLINE - timedelta(days=14),
        closes_at=DEADLINE,
    )


@pytest.fixture
def next_window(community):
    return CollectionWindowFactory(
        community=community,
        title="12月议事会议",
        opens_at=DEADLINE - timedelta(days=1),
        closes_at=DEADLINE + timedelta(days=28),
    )


def test_topic_goes_into_the_open_window(community, resident, this_window):
    with time_machine.travel(DEADLINE - timedelta(days=3), tick=False):
        topic = submit(community, resident)
    assert topic.window == this_window
    assert topic.status == TopicStatus.SUBMITTED
    assert topic.events.get().kind == TopicEventKind.SUBMITTED


def test_one_second_before_the_deadline_lands_in_this_meeting(
    community, resident, this_window, next_window
):
    with time_machine.travel(DEADLINE - timedelta(seconds=1), tick=False):
        topic = submit(community, resident)
    assert topic.window == this_window


def test_one_second_after_the_deadline_lands_in_the_next_meeting(
    community, resident, this_window, next_window
):
    # The close task has not run yet: the deadline alone decides.
    with time_machine.travel(DEADLINE + timedelta(seconds=1), tick=False):
        topic = submit(community, resident)
    this_window.refresh_from_db()
    assert this_window.closed_at is None
    assert topic.window == next_window


def test_at_the_deadline_itself_collection_is_closed(
    community, resident, this_window, next_window
):
    with time_machine.travel(DEADLINE, tick=False):
        topic = submit(community, resident)
    assert topic.window == next_window


def test_after_deadline_with_no_next_window_waits_then_joins_the_next_one(
    community, resident, this_window, staff_user
):
    with time_machine.travel(DEADLINE + timedelta(seconds=1), tick=False):
        topic = submit(community, resident)
        assert topic.window is None
        assert topic.is_waiting
        later = services.collection_window_open(
            community=community,
            title="12月议事会议",
            opens_at=DEADLINE + timedelta(hours=1),
            closes_at=DEADLINE + timedelta(days=21),
        )
    topic.refresh_from_db()
    assert topic.window == later
    assert topic.status == TopicStatus.SUBMITTED
    assert topic.events.filter(kind=TopicEventKind.WINDOW_ATTACHED).exists()


def test_window_open_does_not_take_topics_of_another_community(
    community, other_community, resident
):
    waiting = submit(community, resident)
    assert waiting.window is None
    services.collection_window_open(
        community=other_community,
        title="东峤议事会议",
        opens_at=datetime(2026, 1, 1, tzinfo=SHANGHAI),
        closes_at=datetime(2099, 1, 1, tzinfo=SHANGHAI),
    )
    waiting.refresh_from_db()
    assert waiting.window is None


def test_staff_record_for_offline_resident_and_resident_is_notified(
    community, offline_resident, staff_user, this_window
):
    with time_machine.travel(DEADLINE - timedelta(days=1), tick=False):
        topic = submit(community, offline_resident, by=staff_user)
    assert topic.recorded_by == staff_user
    assert topic.events.filter(kind=TopicEventKind.RECORDED).exists()
    notification = Notification.objects.get(kind="topics_recorded_for_you")
    assert notification.resident == offline_resident
    assert notification.user is None  # no login: delivered by SMS
    assert "林工作人员" in notification.body


def test_submitter_cannot_be_from_another_community(
    community, other_community, resident
):
    with pytest.raises(ValidationError):
        submit(other_community, resident)


def test_blank_title_is_refused_with_a_field_error(community, resident):
    with pytest.raises(ValidationError) as caught:
        submit(community, resident, title="   ")
    assert "title" in caught.value.error_dict


def test_submitter_edits_until_review_starts(community, resident, this_window):
    with time_machine.travel(DEADLINE - timedelta(days=1), tick=False):
        topic = submit(community, resident)
        services.topic_update(
            topic=topic,
            by=resident.user,
            title="修三号楼和四号楼路灯",
            description=topic.description,
            category=topic.category,
        )
    with time_machine.travel(DEADLINE + timedelta(minutes=1), tick=False):
        services.collection_window_close(window=this_window)
        topic.refresh_from_db()
        assert topic.status == TopicStatus.IN_TRIAGE
        with pytest.raises(ValidationError, match="不能再修改"):
            services.topic_update(
                topic=topic,
                by=resident.user,
                title="改了",
                description=topic.description,
                category=topic.category,
            )
    assert Topic.objects.get(pk=topic.pk).title == "修三号楼和四号楼路灯"


def test_someone_else_cannot_edit(community, resident, neighbour, this_window):
    topic = submit(community, resident)
    with pytest.raises(ValidationError):
        services.topic_update(
            topic=topic,
            by=neighbour.user,
            title="x",
            description="y",
            category="other",
        )


def test_withdraw_any_time_before_decision(
    community, resident, this_window, staff_user
):
    topic = submit(community, resident)
    services.topic_accept(topic=topic, by=staff_user, meeting="11月议事会议")
    services.topic_withdraw(topic=topic, by=resident.user, reason="已经修好了")
    topic.refresh_from_db()
    assert topic.status == TopicStatus.WITHDRAWN
    assert topic.events.last().note == "已经修好了"
    with pytest.raises(ValidationError):
        services.topic_withdraw(topic=topic, by=resident.user)


def test_decided_topic_cannot_be_withdrawn(
    community, resident, staff_user, this_window
):
    topic = submit(community, resident)
    services.topic_accept(topic=topic, by=staff_user)
    services.topic_mark_decided(topic=topic, by=staff_user, outcome="同意维修")
    with pytest.raises(ValidationError):
        services.topic_withdraw(topic=topic, by=resident.user)
    assert (
        TopicEvent.objects.filter(topic=topic, kind="decided").get().note == "同意维修"
    )


def test_editing_adds_and_removes_photos_and_deletes_the_file(
    community, resident, this_window, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile

    from tests.topics.conftest import make_jpeg

    def jpeg(name):
        return ContentFile(make_jpeg(size=(40, 30)), name=name)

    with time_machine.travel(DEADLINE - timedelta(days=1), tick=False):
        topic = submit(community, resident, photos=[jpeg("a.jpg"), jpeg("b.jpg")])
        first, second = topic.photos.order_by("position")
        storage = first.image.storage
        assert storage.exists(first.image.name)
        with pytest.raises(ValidationError):
            services.topic_update(
                topic=topic,
                by=resident.user,
                title=topic.title,
                description=topic.description,
                category=topic.category,
                add_photos=[jpeg("c.jpg"), jpeg("d.jpg")],
            )
        with django_capture_on_commit_callbacks(execute=True):
            services.topic_update(
                topic=topic,
                by=resident.user,
                title=topic.title,
                description=topic.description,
                category=topic.category,
                add_photos=[jpeg("c.jpg"), jpeg("d.jpg")],
                remove_photo_ids=[first.pk],
            )
    assert topic.photos.count() == 3
    assert not storage.exists(first.image.name)
    assert storage.exists(second.image.name)


def test_withdraw_is_refused_once_the_meeting_has_started(
    community, resident, staff_user
):
    starts = DEADLINE + timedelta(days=7)
    window = services.collection_window_open(
        community=community,
        title="11月议事会议",
        opens_at=DEADLINE - timedelta(days=14),
        closes_at=DEADLINE,
        meeting_starts_at=starts,
    )
    with time_machine.travel(DEADLINE - timedelta(days=1), tick=False):
        early = submit(community, resident, title="早撤回")
        late = submit(community, resident, title="晚撤回")
    assert early.window == late.window == window
    services.topic_accept(topic=late, by=staff_user)
    with time_machine.travel(starts - timedelta(seconds=1), tick=False):
        services.topic_withdraw(topic=early, by=resident.user)
    with (
        time_machine.travel(starts + timedelta(seconds=1), tick=False),
        pytest.raises(ValidationError),
    ):
        services.topic_withdraw(topic=late, by=resident.user)
    # a rescheduled meeting moves the limit too
    services.collection_window_move(
        window=window,
        opens_at=window.opens_at,
        closes_at=window.closes_at,
        meeting_starts_at=starts + timedelta(days=7),
    )
    with time_machine.travel(starts + timedelta(seconds=1), tick=False):
        services.topic_withdraw(topic=late, by=resident.user)
