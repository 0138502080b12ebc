"""Every write to topics, their deliberation, collection windows and consultations.

One module per concept: windows (collection periods), submission, review (the
states the council moves a topic through: accept, decline, defer, merge, vote,
decide), deliberation (endorsements, comments, moderation, reminders) and
consultation. The council never writes topic rows itself: it calls the review
services, each of which appends a TopicEvent to the topic's own history and
tells the submitter.
"""

from .common import REMINDER_BEFORE_DEADLINE, TRIAGE_STATUSES  # noqa: F401
from .consultation import preconsultation_record  # noqa: F401
from .deliberation import (  # noqa: F401
    comment_create,
    comment_hide,
    comment_report,
    comment_report_resolve,
    deadline_reminder_set,
    endorsement_create,
    endorsement_withdraw,
)
from .review import (  # noqa: F401
    topic_accept,
    topic_decline,
    topic_defer,
    topic_mark_decided,
    topic_merge,
    topic_record_vote,
)
from .submission import topic_submit, topic_update, topic_withdraw  # noqa: F401
from .windows import (  # noqa: F401
    collection_window_cancel,
    collection_window_close,
    collection_window_move,
    collection_window_open,
    collection_window_remind,
    collection_windows_sweep,
)
