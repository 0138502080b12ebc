"""Minutes pages: the draft built from the meeting, publishing, versions, the PDF."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from council.models import AgendaItem, Meeting, MeetingStatus
from residents.access import community_view
from residents.selectors import resident_for_user

from . import selectors, services
from .forms import MinutesNotesForm
from .models import MinutesVersion


def _meeting(community, pk) -> Meeting:
    meeting = get_object_or_404(
        Meeting.objects.select_related("council", "community"),
        pk=pk,
        community=community,
    )
    if meeting.status == MeetingStatus.DRAFT:
        raise Http404
    return meeting


def _items(meeting):
    return list(
        AgendaItem.objects.filter(meeting=meeting)
        .only("pk", "position", "title", "meeting_id")
        .order_by("position", "pk")
    )


def _version(minutes, number=None) -> MinutesVersion:
    number = number or minutes.current_version
    version = MinutesVersion.objects.filter(minutes=minutes, number=number).first()
    if version is None:
        raise Http404
    return version


@community_view("outcomes.view_minutes")
def minutes_page(request, community, meeting):
    meeting = _meeting(community, meeting)
    minutes = services.minutes_for_meeting(meeting=meeting)
    can_edit = request.user.has_perm("outcomes.edit_minutes", community)
    context = {
        "community": community,
        "meeting": meeting,
        "minutes": minutes,
        "can_edit": can_edit,
    }
    if not minutes.is_published:
        if not can_edit:
            return render(request, "outcomes/minutes_pending.html", context)
        notes = services.draft_notes(minutes)
        form = MinutesNotesForm(
            request.POST or None, items=_items(meeting), notes=notes
        )
        if request.method == "POST" and form.is_valid():
            try:
                if request.POST.get("action") == "publish":
                    services.minutes_publish(
                        minutes=minutes, by=request.user, notes=form.notes()
                    )
                    messages.success(
                        request,
                        _(
                            "The minutes are published; residents are told and the PDF is being prepared."
                        ),
                    )
                else:
                    services.minutes_notes_save(
                        minutes=minutes, by=request.user, notes=form.notes()
                    )
                    messages.success(request, _("Your notes were saved."))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect(minutes.get_absolute_url())
        context.update(
            form=form,
            content=services.minutes_content(meeting=meeting, notes=notes),
            can_publish=meeting.status == MeetingStatus.CONCLUDED,
        )
        return render(
            request,
            "outcomes/minutes_draft.html",
            context,
            status=400 if form.errors else 200,
        )
    version = _version(minutes)
    return render(
        request, "outcomes/minutes.html", _published_context(request, context, version)
    )


def _published_context(request, context, version) -> dict:
    community = context["community"]
    minutes = context["minutes"]
    resident = resident_for_user(user=request.user, community=community)
    representatives = services.minutes_representatives(context["meeting"])
    confirmed = selectors.confirmations(version=version)
    confirmed_ids = {c.resident_id for c in confirmed}
    is_current = version.number == minutes.current_version
    context.update(
        version=version,
        content=version.content,
        versions=selectors.minutes_versions(minutes=minutes),
        confirmations=confirmed,
        not_confirmed=[r for r in representatives if r.pk not in confirmed_ids],
        can_confirm=is_current
        and resident is not None
        and resident.pk in {r.pk for r in representatives}
        and resident.pk not in confirmed_ids,
        is_current=is_current,
    )
    return context


@community_view("outcomes.view_minutes")
def minutes_version(request, community, meeting, number):
    meeting = _meeting(community, meeting)
    minutes = services.minutes_for_meeting(meeting=meeting)
    if not minutes.is_published:
        raise Http404
    context = {
        "community": community,
        "meeting": meeting,
        "minutes": minutes,
        "can_edit": request.user.has_perm("outcomes.edit_minutes", community),
    }
    return render(
        request,
        "outcomes/minutes.html",
        _published_context(request, context, _version(minutes, number)),
    )


@community_view("outcomes.edit_minutes")
def minutes_correct(request, community, meeting):
    meeting = _meeting(community, meeting)
    minutes = services.minutes_for_meeting(meeting=meeting)
    if not minutes.is_published:
        return redirect(minutes.get_absolute_url())
    current = _version(minutes)
    notes = {i["position"]: i["notes"] for i in current.content["items"]}
    items = _items(meeting)
    form = MinutesNotesForm(
        request.POST or None,
        items=items,
        notes={item.pk: notes.get(item.position, "") for item in items},
        correction=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = services.minutes_correct(
                minutes=minutes,
                by=request.user,
                notes=form.notes(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _(
                    "Version %(n)d of the minutes is published; the earlier ones are kept."
                )
                % {"n": version.number},
            )
            return redirect(minutes.get_absolute_url())
    return render(
        request,
        "outcomes/minutes_correct.html",
        {"community": community, "meeting": meeting, "minutes": minutes, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@community_view("outcomes.view_minutes")
def minutes_confirm(request, community, meeting):
    meeting = _meeting(community, meeting)
    minutes = services.minutes_for_meeting(meeting=meeting)
    resident = resident_for_user(user=request.user, community=community)
    if resident is None:
        messages.error(
            request, _("Only the meeting's representatives confirm its minutes.")
        )
    else:
        try:
            services.minutes_confirm(
                minutes=minutes, resident=resident, by=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Thank you: your confirmation is recorded."))
    return redirect(minutes.get_absolute_url())


def _pdf_context(request, community, meeting_pk):
    meeting = _meeting(community, meeting_pk)
    minutes = services.minutes_for_meeting(meeting=meeting)
    if not minutes.is_published:
        raise Http404
    number = request.GET.get("v")
    version = _version(minutes, int(number) if (number or "").isdigit() else None)
    return meeting, minutes, version


@community_view("outcomes.view_minutes")
def minutes_pdf(request, community, meeting):
    """The PDF when it is built; otherwise a page saying it is being prepared."""
    meeting, minutes, version = _pdf_context(request, community, meeting)
    context = {
        "community": community,
        "meeting": meeting,
        "minutes": minutes,
        "version": version,
    }
    if request.htmx:  # the waiting page asks every few seconds
        if not version.pdf_ready:
            services.minutes_pdf_request(version=version)
        return render(request, "outcomes/partials/_pdf_status.html", context)
    if version.pdf_ready:
        try:
            handle = version.pdf.open("rb")
        except FileNotFoundError:
            pass
        else:
            response = FileResponse(
                handle,
                content_type="application/pdf",
                filename=f"minutes-{meeting.pk}-v{version.number}.pdf",
            )
            response["Cache-Control"] = "private, max-age=3600"
            return response
    services.minutes_pdf_request(version=version)
    return render(request, "outcomes/minutes_pdf_wait.html", context, status=202)
