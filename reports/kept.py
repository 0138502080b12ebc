"""The reports pages kept rendered in the shared cache (core.fragments), named here
for the selectors that build them and the services that change them."""

from core.fragments import SharedFragments

# A community's month is counted live, then kept this long (the page says when it
# was counted): a dashboard opened again and again counts once.
LIVE_FIGURES_SECONDS = 600

# The dashboard is the same for everyone who sees the community alike: kept
# rendered per community, month, language and viewer until its live figures are
# counted again (core.fragments.Expiring) or the night's snapshots change its
# months (services.snapshots_make says so).
DASHBOARDS = SharedFragments("dashboards", timeout=LIVE_FIGURES_SECONDS)
# The district page is the same for every officer of the district: kept per
# district, month, order, page and language until the night's snapshots. A
# community renamed or added shows within the timeout.
DISTRICT_PAGES = SharedFragments("district-pages", timeout=10 * 60)

# A page a resident opened is noted once (services.page_open_wish): the noting is
# kept per resident and page for a day, read with the page's other kept parts, so
# a reader who comes back costs no write and no round trip of its own.
PAGE_OPENS_SECONDS = 60 * 60 * 24
PAGE_OPENS = SharedFragments("page-opens", timeout=PAGE_OPENS_SECONDS)
