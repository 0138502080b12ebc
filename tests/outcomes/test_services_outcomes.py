"""Recording outcomes, action items and the implemented transition; ratings."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from council import services as council_services
from notifications.models import Notification
from outcomes import services
from outcomes.models import ActionStatus, OutcomeStatus, SatisfactionRating
from tests.council.factories import schedule
from tests.factories import ResidentFactory
from tests.outcomes.factories import add_item, jpeg, record_outcome, topic_on_agenda
from tests.topics.factories import CommentFactory, EndorsementFactory, TopicFactory
from tests.voting.factories import council_in_session, make_round
from topics.models import TopicEventKind, TopicStatus
from voting import services as voting_services

pytestmark = pytest.mark.django_db


def test_recording_an_outcome_decides_the_topic_and_tells_the_submitter(
    community, social_worker, staff_user, library
):
    meeting, item, topic = topic_on_agenda(community, by=staff_user)
    outcome = services.outcome_record(
        agenda_item=item,
        by=social_worker,
        decision="把老村部四楼改建为儿童活动中心，村民众筹图书。",
        dissent="两位代表担心四楼没有电梯。",
        responsible_organization=library,
    )
    topic.refresh_from_db()
    assert topic.status == TopicStatus.DECIDED
    event = topic.events.get(kind=TopicEventKind.DECIDED)
    assert event.payload["link"] == outcome.get_absolute_url()
    assert outcome.status == OutcomeStatus.DECIDED
    assert outcome.responsible_name == "莆田爱心书屋"
    assert Notification.objects.filter(
        resident=topic.submitter, kind="topics_decided"
    ).exists()
    with pytest.raises(ValidationError, match="已经记录"):
        services.outcome_record(agenda_item=item, by=social_worker, decision="再记一次")


def test_a_topic_the_meeting_already_decided_is_not_decided_twice(
    community, staff_user
):
    from topics.services import topic_mark_decided

    meeting, item, topic = topic_on_agenda(community, by=staff_user)
    topic_mark_decided(topic=topic, by=staff_user, outcome="同意改建", meeting="十月")
    outcome = services.outcome_record(
        agenda_item=item, by=staff_user, decision="同意改建为儿童活动中心。"
    )
    topic.refresh_from_db()
    assert topic.status == TopicStatus.DECIDED
    assert topic.events.filter(kind=TopicEventKind.DECIDED).count() == 1
    assert (
        Notification.objects.filter(
            resident=topic.submitter, kind="topics_decided"
        ).count()
        == 1
    )
    assert outcome.topic_id == topic.pk


def test_an_outcome_needs_words_and_a_meeting_that_has_started(community, staff_user):
    meeting = schedule(community, by=staff_user)
    item = council_services.agenda_item_create(
        meeting=meeting, by=staff_user, title="路灯"
    )
    with pytest.raises(ValidationError, match="会议开始后"):
        services.outcome_record(agenda_item=item, by=staff_user, decision="修路灯")
    _meeting, item, _topic = topic_on_agenda(community, by=staff_user)
    with pytest.raises(ValidationError) as empty:
        services.outcome_record(agenda_item=item, by=staff_user, decision="  ")
    assert "decision" in empty.value.error_dict


def test_the_closed_vote_is_linked_not_retyped(community, staff_user, python_clock):
    topic = TopicFactory(community=community, status=TopicStatus.ACCEPTED)
    meeting, seats = council_in_session(community, by=staff_user, topic=topic)
    voting_round = make_round(meeting, by=staff_user, minutes=5)
    for seat in seats[:4]:
        voting_services.proxy_ballot_cast(
            voting_round=voting_round,
            resident=seat.resident,
            choice=voting_round.options.get(code="for"),
            by=staff_user,
            photo=jpeg(),
        )
    item = meeting.agenda_items.get(topic=topic)
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        voting_services.round_close(voting_round=voting_round)
        outcome = services.outcome_record(
            agenda_item=item, by=staff_user, decision="通过。"
        )
    assert outcome.voting_round == voting_round
    assert outcome.voting_round.result.passed


def test_implemented_when_every_action_item_is_done_and_back_when_one_reopens(
    community, staff_user, social_worker
):
    outcome = record_outcome(community, by=staff_user)
    first = add_item(outcome, by=social_worker, description="清理四楼")
    second = add_item(outcome, by=social_worker, description="采购书架")
    outcome.refresh_from_db()
    assert (outcome.status, outcome.action_total, outcome.action_done) == (
        OutcomeStatus.DECIDED,
        2,
        0,
    )
    services.action_update_post(
        item=first, by=social_worker, text="已清理完毕", status=ActionStatus.DONE
    )
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.IN_PROGRESS
    assert outcome.action_done == 1 and outcome.implemented_at is None
    services.action_update_post(
        item=second, by=social_worker, text="书架到位", status=ActionStatus.DONE
    )
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.IMPLEMENTED
    assert outcome.implemented_at is not None and outcome.action_percent == 100
    services.action_item_set_status(
        item=second, by=staff_user, status=ActionStatus.IN_PROGRESS
    )
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.IN_PROGRESS
    assert outcome.implemented_at is None


def test_an_item_records_when_it_was_done_and_forgets_it_when_reopened(
    community, staff_user
):
    """The overdue figure of a past month reads done_at (reports.metrics)."""
    start = timezone.now().replace(microsecond=0)
    outcome = record_outcome(community, by=staff_user)
    item = add_item(outcome, by=staff_user)
    with time_machine.travel(start + timedelta(days=2), tick=False):
        services.action_update_post(
            item=item, by=staff_user, text="书架到位", status=ActionStatus.DONE
        )
    item.refresh_from_db()
    assert item.done_at == start + timedelta(days=2)
    # Another update on a done item keeps the day it was done.
    with time_machine.travel(start + timedelta(days=3), tick=False):
        services.action_update_post(
            item=item, by=staff_user, text="补拍照片", status=ActionStatus.DONE
        )
    item.refresh_from_db()
    assert item.done_at == start + timedelta(days=2)
    services.action_item_set_status(
        item=item, by=staff_user, status=ActionStatus.IN_PROGRESS
    )
    item.refresh_from_db()
    assert item.done_at is None
    with time_machine.travel(start + timedelta(days=5), tick=False):
        services.action_item_set_status(
            item=item, by=staff_user, status=ActionStatus.DONE
        )
    item.refresh_from_db()
    assert item.done_at == start + timedelta(days=5)


def test_blocked_needs_a_reason(community, staff_user):
    outcome = record_outcome(community, by=staff_user)
    item = add_item(outcome, by=staff_user)
    with pytest.raises(ValidationError) as missing:
        services.action_update_post(
            item=item, by=staff_user, text="暂停", status=ActionStatus.BLOCKED
        )
    assert "blocked_reason" in missing.value.error_dict
    services.action_update_post(
        item=item,
        by=staff_user,
        text="暂停",
        status=ActionStatus.BLOCKED,
        blocked_reason="等消防验收",
    )
    item.refresh_from_db()
    assert item.status == ActionStatus.BLOCKED and item.blocked_reason == "等消防验收"


def test_only_the_owner_staff_and_social_workers_post_progress(
    community, staff_user, resident_user, resident, neighbour_user
):
    outcome = record_outcome(community, by=staff_user)
    item = services.action_item_add(
        outcome=outcome,
        by=staff_user,
        description="每周六组织志愿者",
        due_on=timezone.localdate() + timedelta(days=10),
        owner_resident=resident,
    )
    services.action_update_post(item=item, by=resident_user, text="第一次活动已开展")
    with pytest.raises(ValidationError, match="负责人"):
        services.action_update_post(item=item, by=neighbour_user, text="我也来")
    assert item.updates.count() == 1


def test_at_most_three_photos_per_update(community, staff_user):
    outcome = record_outcome(community, by=staff_user)
    item = add_item(outcome, by=staff_user)
    with pytest.raises(ValidationError) as too_many:
        services.action_update_post(
            item=item, by=staff_user, text="进展", photos=[jpeg() for _ in range(4)]
        )
    assert "photos" in too_many.value.error_dict


def _implemented(community, by):
    outcome = record_outcome(community, by=by)
    item = add_item(outcome, by=by)
    services.action_update_post(item=item, by=by, text="完成", status=ActionStatus.DONE)
    outcome.refresh_from_db()
    return outcome


def test_participants_are_invited_once_to_rate(community, staff_user, neighbour):
    outcome = record_outcome(community, by=staff_user)
    topic = outcome.topic
    endorser = EndorsementFactory(topic=topic).resident
    commenter = ResidentFactory(community=community)
    CommentFactory(topic=topic, author=None, author_resident=commenter)
    bystander = ResidentFactory(community=community)
    item = add_item(outcome, by=staff_user)
    services.action_update_post(
        item=item, by=staff_user, text="完成", status=ActionStatus.DONE
    )
    invited = set(
        Notification.objects.filter(kind="outcomes_rate").values_list(
            "resident_id", flat=True
        )
    )
    assert invited == {topic.submitter_id, endorser.pk, commenter.pk}
    assert bystander.pk not in invited
    # Reopened and done again: nobody is invited twice.
    services.action_item_set_status(item=item, by=staff_user, status="in_progress")
    services.action_item_set_status(item=item, by=staff_user, status="done")
    assert Notification.objects.filter(kind="outcomes_rate").count() == 3


def test_one_rating_per_resident_changeable_for_30_days(
    community, staff_user, resident, resident_user
):
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        outcome = _implemented(community, staff_user)
        rating, created = services.rating_submit(
            outcome=outcome,
            resident=resident,
            by=resident_user,
            score=4,
            comment="很好",
        )
    assert created
    with time_machine.travel(start + timedelta(days=29, hours=23), tick=False):
        rating, created = services.rating_submit(
            outcome=outcome, resident=resident, by=resident_user, score=2
        )
    assert not created and rating.score == 2
    assert SatisfactionRating.objects.filter(outcome=outcome).count() == 1
    outcome.refresh_from_db()
    assert (outcome.rating_count, outcome.rating_total) == (1, 2)
    with (
        time_machine.travel(start + timedelta(days=30), tick=False),
        pytest.raises(ValidationError, match="30"),
    ):
        services.rating_submit(
            outcome=outcome, resident=resident, by=resident_user, score=5
        )
    rating.refresh_from_db()
    assert rating.score == 2


def test_rating_only_once_implemented_and_from_one_to_five(
    community, staff_user, resident, resident_user, other_community
):
    outcome = record_outcome(community, by=staff_user)
    with pytest.raises(ValidationError, match="落实后"):
        services.rating_submit(
            outcome=outcome, resident=resident, by=resident_user, score=5
        )
    outcome = _implemented(community, staff_user)
    with pytest.raises(ValidationError) as bad:
        services.rating_submit(
            outcome=outcome, resident=resident, by=resident_user, score=6
        )
    assert "score" in bad.value.error_dict
    stranger = ResidentFactory(community=other_community)
    with pytest.raises(ValidationError, match="本社区"):
        services.rating_submit(outcome=outcome, resident=stranger, by=None, score=3)
