"""Resident records: list, detail, create, edit, logins and password resets."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.display import format_when
from core.forms import apply_service_errors
from core.params import kept_page_number, query_text

from .. import selectors, services
from ..access import community_view
from ..forms import (
    ResidentForm,
)
from ..kept import community_body
from ..models import (
    Resident,
)
from ..predicates import login_is_community_only
from .common import CountedPaginator, _get_or_404

PAGE_SIZE = getattr(settings, "PAGE_SIZE", 25)


# The list's first pages of everyone, or of one tag, are kept rendered
# (selectors.COMMUNITY_RESIDENTS); a search or a building is built each time.
KEPT_PAGES = 10


@community_view("residents.view_residents")
def resident_list(request, community):
    query = query_text(request.GET, "q")
    tag = request.GET.get("tag", "")
    if tag not in selectors.RESIDENT_TAGS:
        tag = ""
    building = request.GET.get("building", "")
    number = request.GET.get("page")

    def build() -> str:
        return render_to_string(
            "residents/partials/_resident_list_body.html",
            _resident_list_context(request, community, query, tag, building, number),
            request,
        )

    kept_page = kept_page_number(number, kept=KEPT_PAGES)
    body = community_body(
        selectors.COMMUNITY_RESIDENTS,
        request,
        community,
        keep=not query and not building and kept_page is not None,
        choices=(tag, kept_page),
        build=build,
    )
    return render(
        request, "residents/resident_list.html", {"community": community, "body": body}
    )


def _resident_list_context(request, community, query, tag, building, number) -> dict:
    stats = services.community_stats_kept(community=community)
    buildings = selectors.resident_buildings(stats=stats)
    if building not in buildings:
        building = ""
    residents = selectors.resident_list(
        community=community,
        query=query,
        tag=tag,
        building=building,
        by_mobile=request.user.has_perm("residents.view_contact_details", community),
    )
    if query or tag or building:
        paginator = Paginator(residents, PAGE_SIZE)
    else:  # everyone: the kept count, not COUNT(*) over the community
        paginator = CountedPaginator(residents, PAGE_SIZE, count=stats.residents)
    page = paginator.get_page(number)
    tags = [
        (name, Resident._meta.get_field(name).verbose_name)
        for name in selectors.RESIDENT_TAGS
    ]
    filters = {
        k: v for k, v in {"q": query, "tag": tag, "building": building}.items() if v
    }
    return {
        "community": community,
        "page": page,
        "page_numbers": page.paginator.get_elided_page_range(
            page.number, on_each_side=2, on_ends=1
        ),
        "query": query,
        "tag": tag,
        "building": building,
        "buildings": buildings,
        # Past a few dozen buildings a drop-down is longer than the page.
        "building_choices": buildings if len(buildings) <= 60 else None,
        "filter_query": urlencode(filters),
        "filter_params": list(filters.items()),
        "tags": tags,
    }


@community_view("residents.view_residents")
def resident_detail(request, community, pk):
    resident = _get_or_404(
        selectors.with_pending_login_link(Resident.objects.filter(community=community))
        .select_related("user")
        .prefetch_related("organizations"),
        pk=pk,
    )
    can_manage = request.user.has_perm("residents.manage_residents", community)
    login_state = selectors.resident_login_state(resident=resident)
    return render(
        request,
        "residents/resident_detail.html",
        {
            "community": community,
            "resident": resident,
            "login_state": login_state,
            "can_give_code": can_manage
            and (
                login_state != selectors.LOGIN_ACTIVE
                or login_is_community_only(resident.user, community)
            ),
            "household": (
                selectors.household_members(resident=resident)
                if request.user.has_perm("residents.view_contact_details", community)
                else []
            ),
        },
    )


def _resident_form_page(request, community, resident=None):
    form = ResidentForm(request.POST or None, instance=resident)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.RESIDENT_FIELDS}
        try:
            if resident is None:
                resident = services.resident_create(community=community, **fields)
                messages.success(
                    request, _("%(name)s was registered.") % {"name": resident.name}
                )
            else:
                resident = services.resident_update(resident=resident, **fields)
                messages.success(request, _("Changes saved."))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return redirect(resident)
    return render(
        request,
        "residents/resident_form.html",
        {"community": community, "form": form, "resident": resident},
    )


@community_view("residents.manage_residents")
def resident_create(request, community):
    return _resident_form_page(request, community)


@community_view("residents.manage_residents")
def resident_edit(request, community, pk):
    resident = get_object_or_404(Resident, community=community, pk=pk)
    return _resident_form_page(request, community, resident)


def _code_page(request, community, resident, one_time_code):
    response = render(
        request,
        "residents/one_time_code.html",
        {
            "community": community,
            "resident": resident,
            "one_time_code": one_time_code,
            "valid_until": format_when(one_time_code.expires_at),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_POST
@community_view("residents.manage_residents")
def resident_login_create(request, community, pk):
    resident = get_object_or_404(Resident, community=community, pk=pk)
    try:
        one_time_code = services.resident_login_create(
            resident=resident, created_by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(resident)
    return _code_page(request, community, resident, one_time_code)


@never_cache
@require_POST
@community_view("residents.manage_residents")
def resident_password_reset(request, community, pk):
    resident = get_object_or_404(Resident, community=community, pk=pk)
    try:
        one_time_code = services.resident_password_reset(
            resident=resident, created_by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(resident)
    return _code_page(request, community, resident, one_time_code)
