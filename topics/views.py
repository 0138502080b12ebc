"""Topic pages: list, submit, record for a resident, detail, deliberation, reports."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import apply_service_errors
from core.fragments import (
    KEPT_CSRF_TOKEN,
    Expiring,
    kept_or_built,
    with_own_csrf_token,
    with_own_parts,
)
from core.http import safe_next
from core.params import choice_or_default, int_or_none, query_text
from core.sections import page_sections_wanted
from residents.access import community_view
from residents.kept import community_body
from residents.models import Resident
from residents.predicates import viewer_key
from residents.selectors import resident_for_user

from . import selectors, services
from .forms import (
    CommentForm,
    ConsultationForm,
    HideCommentForm,
    ReportCommentForm,
    ResidentSearchForm,
    TopicForm,
    WithdrawForm,
)
from .models import (
    Comment,
    CommentReport,
    Topic,
    TopicCategory,
    TopicPhoto,
    TopicStatus,
)
from .predicates import is_submitter
from .search import times_searched

# The list's first pages are kept rendered (selectors.COMMUNITY_TOPICS).
KEPT_PAGES = 10
# The submit form and the list show whether the resident asked for a reminder.
WITH_REMINDER = ("topic_reminder_opt_in",)


def _bound(request) -> tuple:
    """Form data and files for a POST (even an empty one), nothing for a GET."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


def _get_topic(community, pk, user=None) -> Topic:
    reader = resident_for_user(user=user, community=community) if user else None
    try:
        return selectors.topic_detail(community=community, pk=pk, reader=reader)
    except Topic.DoesNotExist:
        raise Http404 from None


def topic_in_url(community, pk, user) -> Topic:
    """The `obj` of community_view for permissions asked of one topic, with
    whether the user supports it."""
    return _get_topic(community, pk, user)


# A search's first page is kept from the third time it is asked within
# search.SEARCH_MEMORY_SECONDS; short words alone (most searches are one).
KEEP_SEARCH_FROM = 3
KEPT_SEARCH_LENGTH = 20


def _kept_search(community, query: str, page_number: int) -> bool:
    return (
        page_number == 1
        and len(query) <= KEPT_SEARCH_LENGTH
        and times_searched(community_id=community.pk, query=query) >= KEEP_SEARCH_FROM
    )


@community_view("topics.view_topics")
def topic_list(request, community):
    params = request.GET
    status = choice_or_default(params.get("status"), ["waiting", *TopicStatus.values])
    category = choice_or_default(params.get("category"), TopicCategory.values)
    window_id = int_or_none(params.get("window"))
    query = query_text(params, "q")
    sort = choice_or_default(params.get("sort"), selectors.SORTS, default="new")
    me = resident_for_user(
        user=request.user, community=community, select_related=WITH_REMINDER
    )
    mine = me is not None and params.get("mine") == "1"
    page_number = int_or_none(params.get("page")) or 1

    def build():
        now = timezone.now()
        topics = selectors.topic_list(
            submitter=me if mine else None,
            community=community,
            status=status,
            category=category,
            window_id=window_id,
            query=query,
            sort=sort,
        )
        # The normalised page and filters: a kept page must say what its key says
        # (?page=0 is the first page, not Django's last; odd parameters stay out of
        # its links).
        page = Paginator(topics, settings.PAGE_SIZE).get_page(page_number)
        filters = {
            "status": status,
            "category": category,
            "window": window_id or "",
            "q": query,
            "sort": sort if sort != "new" else "",
            "mine": "1" if mine else "",
        }
        window = selectors.window_accepting(community=community, now=now)
        html = render_to_string(
            "topics/partials/_topic_list_body.html",
            {
                "community": community,
                "page": page,
                "topics": page.object_list,
                "statuses": [
                    ("waiting", _("waiting for a collection period")),
                    *TopicStatus.choices,
                ],
                "categories": TopicCategory.choices,
                "windows": selectors.windows_for_filter(community=community),
                "current": {
                    "status": status,
                    "category": category,
                    "window": window_id,
                    "q": query,
                    "sort": sort,
                    "mine": mine,
                },
                "has_resident": me is not None,
                "is_filtered": any([status, category, window_id, query, mine]),
                "query_string": urlencode({k: v for k, v in filters.items() if v}),
                "window": window,
            },
            request,
        )
        return Expiring(html, selectors.window_shown_until(window, now))

    # Kept: what the same choices of a bounded set show (filters by status,
    # category and order, the first pages), and the first page of a search asked
    # again and again. Live: other free input (a meeting's id, a word searched
    # once) and the reader's own topics.
    keep = not (
        mine
        or window_id is not None
        or not 1 <= page_number <= KEPT_PAGES
        or (query and not _kept_search(community, query, page_number))
    )
    body = community_body(
        selectors.COMMUNITY_TOPICS,
        request,
        community,
        keep=keep,
        choices=(me is not None, status, category, sort, page_number, query),
        build=build,
    )
    return render(
        request,
        "topics/topic_list.html",
        {
            "community": community,
            "body": body,
            "has_resident": me is not None,
            "has_reminder": selectors.has_reminder(resident=me),
        },
    )


