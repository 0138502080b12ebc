"""Residents pages: thin views over selectors and services, one module per concept."""

from .account import (  # noqa: F401
    login_link_confirm,
    login_link_decline,
    login_paused,
    mobile_change_confirm,
    mobile_change_resend,
    password_set,
    profile,
)
from .home import (  # noqa: F401
    PAGE_SIZE,
    community_home,
    community_public,
    home,
)
from .imports import (  # noqa: F401
    import_cancel,
    import_columns,
    import_confirm,
    import_detail,
    import_progress,
    import_report,
    import_start,
    import_template,
)
from .organisations import (  # noqa: F401
    organization_create,
    organization_detail,
    organization_edit,
    organization_list,
    organization_member_add,
    organization_member_remove,
)
from .residents import (  # noqa: F401
    resident_create,
    resident_detail,
    resident_edit,
    resident_list,
    resident_login_create,
    resident_password_reset,
)
