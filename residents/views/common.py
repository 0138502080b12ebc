"""What the residents views share."""

from django.core.paginator import Paginator
from django.http import Http404

from .. import selectors, services


def _get_or_404(queryset, **lookup):
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def kept_stats(community):
    """The kept resident counts; counted once now if the community has none yet."""
    return selectors.community_stats(
        community=community
    ) or services.community_stats_refresh(community_id=community.pk)


class CountedPaginator(Paginator):
    """A paginator told its count (the kept one), so it never runs COUNT(*)."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # Paginator.count is a cached_property
