"""Factories for notifications and deliveries."""

import factory
from factory.django import DjangoModelFactory

from notifications.models import Delivery, DeliveryStatus, Notification
from notifications.services import notify
from tests.factories import ResidentFactory


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    kind = "test_event"
    subject = factory.Sequence(lambda n: f"通知{n}")
    body = "请准时参加。"
    link = "/c/tingtang/"
    dedupe_key = factory.Sequence(lambda n: f"event:{n}:u")
    event_key = factory.Sequence(lambda n: f"event:{n}")
    language = "zh-hans"
    # A resident without login unless a user is given (a notification needs one).
    resident = factory.Maybe(
        "user", yes_declaration=None, no_declaration=factory.SubFactory(ResidentFactory)
    )


class DeliveryFactory(DjangoModelFactory):
    class Meta:
        model = Delivery

    notification = factory.SubFactory(NotificationFactory)
    channel = "sms"
    address = "13800001111"
    status = DeliveryStatus.FAILED
    attempts = 8
    last_error = "isv.MOBILE_NUMBER_ILLEGAL: 手机号码格式错误"


def tell(recipients, key="meeting:1:reminder", **kwargs):
    """Notify through the real service: the test event, with its own dedupe key."""
    return notify(
        recipients=recipients,
        kind="test_event",
        context={"title": "议事会明天开会"},
        dedupe_key=key,
        link="/c/tingtang/",
        **kwargs,
    )
