"""Topic review (议题审核) pages of a meeting, and inviting consulted parties as X.

The page belongs to the meeting, so it lives in council; each review action goes
through council.services.triage, which applies the meeting's rules and moves the
topic through topics.services (council imports topics, never the reverse).
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.http import safe_next
from core.params import clean_text, int_or_none
from residents.access import community_view
from topics import selectors as topic_selectors
from topics.models import Topic

from .. import services
from ..models import AgendaItem, MeetingStatus
from ..selectors import meetings_visible_to
from .common import meeting_or_404


def _triage_url(meeting) -> str:
    return reverse(
        "council:triage", kwargs={"community": meeting.community.slug, "pk": meeting.pk}
    )


def consultation_context(*, item: AgendaItem) -> dict:
    """Context for council/partials/_consultation_summary.html on an agenda item."""
    return {
        "item": item,
        "summary": topic_selectors.consultation_summary(topic_id=item.topic_id)
        if item.topic_id
        else None,
    }


@community_view("topics.triage_topics")
def triage_index(request, community):
    """Meetings with a topic collection, upcoming first, with topics left to review."""
    meetings = (
        meetings_visible_to(user=request.user, community=community)
        .filter(window__isnull=False)
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("window")
        .order_by("-starts_at", "-pk")
    )
    page = Paginator(meetings, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    counts = topic_selectors.review_counts(
        window_ids=[meeting.window_id for meeting in page.object_list]
    )
    for meeting in page.object_list:
        meeting.review_counts = counts.get(meeting.window_id, {})
    return render(
        request,
        "council/triage_index.html",
        {"community": community, "page": page, "meetings": page.object_list},
    )


@community_view("topics.triage_topics")
def triage_page(request, community, pk):
    meeting = meeting_or_404(community, pk, request.user)
    groups = topic_selectors.topics_for_triage(
        community=community, window=meeting.window
    )
    items = list(
        AgendaItem.objects.filter(meeting=meeting, topic__isnull=False).values_list(
            "topic_id", "pk"
        )
    )
    summaries = topic_selectors.consultation_summaries(
        topic_ids=[topic.pk for topic in groups["accepted"]]
    )
    item_by_topic = dict(items)
    for topic in groups["accepted"]:
        topic.agenda_item_id = item_by_topic.get(topic.pk)
        topic.consultation_summary = summaries.get(topic.pk)
    return render(
        request,
        "council/triage.html",
        {
            "community": community,
            "meeting": meeting,
            "window": meeting.window,
            **groups,
        },
    )


@require_POST
@community_view("topics.triage_topics")
def triage_action(request, community, pk, topic_pk):
    """Accept, merge, decline or defer one topic of this meeting's collection."""
    meeting = meeting_or_404(community, pk, request.user)
    if meeting.window_id is None:
        raise Http404
    topic = get_object_or_404(
        Topic.objects.select_related("community", "submitter"),
        pk=topic_pk,
        community=community,
        window_id=meeting.window_id,
    )
    action = request.POST.get("action", "")
    try:
        if action == "accept":
            services.triage_accept(
                meeting=meeting,
                topic=topic,
                by=request.user,
                note=clean_text(request.POST.get("note")),
            )
            messages.success(
                request,
                _("“%(title)s” is on the agenda; %(name)s is told.")
                % {"title": topic.title, "name": topic.submitter.name},
            )
        elif action == "decline":
            services.triage_decline(
                meeting=meeting,
                topic=topic,
                by=request.user,
                reason=clean_text(request.POST.get("reason")),
            )
            messages.success(
                request,
                _("“%(title)s” is declined; %(name)s sees the reason.")
                % {"title": topic.title, "name": topic.submitter.name},
            )
        elif action == "merge":
            into_pk = int_or_none(request.POST.get("into"))
            into = (
                Topic.objects.filter(community=community, pk=into_pk).first()
                if into_pk
                else None
            )
            if into is None:
                raise ValidationError(_("Choose the topic to merge it into."))
            services.triage_merge(
                meeting=meeting, topic=topic, into=into, by=request.user
            )
            messages.success(
                request,
                _("“%(title)s” is merged into “%(into)s”.")
                % {"title": topic.title, "into": into.title},
            )
        elif action == "defer":
            deferred = services.triage_defer(
                meeting=meeting, topic=topic, by=request.user
            )
            if deferred.window_id:
                messages.success(
                    request,
                    _("“%(title)s” moves to “%(window)s”.")
                    % {"title": topic.title, "window": deferred.window.title},
                )
            else:
                messages.success(
                    request,
                    _("“%(title)s” waits for the next meeting's topic collection.")
                    % {"title": topic.title},
                )
        else:
            raise ValidationError(_("Choose accept, merge, decline or defer."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(_triage_url(meeting) + f"#topic-{topic.pk}")


@require_POST
@community_view("council.invite_stakeholders")
def invite_consulted(request, community, pk, item):
    """Invite everyone consulted on this item's topic as X stakeholders, in one step."""
    meeting = meeting_or_404(community, pk, request.user)
    agenda_item = get_object_or_404(
        AgendaItem.objects.select_related("meeting", "meeting__community"),
        pk=item,
        meeting=meeting,
    )
    if agenda_item.topic_id is None:
        raise PermissionDenied
    invited, skipped, problems, consulted = services.invitations_from_consultations(
        agenda_item=agenda_item, by=request.user
    )
    if invited:
        messages.success(
            request,
            _("%(n)d consulted parties invited as stakeholders.") % {"n": invited},
        )
    if skipped and not invited and not problems:
        messages.info(request, _("Everyone consulted is already invited."))
    for problem in problems:
        messages.error(request, problem)
    if not consulted:
        messages.info(request, _("No consultations recorded for this item yet."))
    return redirect(safe_next(request, _triage_url(meeting)))
