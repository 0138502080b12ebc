"""Pages of figures, exports and the calendar feed: parse, check, call, render."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.fragments import Expiring
from core.params import kept_page
from council.models import Meeting
from residents.access import community_view
from residents.kept import community_body
from residents.models import Community, District
from residents.selectors import district_of_officer

from . import metrics, selectors, services
from .feeds import community_calendar
from .forms import ExportForm
from .models import CalendarFeed, Export

# The district page's first pages are kept rendered (selectors.DISTRICT_PAGES).
KEPT_DISTRICT_PAGES = 5
DISTRICT_COLUMNS = [
    ("name", gettext_lazy("Community")),
    ("residents", gettext_lazy("Residents")),
    ("participation", gettext_lazy("Participation")),
    ("awareness", gettext_lazy("Awareness")),
    ("sms", gettext_lazy("Received by SMS")),
    ("offline", gettext_lazy("Reached offline")),
    ("topics", gettext_lazy("Topics")),
    ("satisfaction", gettext_lazy("Satisfaction")),
    ("overdue", gettext_lazy("Overdue action items")),
]


def _sort(request) -> tuple[str, bool]:
    sort = request.GET.get("sort", "participation")
    default_descending = sort != "name"
    descending = request.GET.get("dir", "desc" if default_descending else "asc")
    return sort, descending == "desc"


@community_view("reports.view_dashboard")
def dashboard(request, community):
    month = selectors.parse_month(request.GET.get("month"))
    months = selectors.months_before(
        selectors.parse_month(None), selectors.TREND_MONTHS
    )

    def build():
        data = selectors.community_dashboard(community=community, month=month)
        html = render_to_string(
            "reports/partials/_dashboard_body.html",
            {
                "community": community,
                "data": data,
                "definitions": metrics.DEFINITIONS,
                "months": months,
            },
            request,
        )
        # Until the month's figures are counted again (the page says when).
        seconds = selectors.LIVE_FIGURES_SECONDS
        return Expiring(html, data.counted_at + timedelta(seconds=seconds))

    body = community_body(
        selectors.DASHBOARDS,
        request,
        community,
        # The months of the picker are kept; a month typed in is built live.
        keep=set(request.GET) <= {"month"} and month in months,
        choices=(f"{month:%Y-%m}",),
        build=build,
    )
    return render(request, "reports/dashboard.html", {"body": body})


@community_view("reports.view_dashboard")
def meeting_figures(request, community, pk):
    """One meeting's figures: the section the meeting page loads, or a page."""
    meeting = get_object_or_404(
        Meeting.objects.select_related("community"), community=community, pk=pk
    )
    context = {
        "community": community,
        "meeting": meeting,
        "figures": metrics.meeting_figures(meeting),
        "definitions": metrics.DEFINITIONS,
        "can_export": request.user.has_perm("reports.export_data", community),
    }
    if request.htmx:
        return render(request, "reports/partials/_meeting_figures.html", context)
    return render(request, "reports/meeting_figures.html", context)


# -- district


def _district_for(request, pk) -> District:
    """The district of the URL, if the user is one of its officers: theirs comes
    with the login's memberships; anyone else's is read, to tell 403 from 404."""
    district = district_of_officer(user=request.user, pk=pk)
    if district is None:
        district = get_object_or_404(District, pk=pk)
    if not request.user.has_perm("reports.view_district", district):
        raise PermissionDenied
    return district


@login_required
def district(request, district):
    district_obj = _district_for(request, district)
    month = selectors.parse_month(request.GET.get("month"))
    sort, descending = _sort(request)
    number = kept_page(
        request.GET, kept=KEPT_DISTRICT_PAGES, also=("month", "sort", "dir")
    )

    def build():
        overview = selectors.district_overview(
            district=district_obj,
            month=month,
            sort=sort,
            descending=descending,
            page=request.GET.get("page"),
        )
        return render_to_string(
            "reports/partials/_district_body.html",
            {
                "district": district_obj,
                "overview": overview,
                "definitions": metrics.DEFINITIONS,
                "month_param": f"{month:%Y-%m}",
                "direction": "desc" if descending else "asc",
                "page_numbers": overview.page.paginator.get_elided_page_range(
                    overview.page.number
                ),
                "months": selectors.months_before(
                    selectors.parse_month(None), selectors.TREND_MONTHS
                ),
                "columns": DISTRICT_COLUMNS,
            },
            request,
        )

    # Kept: what the page's own links ask for (an order, a month, a first page).
    if number and sort in selectors.SORTS:
        variant = (get_language(), f"{month:%Y-%m}", sort, descending, number)
        body = selectors.DISTRICT_PAGES.get_or_build(
            str(district_obj.pk), variant, build
        )
    else:
        body = build()
    return render(
        request,
        "reports/district.html",
        {"body": mark_safe(body)},  # noqa: S308 - rendered by a template, escaped there
    )


