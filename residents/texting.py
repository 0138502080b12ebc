"""Text messages residents sends itself: codes that prove a person holds a phone.

residents imports nothing above it, and the SMS gateway belongs to notifications,
which registers its sender here in its AppConfig.ready(). These messages skip the
inbox, digests and quiet hours: the person is waiting for the code right now.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured


class TextNotSent(Exception):
    """The gateway did not take the message."""


_senders: list[Callable] = []


def register_text_sender(sender: Callable) -> None:
    """Register sender(*, mobile, kind, text, params, reference); the last one wins."""
    if sender not in _senders:
        _senders.append(sender)


def send_text(*, mobile: str, kind: str, text: str, params: dict, reference: str):
    """Send one text message now; raise TextNotSent when the gateway refuses it.

    `kind` picks the provider's template (SMS_TEMPLATES), `params` fill it and
    `text` is the whole message in the recipient's language.
    """
    if not _senders:
        raise ImproperlyConfigured(
            "No text-message sender is registered: is the notifications app installed?"
        )
    _senders[-1](
        mobile=mobile, kind=kind, text=text, params=params, reference=reference
    )
