"""Agenda pages: items, their order, the agenda item page and stakeholder invitations."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import apply_service_errors
from core.http import safe_next
from residents.access import community_view
from residents.selectors import resident_for_user

from .. import services
from ..forms import (
    AgendaItemForm,
    InvitationForm,
)
from ..predicates import organization_ids_for
from ..selectors import meeting_detail
from .common import (
    agenda_item_in_url,
    agenda_item_or_404,
    invitation_in_url,
    meeting_or_404,
)
from .triage import consultation_context

# -- agenda ---------------------------------------------------------------------


@community_view("council.manage_meetings")
def agenda_item_add(request, community, pk):
    meeting = meeting_or_404(community, pk, request.user)
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
        data = meeting_detail(meeting=meeting)
        return render(
            request,
            "council/partials/_agenda.html",
            {"community": community, "meeting": meeting, **data},
        )
    return redirect(
        reverse("council:meeting", args=[community.slug, meeting.pk]) + "#agenda"
    )


@require_POST
@community_view("council.manage_meetings")
def agenda_item_move(request, community, pk, item):
    meeting = meeting_or_404(community, pk, request.user)
    agenda_item = agenda_item_or_404(meeting, item)
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
    meeting = meeting_or_404(community, pk, request.user)
    agenda_item = agenda_item_or_404(meeting, item)
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


@community_view("council.view_agenda", obj=agenda_item_in_url, hide=True)
def agenda_item_page(request, community, agenda_item):
    meeting = agenda_item.meeting
    invitations = list(
        agenda_item.invitations.select_related(
            "resident__user", "organization", "invited_by", "meeting"
        )
    )
    resident = resident_for_user(user=request.user, community=community)
    org_ids = organization_ids_for(request.user, community)
    for invitation in invitations:
        invitation.mine = resident is not None and (
            invitation.resident_id == resident.pk
            or invitation.organization_id in org_ids
        )
    form = None
    if (
        request.user.has_perm("council.invite_stakeholders", community)
        and not meeting.is_finished
        and not meeting.is_draft
    ):
        form = InvitationForm(
            community=community,
            by_mobile=request.user.has_perm(
                "residents.view_contact_details", community
            ),
        )
    return render(
        request,
        "council/agenda_item.html",
        {
            "community": community,
            "meeting": meeting,
            "item": agenda_item,
            "invitations": invitations,
            "form": form,
            **consultation_context(item=agenda_item),
        },
    )


@community_view("council.invite_stakeholders")
def invitation_create(request, community, pk, item):
    meeting = meeting_or_404(community, pk, request.user)
    agenda_item = agenda_item_or_404(meeting, item)
    form = InvitationForm(
        request.POST or None,
        community=community,
        by_mobile=request.user.has_perm("residents.view_contact_details", community),
    )
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                agenda_item=agenda_item,
                by=request.user,
                reason=form.cleaned_data["reason"],
                **form.stakeholder(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s was invited.") % {"name": invitation.stakeholder_name},
            )
            return redirect(agenda_item)
    return render(
        request,
        "council/invitation_form.html",
        {"community": community, "meeting": meeting, "item": agenda_item, "form": form},
    )


@require_POST
@community_view("council.respond_invitation", obj=invitation_in_url)
def invitation_respond(request, community, invitation):
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
    return redirect(safe_next(request, invitation.agenda_item.get_absolute_url()))