def _submit_form_page(request, community, *, submitter, form, on_behalf):
    resident = resident_for_user(
        user=request.user, community=community, select_related=WITH_REMINDER
    )
    return render(
        request,
        "topics/topic_form.html",
        {
            "community": community,
            "form": form,
            "submitter": submitter,
            "on_behalf": on_behalf,
            "window": selectors.window_accepting(community=community),
            "has_reminder": selectors.has_reminder(resident=resident),
            "draft_key": f"topic-draft:{community.slug}:{submitter.pk}",
            "is_edit": False,
        },
    )


def _handle_submit(request, community, *, submitter, on_behalf):
    form = TopicForm(*_bound(request))
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.topic_submit(
                community=community,
                submitter=submitter,
                by=request.user,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                category=form.cleaned_data["category"],
                location=form.cleaned_data["location"],
                photos=form.cleaned_data["photos"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if topic.window_id:
                messages.success(
                    request,
                    _("Thank you. The topic is in “%(window)s”.")
                    % {"window": topic.window.title},
                )
            else:
                messages.success(
                    request,
                    _(
                        "Thank you. No topic collection is open right now, so the "
                        "topic waits and goes into the next one."
                    ),
                )
            return redirect(topic.get_absolute_url() + "?submitted=1")
    return _submit_form_page(
        request, community, submitter=submitter, form=form, on_behalf=on_behalf
    )


@community_view("topics.submit_topic")
def topic_submit(request, community):
    submitter = resident_for_user(
        user=request.user, community=community, select_related=WITH_REMINDER
    )
    if submitter is None:
        if request.user.has_perm("topics.record_topic", community):
            return redirect("topics:topic_record_choose", community=community.slug)
        messages.error(
            request,
            _(
                "Your login is not linked to a resident record in this community. "
                "Ask the community staff to link it."
            ),
        )
        return redirect("topics:topic_list", community=community.slug)
    return _handle_submit(request, community, submitter=submitter, on_behalf=False)


@community_view("topics.record_topic")
def topic_record_choose(request, community):
    # Only staff find a resident by mobile number: for anyone else a search by
    # digits would tell them whose number it is.
    by_mobile = request.user.has_perm("residents.view_contact_details", community)
    form = ResidentSearchForm(request.GET or None, by_mobile=by_mobile)
    residents = []
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        if query:
            residents = list(
                Resident.objects.for_community(community)
                .search(query, by_mobile=by_mobile)
                .order_by("name", "pk")[:20]
            )
    return render(
        request,
        "topics/topic_record_choose.html",
        {
            "community": community,
            "form": form,
            "residents": residents,
            "query": query,
        },
    )


@community_view("topics.record_topic")
def topic_record(request, community, resident_pk):
    submitter = get_object_or_404(Resident, community=community, pk=resident_pk)
    return _handle_submit(request, community, submitter=submitter, on_behalf=True)


def _comment_urls(community, topic) -> dict:
    """The comment links of a topic page, reversed once for all its comments."""
    return {
        "topic_url": topic.get_absolute_url(),
        "comment_url": reverse(
            "topics:comment_create",
            kwargs={"community": community.slug, "pk": topic.pk},
        ),
        "report_url": reverse(
            "topics:comment_report", kwargs={"community": community.slug, "pk": 0}
        ),
        "hide_url": reverse(
            "topics:comment_hide", kwargs={"community": community.slug, "pk": 0}
        ),
    }


# Where the kept comments box holds the page of comments (_comment_wish).
_COMMENT_PAGE_PLACE = "<!--live:comment-page-->"


def _comment_wish(request, community, topic, start: int) -> tuple:
    """One page of comments, and the comments box around it with a blank comment
    form, as a kept_or_built() wish: or (None, build) when the page is built for
    its reader alone. Read with _comment_page_read()."""
    user = request.user
    can_moderate = user.has_perm("topics.moderate_comments", topic)
    variant = (
        "with-box",  # entries that hold the box too
        start,
        translation.get_language(),
        community.slug,
        user.has_perm("topics.comment_topic", topic),
        can_moderate,
        topic.accepts_deliberation,
    )

    def build() -> dict:
        page = selectors.topic_comments(
            topic=topic, with_reports=can_moderate, start=start
        )
        context = {
            "community": community,
            "topic": topic,
            **page,
            **_comment_urls(community, topic),
            "csrf_token": KEPT_CSRF_TOKEN,
        }
        html = render_to_string(
            "topics/partials/_comment_page.html", context, request=request
        )
        has_comments = bool(page["comments"])
        box = render_to_string(
            "topics/partials/_comments.html",
            {
                **context,
                "comment_page_html": mark_safe(_COMMENT_PAGE_PLACE),  # noqa: S308
                "has_comments": has_comments,
                "comment_form": CommentForm(),
            },
            request=request,
        )
        return {
            "html": html,
            "box": box,
            "has_comments": has_comments,
            "previous_start": page["previous_start"],
        }

    # Only the pages the links lead to are kept: a made-up ?comments_from= is built
    # for its reader alone, so no one can fill the cache with pages of nothing.
    size = selectors.COMMENTS_PAGE_SIZE
    if start % size == 0 and start <= topic.comment_count:
        return (selectors.COMMENT_PAGES, str(topic.pk), variant, build), build
    return None, build


def _comment_page_read(request, kept: dict) -> dict:
    html = with_own_csrf_token(kept["html"], request)
    return {
        "comment_page_html": html,
        "comments_box": with_own_csrf_token(
            kept["box"].replace(_COMMENT_PAGE_PLACE, html), request
        ),
        "has_comments": kept["has_comments"],
        "previous_start": kept["previous_start"],
    }


def _comment_page(request, community, topic, start: int) -> dict:
    """One page of comments, rendered: `comment_page_html`, and where the others are."""
    wish, build = _comment_wish(request, community, topic, start)
    kept = kept_or_built([wish])[0] if wish is not None else build()
    return _comment_page_read(request, kept)


def _topic_page_wish(request, community, topic) -> tuple:
    """The topic with its photos, and its history, the same for everyone who sees the
    community alike: kept (selectors.COMMUNITY_TOPICS) until a topics service
    changes the topic (every event of its history is written by one), or the
    clock ends its editing or withdrawing. What is the reader's own (their
    support, their topic's buttons) is marked in it and chosen by `own` in
    _topic_page_read(). As a kept_or_built() wish."""

    def build():
        prefetch_related_objects([topic], "photos", "events__actor")
        context = {
            "community": community,
            "topic": topic,
            "photos": list(topic.photos.all()),
            "events": list(topic.events.all()),
            "csrf_token": KEPT_CSRF_TOKEN,
        }
        parts = tuple(
            render_to_string(f"topics/partials/_{part}.html", context, request)
            for part in ("topic_head", "history")
        )
        return Expiring(parts, selectors.topic_page_changes_at(topic, timezone.now()))

    variant = (
        "page",
        topic.pk,
        community.slug,
        translation.get_language(),
        *viewer_key(request.user, community),
    )
    return (selectors.COMMUNITY_TOPICS, str(community.pk), variant, build)


def _topic_page_read(request, kept: tuple, *, own: set[str]) -> dict:
    head, history = kept
    return {
        "head_html": with_own_csrf_token(with_own_parts(head, own), request),
        "history_html": mark_safe(history),  # noqa: S308
    }


def _own_keys(request, topic, resident) -> set[str]:
    """Which of the kept page's marked parts are the reader's (_topic_head.html)."""
    if is_submitter(request.user, topic):
        return {"submitter", "endorse-own"}
    if not request.user.has_perm("topics.endorse_topic", topic):
        return {"endorse-count"}
    if selectors.has_endorsed(topic=topic, resident=resident):
        return {"endorse-withdraw"}
    return {"endorse-support"}


@community_view("topics.view_topics", obj=topic_in_url)
def topic_detail(request, community, topic):
    return _topic_detail_page(request, community, topic)


def _topic_detail_page(request, community, topic, *, comment_form=None, status=200):
    """The topic page; with `comment_form` (sent back with its errors) the comments
    box is built for this reader, what they typed kept."""
    resident = resident_for_user(user=request.user, community=community)
    can_view_comments = request.user.has_perm("topics.view_comments", topic)
    start = max(int_or_none(request.GET.get("comments_from")) or 0, 0)
    if request.htmx and "comments_from" in request.GET:
        # "Show more comments": the next page alone
        if not can_view_comments:
            return HttpResponse("")
        page = _comment_page(request, community, topic, start)
        return HttpResponse(page["comment_page_html"])
    comment_wish = build_comments = None
    if can_view_comments:
        comment_wish, build_comments = _comment_wish(request, community, topic, start)
    # Who sees the sections of the apps above (votes, outcomes) alike.
    sections_variant = (
        translation.get_language(),
        *viewer_key(request.user, community),
    )
    sections = page_sections_wanted(
        page="topics.topic", request=request, obj=topic, variant=sections_variant
    )
    # The page, its comments and the sections above it: one round trip.
    wanted = [_topic_page_wish(request, community, topic), *sections.wanted]
    if comment_wish is not None:
        wanted.append(comment_wish)
    page, *rest = kept_or_built(wanted)
    comment_page = {}
    if comment_wish is not None:
        comment_page = _comment_page_read(request, rest.pop())
    elif build_comments is not None:
        comment_page = _comment_page_read(request, build_comments())
    if comment_form is not None and comment_page:
        comment_page["comments_box"] = render_to_string(
            "topics/partials/_comments.html",
            {
                "community": community,
                "topic": topic,
                **comment_page,
                **_comment_urls(community, topic),
                "comment_form": comment_form,
            },
            request,
        )
    return render(
        request,
        "topics/topic_detail.html",
        {
            "community": community,
            "topic": topic,
            **_topic_page_read(request, page, own=_own_keys(request, topic, resident)),
            **comment_page,
            "resident": resident,
            "can_view_comments": can_view_comments,
            "sections_html": sections.rendered(rest),
        },
        status=status,
    )


@community_view("topics.act_for_topic", obj=topic_in_url)
def topic_edit(request, community, topic):
    photos = list(topic.photos.all())
    form = TopicForm(
        *_bound(request),
        existing_photos=photos,
        initial={
            "title": topic.title,
            "description": topic.description,
            "category": topic.category,
            "location": topic.location,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.topic_update(
                topic=topic,
                by=request.user,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                category=form.cleaned_data["category"],
                location=form.cleaned_data["location"],
                add_photos=form.cleaned_data["photos"],
                remove_photo_ids=form.cleaned_data.get("remove_photos", []),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(topic.get_absolute_url() + "?saved=1")
    elif request.method == "GET" and not topic.is_editable:
        messages.error(request, topic.edit_refusal())
        return redirect(topic)
    return render(
        request,
        "topics/topic_form.html",
        {
            "community": community,
            "form": form,
            "topic": topic,
            "photos": photos,
            "submitter": topic.submitter,
            "on_behalf": False,
            "draft_key": f"topic-edit:{topic.pk}",
            "is_edit": True,
        },
    )


@community_view("topics.act_for_topic", obj=topic_in_url)
def topic_withdraw(request, community, topic):
    form = WithdrawForm(*_bound(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.topic_withdraw(
                topic=topic, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The topic is withdrawn."))
        return redirect(topic)
    return render(
        request,
        "topics/topic_withdraw.html",
        {"community": community, "topic": topic, "form": form},
    )


@require_POST
@community_view("topics.endorse_topic")
def topic_endorse(request, community, pk):
    topic = _get_topic(community, pk)
    resident = resident_for_user(user=request.user, community=community)
    error = ""
    try:
        if request.POST.get("action") == "withdraw":
            services.endorsement_withdraw(topic=topic, resident=resident)
        else:
            services.endorsement_create(topic=topic, resident=resident)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    topic.refresh_from_db(fields=["endorsement_count", "comment_count"])
    if request.htmx:
        return render(
            request,
            "topics/partials/_endorse.html",
            {
                "community": community,
                "topic": topic,
                "endorsed": selectors.has_endorsed(topic=topic, resident=resident),
                "is_submitter": is_submitter(request.user, topic),
                "can_endorse": True,  # the view's own permission
                "error": error,
                "oob_counts": True,
            },
        )
    if error:
        messages.error(request, error)
    return redirect(topic)


@require_POST
@community_view("topics.comment_topic")
def comment_create(request, community, pk):
    topic = _get_topic(community, pk)
    form = CommentForm(request.POST)
    parent = None
    if form.is_valid():
        if form.cleaned_data.get("parent"):
            parent = Comment.objects.filter(
                topic=topic, pk=form.cleaned_data["parent"]
            ).first()
        try:
            services.comment_create(
                topic=topic,
                author=request.user,
                body=form.cleaned_data["body"],
                kind=form.cleaned_data.get("kind") or "",
                parent=parent,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            form = CommentForm()
    if request.htmx:
        topic.refresh_from_db(fields=["endorsement_count", "comment_count"])
        start = selectors.comments_start_for(topic=topic, parent=parent)
        return render(
            request,
            "topics/partials/_comments.html",
            {
                "community": community,
                "topic": topic,
                **_comment_page(request, community, topic, start),
                **_comment_urls(community, topic),
                "comment_form": form,
                "oob_counts": True,
            },
        )
    if form.errors:
        # Without htmx: the page again, the errors beside what was typed.
        return _topic_detail_page(
            request, community, topic, comment_form=form, status=400
        )
    return redirect(topic.get_absolute_url() + "#comments")


def _comment_in(community, pk) -> Comment:
    return get_object_or_404(
        Comment.objects.select_related("topic", "topic__community"),
        pk=pk,
        topic__community=community,
    )


@community_view("topics.moderate_comments")
def comment_hide(request, community, pk):
    comment = _comment_in(community, pk)
    form = HideCommentForm(*_bound(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_hide(
                comment=comment, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, _("The comment is hidden; the reason shows in its place.")
            )
            return redirect(
                safe_next(
                    request,
                    comment.topic.get_absolute_url() + f"#comment-{comment.pk}",
                )
            )
    return render(
        request,
        "topics/comment_hide.html",
        {"community": community, "comment": comment, "form": form},
    )


@community_view("topics.comment_topic")
def comment_report(request, community, pk):
    comment = _comment_in(community, pk)
    form = ReportCommentForm(*_bound(request))
    if request.method == "POST" and form.is_valid():
        services.comment_report(
            comment=comment, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request, _("Thank you. The community staff will look at this comment.")
        )
        return redirect(comment.topic.get_absolute_url() + f"#comment-{comment.pk}")
    return render(
        request,
        "topics/comment_report.html",
        {"community": community, "comment": comment, "form": form},
    )


@community_view("topics.moderate_comments")
def report_list(request, community):
    page = Paginator(
        selectors.open_comment_reports(community=community), settings.PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "topics/report_list.html",
        {"community": community, "page": page, "reports": page.object_list},
    )


@require_POST
@community_view("topics.moderate_comments")
def report_resolve(request, community, pk):
    report = get_object_or_404(
        CommentReport, pk=pk, comment__topic__community=community
    )
    services.comment_report_resolve(report=report, by=request.user)
    messages.success(request, _("Marked as dealt with; the comment stays visible."))
    return redirect("topics:report_list", community=community.slug)


@community_view("topics.view_topics")
def photo(request, community, pk):
    """Serve a topic photo to people who may see the community (not publicly)."""
    topic_photo = get_object_or_404(TopicPhoto, pk=pk, topic__community=community)
    try:
        handle = topic_photo.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response


@require_POST
@community_view("topics.submit_topic")
def reminder_toggle(request, community):
    resident = resident_for_user(user=request.user, community=community)
    if resident is None:
        raise PermissionDenied
    enabled = request.POST.get("enabled") == "1"
    services.deadline_reminder_set(resident=resident, enabled=enabled)
    if enabled:
        messages.success(
            request,
            _("We will remind you two days before topic collection closes."),
        )
    else:
        messages.success(request, _("Deadline reminders are off."))
    return redirect(
        safe_next(
            request, reverse("topics:topic_list", kwargs={"community": community.slug})
        )
    )


@community_view("topics.record_consultation")
def consultation_create(request, community, pk):
    topic = _get_topic(community, pk)
    form = ConsultationForm(
        *_bound(request),
        community=community,
        by_mobile=request.user.has_perm("residents.view_contact_details", community),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.preconsultation_record(
                topic=topic,
                by=request.user,
                consulted_at=form.cleaned_data["consulted_at"],
                position=form.cleaned_data["position"],
                notes=form.cleaned_data["notes"],
                proposed_direction=form.cleaned_data["proposed_direction"],
                **form.stakeholder(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The consultation is recorded."))
            return redirect(
                "topics:consultation_create", community=community.slug, pk=topic.pk
            )
    return render(
        request,
        "topics/consultation_form.html",
        {
            "community": community,
            "topic": topic,
            "form": form,
            "summary": selectors.consultation_summary(topic_id=topic.pk),
        },
    )
