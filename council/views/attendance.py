"""Attendance: the check-in list, quorum, staff check-in, QR self check-in."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.display import qr_svg
from core.forms import apply_service_errors
from core.fragments import KEPT_CSRF_TOKEN, with_own_csrf_token
from core.params import kept_page, query_text
from residents.access import community_view
from residents.models import Resident
from residents.predicates import viewer_key
from residents.selectors import resident_for_user

from .. import services
from ..forms import (
    AttendanceForm,
    ObserverForm,
)
from ..models import (
    CHECK_IN_CODE_PERIOD,
    AttendanceStatus,
    Invitation,
)
from ..quorum import meeting_quorum
from ..selectors import MEETING_CHECK_IN, check_in_page
from .common import meeting_alone_or_404, meeting_or_404

# -- attendance -------------------------------------------------------------------


# Search first: a page the size of a phone screen or two, and the name box above it.
CHECK_IN_PAGE_SIZE = 20
# The list's first pages without a search are kept rendered (MEETING_CHECK_IN).
KEPT_PAGES = 10


def _attendance_context(request, community, meeting):
    """The check-in list, one page at a time, optionally filtered by name."""
    params = request.POST if request.method == "POST" else request.GET
    query = query_text(params, "q")  # cleaned: no NUL reaches the database
    data = check_in_page(
        meeting=meeting,
        query=query,
        page=params.get("page") or 1,
        page_size=CHECK_IN_PAGE_SIZE,
    )
    page = data["page"]
    return {
        "community": community,
        "meeting": meeting,
        "statuses": AttendanceStatus.choices,
        "quorum": data["quorum"],
        "rows": page.object_list,
        "page_obj": page,
        "q": query,
        "expected_count": data["expected_count"],
        "present_count": data["present_count"],
        "extra": urlencode({"q": query}) if query else "",
    }


def _attendance_page(request, community, meeting, context: dict, *, status=200):
    body = render_to_string(
        "council/partials/_attendance_body.html", context, request=request
    )
    return _attendance_response(request, community, meeting, body, status=status)


def _attendance_response(request, community, meeting, body: str, *, status=200):
    return render(
        request,
        "council/attendance.html",
        {
            "community": community,
            "meeting": meeting,
            "body": with_own_csrf_token(body, request),
        },
        status=status,
    )


@community_view(
    "council.view_attendance", obj=meeting_alone_or_404, hide="council.view_meeting"
)
def attendance(request, community, meeting):
    def build() -> str:
        context = _attendance_context(request, community, meeting)
        context["observer_form"] = ObserverForm(community=community)
        context["csrf_token"] = KEPT_CSRF_TOKEN
        return render_to_string(
            "council/partials/_attendance_body.html", context, request=request
        )

    # Kept: the pages the list's own links lead to, without a search. A search,
    # or any other parameter, is built for its reader alone.
    number = kept_page(request.GET, kept=KEPT_PAGES)
    if number is not None:
        variant = (
            meeting.pk,
            meeting.status,
            meeting.starts_at.isoformat(),
            meeting.title,
            community.slug,
            get_language(),
            *viewer_key(request.user, community),
            number,
        )
        body = MEETING_CHECK_IN.get_or_build(str(community.pk), variant, build)
    else:
        body = build()
    return _attendance_response(request, community, meeting, body)


@community_view("council.view_meeting", obj=meeting_or_404, hide=True)
def quorum_partial(request, community, meeting):
    """The quorum card alone, polled while the meeting is in progress."""
    return render(
        request,
        "council/partials/_quorum.html",
        {"community": community, "meeting": meeting, "quorum": meeting_quorum(meeting)},
    )


@require_POST
@community_view("council.record_attendance")
def attendance_mark(request, community, pk):
    meeting = meeting_or_404(community, pk, request.user)
    form = AttendanceForm(request.POST)
    error = None
    if form.is_valid():
        resident = invitation = None
        if form.cleaned_data["resident"]:
            resident = get_object_or_404(
                Resident, pk=form.cleaned_data["resident"], community=community
            )
        elif form.cleaned_data["invitation"]:
            invitation = get_object_or_404(
                Invitation, pk=form.cleaned_data["invitation"], meeting=meeting
            )
        try:
            services.attendance_check_in(
                meeting=meeting,
                by=request.user,
                status=form.cleaned_data["status"],
                resident=resident,
                invitation=invitation,
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = _("Choose how they attend.")
    if request.htmx:
        context = _attendance_context(request, community, meeting)
        context["error"] = error
        return render(request, "council/partials/_check_in.html", context)
    if error:
        messages.error(request, error)
    target = reverse("council:attendance", args=[community.slug, meeting.pk])
    keep = {k: request.POST[k] for k in ("q", "page") if request.POST.get(k)}
    return redirect(f"{target}?{urlencode(keep)}" if keep else target)


@require_POST
@community_view("council.record_attendance")
def attendance_add_observer(request, community, pk):
    meeting = meeting_or_404(community, pk, request.user)
    form = ObserverForm(request.POST, community=community)
    if form.is_valid():
        try:
            services.attendance_check_in(
                meeting=meeting,
                by=request.user,
                status=form.cleaned_data["status"],
                resident=form.cleaned_data["resident"],
                name=form.cleaned_data["name"]
                if not form.cleaned_data["resident"]
                else "",
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Attendance recorded."))
            return redirect(
                "council:attendance", community=community.slug, pk=meeting.pk
            )
    context = _attendance_context(request, community, meeting)
    context["observer_form"] = form
    return _attendance_page(request, community, meeting, context, status=400)


def _check_in_url(request, meeting) -> str:
    return request.build_absolute_uri(
        reverse(
            "council:self_check_in",
            args=[meeting.community.slug, meeting.pk, meeting.self_check_in_code()],
        )
    )


@community_view("council.record_attendance")
def check_in_qr(request, community, pk):
    """The QR for the screen in the room; htmx fetches a fresh one every
    CHECK_IN_QR_REFRESH_SECONDS (20 s)."""
    meeting = meeting_or_404(community, pk, request.user)
    url = _check_in_url(request, meeting)
    context = {
        "community": community,
        "meeting": meeting,
        "url": url,
        "qr": qr_svg(url, 10),
        "period_minutes": int(CHECK_IN_CODE_PERIOD.total_seconds() // 60),
        "refresh_seconds": settings.CHECK_IN_QR_REFRESH_SECONDS,
    }
    if request.htmx:
        return render(request, "council/partials/_check_in_qr.html", context)
    return render(request, "council/check_in_qr.html", context)


@community_view("council.check_in", obj=meeting_or_404, hide="council.view_meeting")
def self_check_in(request, community, meeting, token):
    state = meeting.self_check_in_code_state(token)
    if state == "invalid":
        raise Http404
    resident = resident_for_user(user=request.user, community=community)
    error = str(services.CHECK_IN_CODE_EXPIRED) if state == "expired" else None
    attendance = meeting.attendances.filter(resident=resident).first()
    if request.method == "POST" and error is None:
        status = (
            AttendanceStatus.ONLINE
            if request.POST.get("status") == AttendanceStatus.ONLINE
            else AttendanceStatus.IN_PERSON
        )
        try:
            attendance = services.attendance_check_in(
                meeting=meeting,
                by=request.user,
                resident=resident,
                status=status,
                self_check_in=True,
                check_in_code=token,
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    return render(
        request,
        "council/self_check_in.html",
        {
            "community": community,
            "meeting": meeting,
            "resident": resident,
            "attendance": attendance,
            "error": error,
        },
        status=400 if error else 200,
    )
