"""Council pages: thin views over selectors and services."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.display import qr_svg
from core.forms import apply_service_errors
from residents.access import community_view
from residents.models import Resident

from . import selectors, services
from .exports import meeting_ics
from .forms import (
    AgendaItemForm,
    AttendanceForm,
    CancelForm,
    CharterForm,
    InvitationForm,
    MeetingForm,
    ObserverForm,
    SeatAssignForm,
    SeatEndForm,
    SeatKindFormSet,
    SeatReplaceForm,
)
from .models import (
    AgendaItem,
    AttendanceStatus,
    Invitation,
    Meeting,
    MeetingStatus,
    Seat,
)
from .predicates import resident_for
from .quorum import meeting_quorum
from .selectors import check_in_rows, council_page, meeting_detail, meeting_list
from .triage import consultation_context


def _meeting(community, pk, user=None) -> Meeting:
    meeting = get_object_or_404(
        Meeting.objects.select_related("council", "community", "window"),
        pk=pk,
        community=community,
    )
    if (
        user is not None
        and meeting.status == MeetingStatus.DRAFT
        and not user.has_perm("council.manage_meetings", community)
    ):
        raise Http404
    return meeting


def _item(meeting, item_pk) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.select_related("topic"), pk=item_pk, meeting=meeting
    )


def _perms(user, community) -> dict:
    return {
        "manage_council": user.has_perm("council.manage_council", community),
        "manage_meetings": user.has_perm("council.manage_meetings", community),
        "invite": user.has_perm("council.invite_stakeholders", community),
        "record_attendance": user.has_perm("council.record_attendance", community),
        "view_attendance": user.has_perm("council.view_attendance", community),
    }


# -- council, charter and seats ------------------------------------------------


@community_view("council.view_council")
def council_home(request, community):
    council = services.council_for_community(community=community)
    data = council_page(council=council, former_page=request.GET.get("page") or 1)
    return render(
        request,
        "council/council.html",
        {
            "community": community,
            "council": council,
            "perms_": _perms(request.user, community),
            **data,
        },
    )


@community_view("council.manage_council")
def charter_edit(request, community):
    council = services.council_for_community(community=community)
    form = CharterForm(request.POST or None, instance=council)
    if request.method == "POST" and form.is_valid():
        try:
            services.council_update_charter(
                council=council, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The council rules were saved."))
            return redirect("council:council", community=community.slug)
    return render(
        request,
        "council/charter_form.html",
        {"community": community, "council": council, "form": form},
    )


@community_view("council.manage_council")
def seat_kinds_edit(request, community):
    council = services.council_for_community(community=community)
    formset = SeatKindFormSet(
        request.POST or None,
        queryset=council.seat_kinds.order_by("position", "pk"),
    )
    if request.method == "POST" and formset.is_valid():
        failed = False
        for form in formset.forms:
            try:
                services.seat_kind_update(
                    kind=form.instance,
                    by=request.user,
                    name=form.cleaned_data["name"],
                    position=form.cleaned_data["position"],
                    seat_count=form.cleaned_data["seat_count"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
                failed = True
        if not failed:
            messages.success(request, _("The seat kinds were saved."))
            return redirect("council:council", community=community.slug)
    return render(
        request,
        "council/seat_kinds_form.html",
        {"community": community, "council": council, "formset": formset},
    )


@community_view("council.manage_council")
def seat_assign(request, community):
    council = services.council_for_community(community=community)
    initial = {"kind": request.GET.get("kind")}
    form = SeatAssignForm(
        request.POST or None, council=council, community=community, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            seat = services.seat_assign(
                council=council, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s now holds a seat: %(kind)s")
                % {"name": seat.resident.name, "kind": seat.kind.label},
            )
            return redirect("council:council", community=community.slug)
    return render(
        request,
        "council/seat_form.html",
        {"community": community, "form": form, "title": _("Assign a seat")},
    )


def _seat(community, pk) -> Seat:
    return get_object_or_404(
        Seat.objects.select_related("kind", "resident", "alternate", "organization"),
        pk=pk,
        council__community=community,
    )


@community_view("council.manage_council")
def seat_end(request, community, pk):
    seat = _seat(community, pk)
    form = SeatEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.seat_end(seat=seat, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The seat was ended."))
            return redirect("council:council", community=community.slug)
    return render(
        request,
        "council/seat_form.html",
        {"community": community, "form": form, "seat": seat, "title": _("End a seat")},
    )


@community_view("council.manage_council")
def seat_replace(request, community, pk):
    seat = _seat(community, pk)
    form = SeatReplaceForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            services.seat_replace(seat=seat, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The seat was handed over."))
            return redirect("council:council", community=community.slug)
    return render(
        request,
        "council/seat_form.html",
        {
            "community": community,
            "form": form,
            "seat": seat,
            "title": _("Replace a representative"),
        },
    )


# -- meetings ------------------------------------------------------------------


@community_view("council.view_meetings")
def meetings(request, community):
    which = "past" if request.GET.get("show") == "past" else "upcoming"
    perms_ = _perms(request.user, community)
    page = meeting_list(
        community=community,
        which=which,
        include_drafts=perms_["manage_meetings"],
        page=request.GET.get("page") or 1,
    )
    return render(
        request,
        "council/meeting_list.html",
        {
            "community": community,
            "page_obj": page,
            "which": which,
            "perms_": perms_,
        },
    )


@community_view("council.manage_meetings")
def meeting_create(request, community):
    council = services.council_for_community(community=community)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_schedule(
                community=community,
                by=request.user,
                draft="save_draft" in request.POST,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The meeting was scheduled."))
            return redirect(meeting)
    return render(
        request,
        "council/meeting_form.html",
        {"community": community, "council": council, "form": form, "meeting": None},
    )


@community_view("council.manage_meetings")
def meeting_edit(request, community, pk):
    meeting = _meeting(community, pk)
    initial = {
        name: getattr(meeting, name)
        for name in (
            "title",
            "starts_at",
            "ends_at",
            "place",
            "room",
            "online_link",
            "description",
        )
    }
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_reschedule(
                meeting=meeting, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The meeting was updated."))
            return redirect(meeting)
    return render(
        request,
        "council/meeting_form.html",
        {
            "community": community,
            "council": meeting.council,
            "form": form,
            "meeting": meeting,
        },
    )


MEETING_ACTIONS = {
    "announce": (services.meeting_announce, _("The meeting was scheduled.")),
    "publish": (
        services.agenda_publish,
        _("The agenda was published and everyone invited was told."),
    ),
    "start": (services.meeting_start, _("The meeting is open: check-in has started.")),
    "conclude": (services.meeting_conclude, _("The meeting was concluded.")),
}


@require_POST
@community_view("council.manage_meetings")
def meeting_action(request, community, pk, action):
    meeting = _meeting(community, pk)
    if action not in MEETING_ACTIONS:
        raise Http404
    service, done = MEETING_ACTIONS[action]
    try:
        service(meeting=meeting, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(meeting)


@community_view("council.manage_meetings")
def meeting_cancel(request, community, pk):
    meeting = _meeting(community, pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_cancel(
                meeting=meeting, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, _("The meeting was cancelled and everyone invited was told.")
            )
            return redirect(meeting)
    return render(
        request,
        "council/meeting_cancel.html",
        {"community": community, "meeting": meeting, "form": form},
    )


@community_view("council.view_meetings")
def meeting_page(request, community, pk):
    meeting = _meeting(community, pk, request.user)
    resident = resident_for(request.user, community)
    data = meeting_detail(meeting=meeting, user=request.user, resident=resident)
    return render(
        request,
        "council/meeting_detail.html",
        {
            "community": community,
            "meeting": meeting,
            "perms_": _perms(request.user, community),
            "item_form": AgendaItemForm(),
            **data,
        },
    )


# -- agenda ---------------------------------------------------------------------


@community_view("council.manage_meetings")
def agenda_item_add(request, community, pk):
    meeting = _meeting(community, pk)
    form = AgendaItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_create(
                meeting=meeting, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The item was added to the agenda."))
            return redirect(
                reverse("council:meeting", args=[community.slug, meeting.pk])
                + "#agenda"
            )
    return render(
        request,
        "council/agenda_item_form.html",
        {"community": community, "meeting": meeting, "form": form},
    )


def _agenda_response(request, community, meeting):
    if request.htmx:
        resident = resident_for(request.user, community)
        data = meeting_detail(meeting=meeting, user=request.user, resident=resident)
        return render(
            request,
            "council/partials/_agenda.html",
            {
                "community": community,
                "meeting": meeting,
                "perms_": _perms(request.user, community),
                **data,
            },
        )
    return redirect(
        reverse("council:meeting", args=[community.slug, meeting.pk]) + "#agenda"
    )


@require_POST
@community_view("council.manage_meetings")
def agenda_item_move(request, community, pk, item):
    meeting = _meeting(community, pk)
    agenda_item = _item(meeting, item)
    try:
        services.agenda_item_move(
            item=agenda_item,
            by=request.user,
            direction=request.POST.get("direction", ""),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return _agenda_response(request, community, meeting)


@require_POST
@community_view("council.manage_meetings")
def agenda_item_remove(request, community, pk, item):
    meeting = _meeting(community, pk)
    agenda_item = _item(meeting, item)
    try:
        services.agenda_item_remove(item=agenda_item, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The item was taken off the agenda."))
    return redirect(
        reverse("council:meeting", args=[community.slug, meeting.pk]) + "#agenda"
    )


@community_view("council.view_meetings")
def agenda_item_page(request, community, pk, item):
    meeting = _meeting(community, pk, request.user)
    agenda_item = _item(meeting, item)
    invitations = list(
        agenda_item.invitations.select_related(
            "resident__user", "organization", "invited_by"
        )
    )
    resident = resident_for(request.user, community)
    org_ids = (
        set(resident.organizations.values_list("pk", flat=True)) if resident else set()
    )
    for invitation in invitations:
        invitation.mine = resident is not None and (
            invitation.resident_id == resident.pk
            or invitation.organization_id in org_ids
        )
    perms_ = _perms(request.user, community)
    form = None
    if (
        perms_["invite"]
        and not meeting.is_finished
        and meeting.status != MeetingStatus.DRAFT
    ):
        form = InvitationForm(community=community, initial={"who": "resident"})
    return render(
        request,
        "council/agenda_item.html",
        {
            "community": community,
            "meeting": meeting,
            "item": agenda_item,
            "invitations": invitations,
            "perms_": perms_,
            "form": form,
            **consultation_context(item=agenda_item, user=request.user),
        },
    )


@community_view("council.invite_stakeholders")
def invitation_create(request, community, pk, item):
    meeting = _meeting(community, pk)
    agenda_item = _item(meeting, item)
    form = InvitationForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("who")
        try:
            invitation = services.invitation_create(
                agenda_item=agenda_item, by=request.user, **data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s was invited.") % {"name": invitation.invitee_name},
            )
            return redirect(agenda_item)
    return render(
        request,
        "council/invitation_form.html",
        {"community": community, "meeting": meeting, "item": agenda_item, "form": form},
    )


@require_POST
@community_view("council.respond_invitation")
def invitation_respond(request, community, pk):
    invitation = get_object_or_404(
        Invitation.objects.select_related(
            "resident", "organization", "agenda_item__meeting__community"
        ),
        pk=pk,
        meeting__community=community,
    )
    on_behalf = request.user.has_perm("council.invite_stakeholders", community)
    if not (
        on_behalf
        or selectors.invitation_can_respond(invitation=invitation, user=request.user)
    ):
        raise PermissionDenied
    accept = request.POST.get("answer") == "accept"
    try:
        services.invitation_respond(
            invitation=invitation, by=request.user, accept=accept
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Thank you: your reply was recorded.")
            if accept
            else _("Your reply was recorded: you will not attend."),
        )
    return redirect(
        request.POST.get("next") or invitation.agenda_item.get_absolute_url()
    )


# -- attendance -------------------------------------------------------------------


CHECK_IN_PAGE_SIZE = 50


def _attendance_context(request, community, meeting):
    """The check-in list, one page at a time, optionally filtered by name."""
    params = request.POST if request.method == "POST" else request.GET
    query = (params.get("q") or "").strip()
    data = check_in_rows(meeting=meeting)
    rows = data["rows"]
    if query:
        rows = [row for row in rows if query in row.name]
    page = Paginator(rows, CHECK_IN_PAGE_SIZE).get_page(params.get("page") or 1)
    present = sum(
        1 for row in data["rows"] if row.attendance and row.attendance.is_present
    )
    return {
        "community": community,
        "meeting": meeting,
        "perms_": _perms(request.user, community),
        "statuses": AttendanceStatus.choices,
        "quorum": data["quorum"],
        "rows": page.object_list,
        "page_obj": page,
        "q": query,
        "expected_count": len(data["rows"]),
        "present_count": present,
        "extra": urlencode({"q": query}) if query else "",
    }


@community_view("council.view_attendance")
def attendance(request, community, pk):
    meeting = _meeting(community, pk)
    context = _attendance_context(request, community, meeting)
    context["observer_form"] = ObserverForm(community=community)
    return render(request, "council/attendance.html", context)


@community_view("council.view_meetings")
def quorum_partial(request, community, pk):
    """The quorum card alone, polled while the meeting is in progress."""
    meeting = _meeting(community, pk, request.user)
    return render(
        request,
        "council/partials/_quorum.html",
        {"community": community, "meeting": meeting, "quorum": meeting_quorum(meeting)},
    )


@require_POST
@community_view("council.record_attendance")
def attendance_mark(request, community, pk):
    meeting = _meeting(community, pk)
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
    meeting = _meeting(community, pk)
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
    return render(request, "council/attendance.html", context, status=400)


def _check_in_url(request, meeting) -> str:
    return request.build_absolute_uri(
        reverse(
            "council:self_check_in",
            args=[meeting.community.slug, meeting.pk, meeting.check_in_token],
        )
    )


@community_view("council.record_attendance")
def check_in_qr(request, community, pk):
    meeting = _meeting(community, pk)
    url = _check_in_url(request, meeting)
    return render(
        request,
        "council/check_in_qr.html",
        {
            "community": community,
            "meeting": meeting,
            "url": url,
            "qr": qr_svg(url, 10),
        },
    )


@community_view("council.check_in_self")
def self_check_in(request, community, pk, token):
    meeting = _meeting(community, pk, request.user)
    if token != meeting.check_in_token:
        raise Http404
    resident = resident_for(request.user, community)
    error = None
    attendance = meeting.attendances.filter(resident=resident).first()
    if request.method == "POST":
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


# -- exports ----------------------------------------------------------------------


@community_view("council.view_meetings")
def meeting_ics_view(request, community, pk):
    meeting = _meeting(community, pk, request.user)
    url = request.build_absolute_uri(meeting.get_absolute_url())
    response = HttpResponse(
        meeting_ics(meeting, url=url, host=request.get_host()),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@community_view("council.view_meetings")
def meeting_print(request, community, pk):
    meeting = _meeting(community, pk, request.user)
    url = request.build_absolute_uri(meeting.get_absolute_url())
    items = list(meeting.agenda_items.order_by("position", "pk"))
    return render(
        request,
        "council/meeting_print.html",
        {
            "community": community,
            "meeting": meeting,
            "items": items,
            "url": url,
            "qr": qr_svg(url, 5),
        },
    )
