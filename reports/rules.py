"""Permission names for reports.

Staff and social workers see their community's figures and export its work;
only staff export residents (personal data). District officers see the figures
of their district's communities, aggregates only: no lists of people, no exports.
"""

import rules

from .predicates import (
    is_community_staff,
    is_district_officer,
    is_officer_of_district,
    is_staff_or_social_worker,
)

rules.add_perm("reports.view_dashboard", is_staff_or_social_worker)
rules.add_perm("reports.export_data", is_staff_or_social_worker)
rules.add_perm("reports.export_residents", is_community_staff)
rules.add_perm("reports.view_district", is_officer_of_district)
# Given a community: the user is an officer of its district (for the menu).
rules.add_perm("reports.view_district_of", is_district_officer)
