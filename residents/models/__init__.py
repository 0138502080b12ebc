"""Communities, people, roles and the five kinds of organisation.

One module per concept, every model imported here: users, communities (districts,
communities, roles and memberships), residents, organisations, imports, and the
codes sent by text message (login links, mobile changes).
"""

from .codes import (  # noqa: F401
    CodeStatus,
    LoginLink,
    LoginLinkQuerySet,
    MobileChange,
    TextedCode,
)
from .communities import (  # noqa: F401
    Community,
    CommunityStats,
    District,
    Membership,
    Role,
)
from .imports import (  # noqa: F401
    ImportStatus,
    ResidentImport,
)
from .organisations import (  # noqa: F401
    Organization,
    OrganizationKind,
)
from .residents import (  # noqa: F401
    Resident,
    ResidentQuerySet,
)
from .users import (  # noqa: F401
    User,
)
