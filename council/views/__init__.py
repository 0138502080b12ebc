"""Council pages: thin views over selectors and services, one module per concept."""

from .agenda import (  # noqa: F401
    agenda_item_add,
    agenda_item_move,
    agenda_item_page,
    agenda_item_remove,
    invitation_create,
    invitation_respond,
)
from .attendance import (  # noqa: F401
    attendance,
    attendance_add_observer,
    attendance_mark,
    check_in_qr,
    quorum_partial,
    self_check_in,
)
from .charter import (  # noqa: F401
    charter_edit,
    council_home,
    seat_assign,
    seat_end,
    seat_kinds_edit,
    seat_replace,
)
from .meetings import (  # noqa: F401
    meeting_action,
    meeting_cancel,
    meeting_create,
    meeting_edit,
    meeting_ics_view,
    meeting_page,
    meeting_print,
    meetings,
)
from .triage import (  # noqa: F401
    invite_consulted,
    triage_action,
    triage_index,
    triage_page,
)
