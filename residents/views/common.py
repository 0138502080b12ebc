"""What the residents views share."""

from django.core.paginator import Paginator
from django.http import Http404


def _get_or_404(queryset, **lookup):
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


class CountedPaginator(Paginator):
    """A paginator told its count (the kept one), so it never runs COUNT(*)."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # Paginator.count is a cached_property
