"""Every write to communities, residents, logins and organisations goes through here.

One module per concept, re-exported here: communities, residents (the records),
logins (one-time codes, login links, passwords), contact (a user's own details and
mobile change), organisations, imports (the resident-list import).
"""

from .communities import (  # noqa: F401
    STATS_SYNC_LIMIT,
    STATS_TASK_DELAY,
    community_create,
    community_setup,
    community_stats_changed,
    community_stats_kept,
    community_stats_refresh,
    on_community_created,
)
from .contact import (  # noqa: F401
    user_contact_update,
    user_mobile_change_confirm,
    user_mobile_change_start,
    user_mobile_remove,
    user_profile_update,
)
from .imports import (  # noqa: F401
    IMPORT_BATCH_SIZE,
    resident_import_cancel,
    resident_import_confirm,
    resident_import_map_columns,
    resident_import_prepare,
    resident_import_run,
)
from .logins import (  # noqa: F401
    ONE_TIME_CODE_ALPHABET,
    ONE_TIME_CODE_LENGTH,
    TEXTED_CODE_LENGTH,
    TEXTED_CODES_PER_HOUR,
    OneTimeCode,
    login_link_accept,
    login_link_decline,
    resident_login_create,
    resident_password_reset,
    user_one_time_code_use,
    user_password_set,
)
from .organisations import (  # noqa: F401
    ORGANIZATION_FIELDS,
    organization_create,
    organization_member_add,
    organization_member_remove,
    organization_update,
)
from .residents import (  # noqa: F401
    RESIDENT_FIELDS,
    resident_create,
    resident_update,
)
