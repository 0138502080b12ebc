"""The residents' council (居民协商民主议事会): charter, 6+X seats, meetings, attendance.

A meeting owns its topic collection window (topics.CollectionWindow); topics never
point back at a meeting (council imports topics, never the reverse).

One module per concept, every model imported here: charter (the council and its
change log), seats, meetings (statuses, transitions, actions), agenda, invitations,
attendance.
"""

from .agenda import (  # noqa: F401
    AgendaItem,
)
from .attendance import (  # noqa: F401
    PRESENT_STATUSES,
    Attendance,
    AttendanceChange,
    AttendanceRole,
    AttendanceStatus,
)
from .charter import (  # noqa: F401
    Council,
    CouncilChange,
    PassingThreshold,
    QuorumRule,
)
from .invitations import (  # noqa: F401
    Invitation,
    InvitationStatus,
)
from .meetings import (  # noqa: F401
    ACTION_INTO,
    AGENDA_PUBLIC_STATUSES,
    ANNOUNCED_STATUSES,
    ATTENDANCE_STATUSES,
    BEFORE_OPENING_STATUSES,
    CHECK_IN_CODE_PERIOD,
    COLLECTING_STATUSES,
    MEETING_HORIZON,
    MEETING_MAX_LENGTH,
    MEETING_TRANSITIONS,
    SELF_CHECK_IN_STATUSES,
    UPCOMING_STATUSES,
    Meeting,
    MeetingAction,
    MeetingQuerySet,
    MeetingStatus,
    _new_token,
)
from .seats import (  # noqa: F401
    DEFAULT_SEAT_KIND_NAMES,
    DEFAULT_SEAT_KINDS,
    SEAT_HORIZON,
    Seat,
    SeatKind,
    SeatQuerySet,
)
