"""notify() and delivery: the one way the app tells people things.

Writes only. Every function is keyword-only; tasks and views call these.

Exactly once: a delivery is sent inside a transaction that holds its row lock and
marks it sent, so a duplicate task (a redelivered message, a sweep) waits for the
lock, then sees it sent and stops. For the logging backend the log row is written
in that same transaction, so "sent" and "logged" cannot disagree. For a real
gateway the message id (OutId) carries the delivery reference: a worker killed
between the gateway's answer and the commit is the one window where a message can
go out twice, and the reference lets the provider's receipts show it.

One module per concept: notify (creating notifications and their deliveries),
sending (delivery, retries, quiet hours, the sweep), digest, and inbox (read
marks and preferences); this package re-exports what the rest of the app calls.
"""

from .digest import digests_send  # noqa: F401
from .inbox import (  # noqa: F401
    notification_mark_read,
    notifications_mark_all_read,
    preference_save,
)
from .notify import enqueue_deliveries, notify  # noqa: F401
from .sending import (  # noqa: F401
    absolute_link,
    deliveries_retry_failed,
    deliveries_sweep,
    delivery_retry,
    delivery_send,
    in_quiet_hours,
    preference_for,
    quiet_hours_end,
    retry_delay,
)
