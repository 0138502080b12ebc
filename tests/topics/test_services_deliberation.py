"""Endorsements, comments, hiding, reports and merging without double counting."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from notifications.models import Notification
from tests.factories import ResidentFactory
from tests.topics.factories import CollectionWindowFactory, TopicFactory
from topics import services
from topics.models import (
    Comment,
    CommentReport,
    Endorsement,
    Topic,
    TopicEventKind,
    TopicStatus,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(community, resident):
    window = CollectionWindowFactory(community=community)
    return TopicFactory(community=community, submitter=resident, window=window)


def test_endorse_once_and_take_it_back(topic, neighbour):
    _e, created = services.endorsement_create(topic=topic, resident=neighbour)
    again, created_again = services.endorsement_create(topic=topic, resident=neighbour)
    assert created and not created_again
    topic.refresh_from_db()
    assert topic.endorsement_count == 1
    assert services.endorsement_withdraw(topic=topic, resident=neighbour)
    assert not services.endorsement_withdraw(topic=topic, resident=neighbour)
    topic.refresh_from_db()
    assert topic.endorsement_count == 0
    assert not Endorsement.objects.exists()


def test_database_refuses_a_second_endorsement_row(topic, neighbour):
    Endorsement.objects.create(topic=topic, resident=neighbour)
    with pytest.raises(IntegrityError), transaction.atomic():
        Endorsement.objects.create(topic=topic, resident=neighbour)


def test_resident_of_another_community_cannot_endorse(topic, other_community):
    outsider = ResidentFactory(community=other_community)
    with pytest.raises(ValidationError):
        services.endorsement_create(topic=topic, resident=outsider)
    assert topic.endorsements.count() == 0


def test_withdrawn_topic_takes_no_endorsements(topic, resident, neighbour):
    services.topic_withdraw(topic=topic, by=resident.user)
    with pytest.raises(ValidationError, match="不再接受点赞"):
        services.endorsement_create(topic=topic, resident=neighbour)


def test_reply_to_a_reply_joins_the_first_thread(topic, neighbour_user, resident_user):
    first = services.comment_create(
        topic=topic, author=neighbour_user, body="我支持", kind="support"
    )
    reply = services.comment_create(
        topic=topic, author=resident_user, body="谢谢", parent=first
    )
    reply_to_reply = services.comment_create(
        topic=topic, author=neighbour_user, body="不客气", parent=reply
    )
    assert reply.parent == first
    assert reply_to_reply.parent == first
    assert first.author_resident.name == "李大爷"
    topic.refresh_from_db()
    assert topic.comment_count == 3


def test_comment_kind_must_be_known(topic, neighbour_user):
    with pytest.raises(ValidationError):
        services.comment_create(
            topic=topic, author=neighbour_user, body="x", kind="rant"
        )


def test_hidden_comment_keeps_its_row_and_shows_reason(
    topic, neighbour_user, staff_user
):
    comment = services.comment_create(
        topic=topic, author=neighbour_user, body="骂人的话"
    )
    CommentReport.objects.create(comment=comment, reporter=staff_user)
    with pytest.raises(ValidationError):
        services.comment_hide(comment=comment, by=staff_user, reason=" ")
    services.comment_hide(comment=comment, by=staff_user, reason="含有人身攻击")
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_reason == "含有人身攻击"
    assert comment.body == "骂人的话"  # kept, not deleted
    topic.refresh_from_db()
    assert topic.comment_count == 0
    assert not CommentReport.objects.filter(resolved_at__isnull=True).exists()
    # hiding twice changes nothing
    services.comment_hide(comment=comment, by=staff_user, reason="再次")
    topic.refresh_from_db()
    assert topic.comment_count == 0


def test_reporting_twice_makes_one_report(topic, neighbour_user, resident_user):
    comment = services.comment_create(topic=topic, author=neighbour_user, body="x")
    services.comment_report(comment=comment, by=resident_user, reason="广告")
    services.comment_report(comment=comment, by=resident_user, reason="广告")
    assert CommentReport.objects.count() == 1


def test_merge_moves_endorsements_without_double_counting(
    community, topic, staff_user, neighbour, neighbour_user
):
    into = TopicFactory(community=community, window=topic.window, title="路灯不亮")
    both = ResidentFactory(community=community)
    only_dup = ResidentFactory(community=community)
    only_into = ResidentFactory(community=community)
    for r in (both, only_dup, neighbour):
        services.endorsement_create(topic=topic, resident=r)
    for r in (both, only_into):
        services.endorsement_create(topic=into, resident=r)
    services.comment_create(topic=topic, author=neighbour_user, body="同意")
    services.topic_merge(topic=topic, into=into, by=staff_user)

    topic.refresh_from_db()
    into.refresh_from_db()
    assert topic.status == TopicStatus.MERGED and topic.merged_into == into
    assert topic.endorsement_count == 0 and topic.comment_count == 0
    assert set(into.endorsements.values_list("resident_id", flat=True)) == {
        both.pk,
        only_dup.pk,
        only_into.pk,
        neighbour.pk,
    }
    assert into.endorsement_count == 4  # 3 + 2 minus the one who endorsed both
    assert into.comment_count == 1
    assert Comment.objects.get().topic == into
    merged_in = into.events.get(kind=TopicEventKind.MERGED_IN)
    assert merged_in.payload["endorsements_already_here"] == 1
    notification = Notification.objects.get(kind="topics_merged")
    assert notification.resident == topic.submitter
    assert "路灯不亮" in notification.body


def test_merge_into_itself_or_across_communities_is_refused(
    topic, other_community, staff_user
):
    with pytest.raises(ValidationError):
        services.topic_merge(topic=topic, into=topic, by=staff_user)
    elsewhere = TopicFactory(community=other_community)
    with pytest.raises(ValidationError):
        services.topic_merge(topic=topic, into=elsewhere, by=staff_user)


def test_merge_of_a_merged_topic_follows_the_chain(community, topic, staff_user):
    b = TopicFactory(community=community, window=topic.window)
    c = TopicFactory(community=community, window=topic.window)
    services.topic_merge(topic=topic, into=b, by=staff_user)
    services.topic_merge(topic=b, into=c, by=staff_user)
    topic.refresh_from_db()
    assert topic.merged_into == c
    with pytest.raises(ValidationError):
        services.topic_merge(topic=c, into=b, by=staff_user)


def test_decline_needs_a_reason_the_submitter_sees(topic, staff_user):
    with pytest.raises(ValidationError):
        services.topic_decline(topic=topic, by=staff_user, reason="")
    services.topic_decline(
        topic=topic, by=staff_user, reason="属于物业职责，已转交物业"
    )
    topic.refresh_from_db()
    assert topic.status == TopicStatus.DECLINED
    assert topic.decline_reason == "属于物业职责，已转交物业"
    notification = Notification.objects.get(kind="topics_declined")
    assert "属于物业职责" in notification.body
    with pytest.raises(ValidationError, match="已经处理过了"):
        services.topic_accept(topic=topic, by=staff_user)


def test_defer_moves_to_next_window_or_waits(community, topic, staff_user):
    services.topic_defer(topic=topic, by=staff_user)
    topic.refresh_from_db()
    assert topic.status == TopicStatus.DEFERRED and topic.window is None
    assert Notification.objects.filter(kind="topics_deferred").count() == 1
    from datetime import timedelta

    from django.utils import timezone

    later = services.collection_window_open(
        community=community,
        title="下个月议事会议",
        opens_at=timezone.now(),
        closes_at=timezone.now() + timedelta(days=20),
    )
    topic.refresh_from_db()
    assert topic.window == later
    # deferring again (from the new window) notifies again: a new event
    services.topic_defer(topic=topic, by=staff_user)
    assert Notification.objects.filter(kind="topics_deferred").count() == 2


def test_accept_records_meeting_and_link_in_history(topic, staff_user):
    services.topic_accept(
        topic=topic,
        by=staff_user,
        meeting="11月议事会议",
        link="/c/tingtang/council/meetings/1/",
    )
    event = topic.events.get(kind=TopicEventKind.ACCEPTED)
    assert event.payload == {
        "meeting": "11月议事会议",
        "link": "/c/tingtang/council/meetings/1/",
    }
    assert (
        Notification.objects.get(kind="topics_accepted").link
        == topic.get_absolute_url()
    )


def test_consultation_requires_an_accepted_topic_and_one_stakeholder(
    topic, staff_user, social_worker, neighbour
):
    from django.utils import timezone

    with pytest.raises(ValidationError):
        services.preconsultation_record(
            topic=topic,
            by=social_worker,
            consulted_at=timezone.now(),
            position="supports",
            resident=neighbour,
        )
    services.topic_accept(topic=topic, by=staff_user)
    with pytest.raises(ValidationError):
        services.preconsultation_record(
            topic=topic,
            by=social_worker,
            consulted_at=timezone.now(),
            position="supports",
            resident=neighbour,
            outside_name="物业公司",
        )
    c = services.preconsultation_record(
        topic=topic,
        by=social_worker,
        consulted_at=timezone.now(),
        position="concerns",
        outside_name="物业公司",
        outside_phone="13800001111",
        notes="担心费用",
    )
    assert c.stakeholder_name == "物业公司"
    assert Topic.objects.get(pk=topic.pk).consultations.count() == 1


def test_notification_text_keeps_quotes_and_ampersands(community, resident, staff_user):
    topic = TopicFactory(
        community=community, submitter=resident, title="Tom's lights & <gate>"
    )
    services.topic_decline(topic=topic, by=staff_user, reason="物业 & 居委会 'jointly'")
    notification = Notification.objects.get(kind="topics_declined")
    assert "Tom's lights & <gate>" in notification.subject
    assert "物业 & 居委会 'jointly'" in notification.body
    assert "&amp;" not in notification.body and "&#x27;" not in notification.body


def test_staff_reading_english_get_english_notifications(
    community, resident, staff_user
):
    from datetime import timedelta

    from django.utils import timezone

    staff_user.language = "en"
    staff_user.save(update_fields=["language"])
    window = CollectionWindowFactory(
        community=community,
        title="November meeting",
        opens_at=timezone.now() - timedelta(days=3),
        closes_at=timezone.now() - timedelta(seconds=1),
    )
    TopicFactory(community=community, submitter=resident, window=window)
    services.collection_window_close(window=window)
    notification = Notification.objects.get(kind="topics_review_open", user=staff_user)
    assert notification.subject == (
        "Topic collection for “November meeting” has closed: review can start"
    )
    assert "1 topic to review" in notification.body
