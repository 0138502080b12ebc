"""notify(): the one way the app tells people things."""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from residents.models import Community, Resident

from .models import Notification

User = get_user_model()


def _recipient(obj) -> tuple[User | None, Resident | None, str]:
    if isinstance(obj, Resident):
        return obj.user, obj, f"r{obj.pk}"
    if isinstance(obj, User):
        return obj, None, f"u{obj.pk}"
    raise TypeError(f"cannot notify {obj!r}")


def _render(kind: str, context: dict, language: str) -> tuple[str, str]:
    with translation.override(language):
        subject = render_to_string(f"notifications/{kind}/subject.txt", context)
        body = render_to_string(f"notifications/{kind}/body.txt", context)
    return " ".join(subject.split())[:200], body.strip()


def notify(
    *,
    recipients: Iterable,
    kind: str,
    context: dict,
    dedupe_key: str,
    link: str = "",
    community: Community | None = None,
) -> list[Notification]:
    """Create one notification per recipient, once per (dedupe_key, recipient).

    `recipients` are Users or Residents. Subject and body come from the templates
    notifications/<kind>/subject.txt and body.txt, rendered in each recipient's
    language. Calling again with the same key notifies nobody twice.
    """
    created = []
    seen = set()
    for obj in recipients:
        user, resident, who = _recipient(obj)
        key = f"{dedupe_key}:{who}"
        if key in seen:
            continue
        seen.add(key)
        language = user.language if user is not None else settings.LANGUAGE_CODE
        subject, body = _render(kind, {**context, "recipient": obj}, language)
        try:
            with transaction.atomic():
                notification, was_created = Notification.objects.get_or_create(
                    dedupe_key=key,
                    defaults={
                        "community": community,
                        "user": user,
                        "resident": resident,
                        "kind": kind,
                        "subject": subject,
                        "body": body,
                        "link": link,
                    },
                )
        except IntegrityError:
            continue  # a concurrent call created it first
        if was_created:
            created.append(notification)
    return created
