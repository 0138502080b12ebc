"""notify(): one notification per person and key, deliveries per channel, on commit."""

import pytest
from django.core import mail
from django.db import transaction

from notifications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    LoggedSms,
    Notification,
    NotificationPreference,
)
from notifications.services import digests_send, notify
from tests.factories import ResidentFactory, UserFactory
from tests.notifications.conftest import run_due_deliveries
from tests.notifications.factories import tell

pytestmark = pytest.mark.django_db


def test_same_notify_twice_creates_one_notification(resident_user):
    first = tell([resident_user])
    second = tell([resident_user])

    assert len(first) == 1
    assert second == []
    assert Notification.objects.filter(user=resident_user).count() == 1
    assert Delivery.objects.count() == 2  # email and SMS, once


def test_recipient_listed_twice_and_through_resident_record_is_told_once(
    resident_user,
):
    resident = resident_user.resident_records.get()
    created = tell([resident_user, resident, resident_user, resident])

    assert len(created) == 1
    assert created[0].resident == resident
    assert created[0].user == resident_user
    assert created[0].community == resident.community


def test_different_keys_notify_again(resident_user):
    tell([resident_user], key="meeting:1:reminder24h")
    tell([resident_user], key="meeting:1:reminder2h")
    assert Notification.objects.filter(user=resident_user).count() == 2


def test_subject_and_body_are_rendered_in_each_recipients_language(
    resident_user, english_user
):
    tell([resident_user, english_user])

    chinese = Notification.objects.get(user=resident_user)
    english = Notification.objects.get(user=english_user)
    assert chinese.subject == "消息中心: 议事会明天开会"
    assert chinese.language == "zh-hans"
    assert english.subject == "Inbox: 议事会明天开会"
    assert english.body == "议事会明天开会, Mr Lin."
    assert chinese.sms_text == "SMS 议事会明天开会"


def test_resident_without_login_gets_a_text_message_and_no_inbox(offline_resident):
    (notification,) = tell([offline_resident])

    assert notification.user is None
    delivery = notification.deliveries.get()
    assert delivery.channel == Channel.SMS
    assert delivery.address == "13800001111"
    assert notification.language == "zh-hans"


def test_channels_follow_what_is_known_and_preferences(community, offline_resident):
    with_both = UserFactory(email="a@example.com", mobile="13900000001")
    no_email = UserFactory(email="", mobile="13900000002")
    no_mobile = UserFactory(email="c@example.com", mobile=None)
    sms_off = UserFactory(email="d@example.com", mobile="13900000004")
    NotificationPreference.objects.create(user=sms_off, sms_enabled=False)
    no_phone_resident = ResidentFactory(community=community, user=None, mobile="")

    tell([with_both, no_email, no_mobile, sms_off, no_phone_resident])

    def channels(**lookup):
        return sorted(
            Delivery.objects.filter(
                **{f"notification__{k}": v for k, v in lookup.items()}
            ).values_list("channel", flat=True)
        )

    assert channels(user=with_both) == ["email", "sms"]
    assert channels(user=no_email) == ["sms"]
    assert channels(user=no_mobile) == ["email"]
    assert channels(user=sms_off) == ["email"]
    assert channels(resident=no_phone_resident) == []
    assert Notification.objects.filter(resident=no_phone_resident).count() == 1


def test_channels_argument_narrows_the_channels(resident_user):
    tell([resident_user], channels=["email"])
    assert list(Delivery.objects.values_list("channel", flat=True)) == ["email"]


def test_rolled_back_transaction_sends_nothing(
    resident_user, offline_resident, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        tell([resident_user, offline_resident])
        raise RuntimeError("the caller's write failed")

    assert callbacks == []
    assert Notification.objects.count() == 0
    assert Delivery.objects.count() == 0
    assert run_due_deliveries() == 0
    assert LoggedSms.objects.count() == 0
    assert mail.outbox == []


def test_committed_notify_queues_its_deliveries_on_commit(
    resident_user, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(
        "notifications.tasks.deliver_batch.apply_async",
        lambda args, **kwargs: queued.extend(args[0]),
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tell([resident_user])
        assert queued == []  # nothing leaves before the commit

    for callback in callbacks:  # the deliveries, and forgetting the badge's count
        callback()
    assert sorted(queued) == sorted(Delivery.objects.values_list("pk", flat=True))


def test_delivered_email_and_sms_carry_the_rendered_text(resident_user, settings):
    settings.SITE_URL = "https://ysh.example.cn"
    tell([resident_user])

    assert run_due_deliveries() == 2
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "消息中心: 议事会明天开会"
    assert "https://ysh.example.cn/c/tingtang/" in mail.outbox[0].body
    sms = LoggedSms.objects.get()
    assert sms.mobile == resident_user.mobile
    assert sms.text == "SMS 议事会明天开会"
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_daily_digest_holds_messages_and_sends_one_summary(resident_user):
    NotificationPreference.objects.create(user=resident_user, daily_digest=True)
    tell([resident_user], key="a")
    tell([resident_user], key="b")
    tell([resident_user], key="c")

    assert set(Delivery.objects.values_list("status", flat=True)) == {"held"}
    assert run_due_deliveries() == 0
    assert Notification.objects.for_inbox(resident_user).count() == 3

    assert digests_send() == 1
    assert run_due_deliveries() == 2
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "每日汇总：3 条新通知"
    assert mail.outbox[0].body.count("议事会明天开会") == 3
    assert LoggedSms.objects.get().text.startswith("3 条新通知")
    assert Delivery.objects.filter(status=DeliveryStatus.DIGESTED).count() == 6
    # The summary is a channel, not news: the inbox still shows the three.
    assert Notification.objects.for_inbox(resident_user).count() == 3

    # A second run on the same day sends nothing more; later news waits.
    tell([resident_user], key="d")
    assert digests_send() == 0
    assert Delivery.objects.filter(status=DeliveryStatus.HELD).count() == 2


def test_digest_for_resident_without_login_goes_by_text(offline_resident):
    NotificationPreference.objects.create(resident=offline_resident, daily_digest=True)
    tell([offline_resident], key="a")
    tell([offline_resident], key="b")
    assert digests_send() == 1
    run_due_deliveries()
    assert (
        LoggedSms.objects.get().text
        == "2 条新通知：消息中心: 议事会明天开会; 消息中心: 议事会明天开会"
    )


def test_unknown_recipient_type_is_refused(community):
    with pytest.raises(TypeError):
        tell([community])


def test_sms_text_falls_back_to_the_subject_without_sms_template(offline_resident):
    (n,) = notify(
        recipients=[offline_resident],
        kind="test_plain",
        context={"title": "  停水\n通知  "},
        dedupe_key="water:9",
    )
    assert n.subject == "停水 通知"
    assert n.sms_text == "停水 通知"
    run_due_deliveries()
    assert LoggedSms.objects.get().text == "停水 通知"


def test_text_is_stored_plain_and_escaped_once_on_the_page(login, resident_user):
    notify(
        recipients=[resident_user],
        kind="test_event",
        context={"title": "路灯 & 井盖 <维修>"},
        dedupe_key="repair:1",
    )
    n = Notification.objects.get()
    assert n.subject == "消息中心: 路灯 & 井盖 <维修>"
    assert n.sms_text == "SMS 路灯 & 井盖 <维修>"
    page = login(resident_user).get("/inbox/").content.decode()
    assert "路灯 &amp; 井盖 &lt;维修&gt;" in page
    assert "&amp;amp;" not in page