@login_required
def district_community(request, district, community):
    district_obj = _district_for(request, district)
    community_obj = get_object_or_404(Community, district=district_obj, slug=community)
    month = selectors.parse_month(request.GET.get("month"))
    return render(
        request,
        "reports/district_community.html",
        {
            "district": district_obj,
            "community_obj": community_obj,
            "trend": selectors.community_history(community=community_obj, month=month),
            "chart": selectors._trend_chart(
                selectors.community_history(community=community_obj, month=month)
            ),
            "definitions": metrics.DEFINITIONS,
        },
    )


# -- exports


@community_view("reports.export_data")
def exports(request, community):
    form = ExportForm(
        request.POST or None,
        community=community,
        user=request.user,
        initial={"meeting": request.GET.get("meeting")}
        | ({"kind": "attendance"} if request.GET.get("meeting") else {}),
    )
    if request.method == "POST" and form.is_valid():
        export = services.export_request(
            community=community,
            by=request.user,
            kind=form.cleaned_data["kind"],
            file_format=form.cleaned_data["file_format"],
            meeting=form.cleaned_data.get("meeting"),
            include_contact_details=form.cleaned_data.get(
                "include_contact_details", False
            ),
        )
        return redirect(export.get_absolute_url())
    recent = (
        Export.objects.filter(community=community, created_by=request.user)
        .select_related("community")
        .order_by("-created_at", "-pk")[:10]
    )
    return render(
        request,
        "reports/exports.html",
        {"community": community, "form": form, "recent": recent},
    )


def _export_for(request, community, pk) -> Export:
    """The user's own export; staff also see colleagues' (it is their community's)."""
    export = get_object_or_404(
        Export.objects.select_related("community", "created_by"),
        community=community,
        pk=pk,
    )
    if export.created_by_id != request.user.pk and not request.user.has_perm(
        "reports.export_residents", community
    ):
        raise Http404
    return export


@community_view("reports.export_data")
def export_detail(request, community, pk):
    return render(
        request,
        "reports/export_detail.html",
        {"community": community, "export": _export_for(request, community, pk)},
    )


@community_view("reports.export_data")
def export_progress(request, community, pk):
    export = _export_for(request, community, pk)
    response = render(
        request,
        "reports/partials/_export_progress.html",
        {"community": community, "export": export},
    )
    if not export.is_running and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@community_view("reports.export_data")
def export_download(request, community, pk):
    export = _export_for(request, community, pk)
    if not export.is_ready:
        raise Http404
    services.export_downloaded(export=export)
    return FileResponse(
        export.file.open("rb"), as_attachment=True, filename=export.file_name
    )


# -- calendar feed


@community_view("council.view_meetings")
def calendar(request, community):
    feed = services.calendar_feed_for(community=community, user=request.user)
    return render(
        request,
        "reports/calendar.html",
        {
            "community": community,
            "feed": feed,
            "feed_url": request.build_absolute_uri(feed.get_absolute_url()),
        },
    )


@require_POST
@community_view("council.view_meetings")
def calendar_reset(request, community):
    feed = services.calendar_feed_for(community=community, user=request.user)
    services.calendar_feed_reset(feed=feed)
    messages.success(
        request, _("The calendar has a new address; the old one no longer works.")
    )
    return redirect("reports:calendar", community=community.slug)


def calendar_feed(request, token):
    """The .ics a phone's calendar fetches: the secret token is the only key."""
    feed = (
        CalendarFeed.objects.select_related("community__district", "user")
        .filter(token=token)
        .first()
    )
    if (
        feed is None
        or not feed.user.is_active
        or not feed.user.has_perm("council.view_meetings", feed.community)
    ):
        raise Http404
    base_url = request.build_absolute_uri("/").rstrip("/")
    with translation.override(feed.user.language or "zh-hans"):
        body = community_calendar(feed, base_url=base_url, host=request.get_host())
    response = HttpResponse(
        body,
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="{feed.community.slug}.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
