"""Permission names for notifications (checked in the community of the URL)."""

import rules

from residents.predicates import is_community_staff, is_staff_or_social_worker

rules.add_perm("notifications.view_deliveries", is_community_staff)
rules.add_perm("notifications.retry_deliveries", is_community_staff)
rules.add_perm("notifications.manage_resident_preferences", is_community_staff)
rules.add_perm("notifications.print_notice_board", is_staff_or_social_worker)
