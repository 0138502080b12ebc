"""Meeting pages: list, schedule, edit, state actions, cancel, the meeting page, exports."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.display import qr_svg
from core.forms import apply_service_errors
from core.fragments import (
    KEPT_CSRF_TOKEN,
    Expiring,
    kept_or_built,
    with_own_csrf_token,
)
from core.sections import page_sections_wanted
from residents.access import community_view
from residents.predicates import viewer_key
from residents.selectors import resident_for_user

from .. import services
from ..exports import meeting_ics
from ..forms import (
    AgendaItemForm,
    CancelForm,
    MeetingForm,
)
from ..selectors import (
    COMMUNITY_COUNCIL,
    MEETING_PAGES,
    meeting_detail,
    meeting_invitations_of,
    meeting_invitees,
    meeting_list,
    meeting_page_changes_at,
)
from .common import council_or_404, meeting_alone_or_404, meeting_or_404

# -- meetings ------------------------------------------------------------------


@community_view("council.view_meetings")
def meetings(request, community):
    which = "past" if request.GET.get("show") == "past" else "upcoming"
    page = meeting_list(
        community=community,
        user=request.user,
        which=which,
        page=request.GET.get("page") or 1,
    )
    return render(
        request,
        "council/meeting_list.html",
        {"community": community, "page_obj": page, "which": which},
    )


@community_view("council.manage_meetings")
def meeting_create(request, community):
    council = council_or_404(community)
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
    meeting = meeting_or_404(community, pk, request.user)
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
# Steps that may ask for confirmation first (Meeting.confirmation_for says when).
CONFIRMED = {"publish", "start"}


@require_POST
@community_view("council.manage_meetings")
def meeting_action(request, community, pk, action):
    """Take one step; a step that needs confirming answers with a confirmation page."""
    meeting = meeting_or_404(community, pk, request.user)
    if action not in MEETING_ACTIONS:
        raise Http404
    service, done = MEETING_ACTIONS[action]
    options = {"confirm": "confirm" in request.POST} if action in CONFIRMED else {}
    try:
        service(meeting=meeting, by=request.user, **options)
    except ValidationError as exc:
        if getattr(exc, "code", None) == services.NEEDS_CONFIRMATION:
            label = next(
                (a.label for a in meeting.next_actions() if a.key == action), ""
            )
            return render(
                request,
                "council/meeting_confirm.html",
                {
                    "community": community,
                    "meeting": meeting,
                    "action": action,
                    "label": label,
                    "reason": exc.message,
                },
            )
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(meeting)


@community_view("council.manage_meetings")
def meeting_cancel(request, community, pk):
    meeting = meeting_or_404(community, pk, request.user)
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


@community_view("council.view_meeting", obj=meeting_alone_or_404, hide=True)
def meeting_page(request, community, meeting):
    """The meeting as everyone who sees the community alike sees it, kept
    (selectors.MEETING_PAGES), with the reader's own invitations built live."""
    viewer = (community.slug, get_language(), *viewer_key(request.user, community))

    def build():
        context = {
            "community": community,
            "meeting": meeting,
            "item_form": AgendaItemForm(),
            "csrf_token": KEPT_CSRF_TOKEN,
            **meeting_detail(meeting=meeting),
        }
        parts = tuple(
            render_to_string(f"council/partials/_meeting_{part}.html", context, request)
            for part in ("head", "body")
        )
        return Expiring(
            (*parts, *meeting_invitees(meeting)),
            meeting_page_changes_at(meeting, timezone.now()),
        )

    # The sections of the apps above (votes, outcomes), seen alike by the same
    # viewers, come from the cache with the page: one round trip.
    sections = page_sections_wanted(
        page="council.meeting", request=request, obj=meeting, variant=viewer
    )
    page, *kept_sections = kept_or_built(
        [
            (
                MEETING_PAGES,
                str(meeting.pk),
                viewer,
                build,
                ((COMMUNITY_COUNCIL, str(community.pk)),),
            ),
            *sections.wanted,
        ]
    )
    head, body, invited, organizations_invited = page
    resident = resident_for_user(user=request.user, community=community)
    mine = []
    if resident is not None and (resident.pk in invited or organizations_invited):
        mine = meeting_invitations_of(meeting=meeting, resident=resident)
    return render(
        request,
        "council/meeting_detail.html",
        {
            "community": community,
            "meeting": meeting,
            "head": with_own_csrf_token(head, request),
            "body": with_own_csrf_token(body, request),
            "my_invitations": mine,
            "sections_html": sections.rendered(kept_sections),
        },
    )


# -- exports ----------------------------------------------------------------------


@community_view("council.view_meeting", obj=meeting_or_404, hide=True)
def meeting_ics_view(request, community, meeting):
    url = request.build_absolute_uri(meeting.get_absolute_url())
    response = HttpResponse(
        meeting_ics(meeting, url=url, host=request.get_host()),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@community_view("council.view_meeting", obj=meeting_or_404, hide=True)
def meeting_print(request, community, meeting):
    url = request.build_absolute_uri(meeting.get_absolute_url())
    items = []
    if request.user.has_perm("council.view_agenda", meeting):
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
