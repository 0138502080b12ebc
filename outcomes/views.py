"""Outcome pages: thin views over selectors and services.

The outcomes list, an outcome's page, its updates and photos are public (no login)
when the council's public page settings show outcomes (outcomes.view_outcomes); they
show nothing personal, no resident's name. Everything that writes needs the
role in the outcome's community.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.display import next_local_midnight
from core.forms import apply_service_errors
from core.fragments import (
    KEPT_CSRF_TOKEN,
    Expiring,
    FragmentMemo,
    kept_or_built,
    with_own_csrf_token,
    with_own_parts,
)
from core.params import choice_or_default, int_or_none
from core.sections import page_sections_wanted
from council.models import AgendaItem
from residents.access import community_view
from residents.kept import community_body
from residents.models import Community
from residents.predicates import viewer_key
from residents.selectors import (
    HOME_ORGANIZATIONS,
    community_by_slug,
    resident_for_user,
)
from topics.models import TopicCategory

from . import selectors, services
from .forms import (
    ActionItemForm,
    NeedForm,
    OfflinePledgeForm,
    OutcomeForm,
    PledgeForm,
    RatingForm,
    ReceiveForm,
    UpdateForm,
)
from .models import (
    ActionItem,
    ActionStatus,
    ActionUpdatePhoto,
    OutcomeStatus,
    Pledge,
    PledgeNeed,
)

# The list's first pages are kept rendered (selectors.COMMUNITY_OUTCOMES).
KEPT_PAGES = 10
# The blank rating form of an outcome's page, per language (rendering one cost as
# much as the rest of a kept outcome page).
BLANK_FORMS = FragmentMemo(size=1024)


def _community(request, slug) -> Community:
    community = community_by_slug(slug=slug, user=request.user)
    request.community = community
    return community


def _denied(request, community):
    """The answer when the council keeps its outcomes to the community, else None."""
    if request.user.has_perm("outcomes.view_outcomes", community):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def _outcome(community, pk, reader=None):
    outcome = selectors.outcome_for_community(community=community, pk=pk, reader=reader)
    if outcome is None:
        raise Http404
    return outcome


# -- public pages ---------------------------------------------------------------


def outcome_list(request, community):
    community = _community(request, community)
    if (denied := _denied(request, community)) is not None:
        return denied
    status = choice_or_default(request.GET.get("status"), OutcomeStatus.values)
    category = choice_or_default(request.GET.get("category"), TopicCategory.values)
    page_number = int_or_none(request.GET.get("page")) or 1

    def build():
        page = selectors.outcome_list(
            community=community, status=status, category=category, page=page_number
        )
        return render_to_string(
            "outcomes/partials/_outcome_list_body.html",
            {
                "community": community,
                "page": page,
                "status": status,
                "category": category,
                "statuses": OutcomeStatus.choices,
                "categories": TopicCategory.choices,
                "counts": selectors.status_counts(community=community),
            },
            request,
        )

    body = community_body(
        selectors.COMMUNITY_OUTCOMES,
        request,
        community,
        keep=1 <= page_number <= KEPT_PAGES,
        choices=(status, category, page_number),
        build=build,
    )
    return render(
        request, "outcomes/outcome_list.html", {"community": community, "body": body}
    )


def _stamp(outcome) -> tuple:
    """What the apps below show on the outcome's page: a change there is a new
    variant of the kept page (they cannot announce to outcomes)."""
    topic, meeting = outcome.topic, outcome.meeting
    organization, person = (
        outcome.responsible_organization,
        outcome.responsible_resident,
    )
    return (
        outcome.community.name,
        outcome.agenda_item.title,
        (meeting.title, meeting.starts_at, meeting.location),
        topic
        and (
            topic.title,
            topic.description,
            topic.endorsement_count,
            topic.comment_count,
        ),
        organization and (organization.name, organization.kind),
        person and person.name,
    )


def _story(request, community, outcome, resident, forms_) -> tuple:
    """The kept part of the outcome page: the same for everyone who sees it alike,
    as a kept_or_built() wish and its build (no wish: built for this reader alone).

    What is each reader's own is marked in it (core.fragments.with_own_parts) or
    left as a <!--live:...--> place for the parts built for each reader.
    """
    user = request.user
    implemented = outcome.status == OutcomeStatus.IMPLEMENTED

    def build():
        story = selectors.outcome_story(outcome=outcome)
        may_pledge = user.has_perm("outcomes.pledge", community) and not implemented
        html = render_to_string(
            "outcomes/partials/_outcome_story.html",
            {
                "community": community,
                "outcome": outcome,
                "pledge_form": forms_.get("pledge_form")
                or (PledgeForm() if may_pledge else None),
                "pledge_error_need": forms_.get("pledge_error_need"),
                "need_form": NeedForm()
                if user.has_perm("outcomes.manage_pledges", community)
                and not implemented
                else None,
                "csrf_token": KEPT_CSRF_TOKEN,
                **story,
            },
            request,
        )
        owners = selectors.item_owners(story["items"])
        # An action item becomes overdue at midnight.
        return Expiring({"html": html, "owners": owners}, next_local_midnight())

    if forms_:  # a form sent back with its errors: for this reader alone
        return None, build
    variant = (
        "with-members",  # the owners carry their organisations' members
        community.slug,
        get_language(),
        *viewer_key(user, community),
        resident is not None,
        _stamp(outcome),
    )
    # Who may post progress is kept with it: the members of owner organisations.
    organizations = ((HOME_ORGANIZATIONS, str(community.pk)),)
    wish = (selectors.OUTCOME_PAGES, str(outcome.pk), variant, build, organizations)
    return wish, build


def _own_parts(request, community, outcome, resident, forms_) -> dict[str, str]:
    """The parts of the outcome page built for each reader, by their place."""
    user = request.user
    parts = {"<!--live:rating-form-->": "", "<!--live:action-form-->": ""}
    if user.has_perm("outcomes.manage_action_items", community):
        parts["<!--live:action-form-->"] = render_to_string(
            "outcomes/partials/_action_item_form.html",
            {
                "community": community,
                "outcome": outcome,
                "action_form": ActionItemForm(community=community),
            },
            request,
        )
    if outcome.status == OutcomeStatus.IMPLEMENTED and user.has_perm(
        "outcomes.rate", community
    ):
        rating = (
            selectors.rating_of(outcome=outcome, resident=resident)
            if resident is not None
            else None
        )
        rating_form = forms_.get("rating_form")
        if rating_form is None and rating is not None:
            rating_form = RatingForm(
                initial={"score": rating.score, "comment": rating.comment}
            )
        if rating_form is None and resident is not None:
            # The blank form most readers get: the same for the outcome's page
            # in a language until a deploy, the reader's CSRF token put in later.
            parts["<!--live:rating-form-->"] = BLANK_FORMS.get_or_render(
                ("rating-part", community.slug, outcome.pk, get_language()),
                lambda: render_to_string(
                    "outcomes/partials/_rating_form.html",
                    {
                        "community": community,
                        "outcome": outcome,
                        "rating_form": RatingForm(),
                        "rating_fields": as_crispy_form(RatingForm()),
                        "csrf_token": KEPT_CSRF_TOKEN,
                    },
                ),
            )
        elif rating_form is not None:
            parts["<!--live:rating-form-->"] = render_to_string(
                "outcomes/partials/_rating_form.html",
                {
                    "community": community,
                    "outcome": outcome,
                    "rating_form": rating_form,
                    "rating_fields": as_crispy_form(rating_form),
                    "rating": rating,
                    "rating_until": services.rating_changeable_until(rating)
                    if rating
                    else None,
                },
                request,
            )
    return parts


def _reader(request, community):
    """The reader's own record, where they may see the community."""
    if not request.user.has_perm("residents.view_community", community):
        return None
    return resident_for_user(user=request.user, community=community)


def _detail_context(request, community, outcome, **forms_) -> dict:
    user = request.user
    resident = _reader(request, community)
    wish, build = _story(request, community, outcome, resident, forms_)
    # The sections of the apps above (the reader's opening noted) come from the
    # cache with the story: one round trip.
    sections = page_sections_wanted(
        page="outcomes.outcome", request=request, obj=outcome
    )
    if wish is None:
        kept, read = build().value, kept_or_built(sections.wanted)
    else:
        kept, *read = kept_or_built([wish, *sections.wanted])
    own = {
        f"i{pk}"
        for pk in selectors.action_items_user_may_update(
            user=user, community=community, items=kept["owners"]
        )
    }
    if resident is not None:
        own.add(f"r{resident.pk}")
    html = with_own_parts(kept["html"], own)
    for place, part in _own_parts(
        request, community, outcome, resident, forms_
    ).items():
        html = html.replace(place, part)
    if KEPT_CSRF_TOKEN in html:
        html = with_own_csrf_token(html, request)
    return {
        "community": community,
        "outcome": outcome,
        "story": mark_safe(html),  # noqa: S308 - rendered by a template
        "sections_html": sections.rendered(read),
    }


def outcome_detail(request, community, pk):
    community = _community(request, community)
    if (denied := _denied(request, community)) is not None:
        return denied
    outcome = _outcome(community, pk, reader=_reader(request, community))
    return render(
        request,
        "outcomes/outcome_detail.html",
        _detail_context(request, community, outcome),
    )


def action_updates(request, community, pk, item):
    community = _community(request, community)
    if (denied := _denied(request, community)) is not None:
        return denied
    outcome = _outcome(community, pk)
    action_item = get_object_or_404(
        ActionItem.objects.select_related(
            "owner_resident", "owner_user", "owner_organization"
        ),
        pk=item,
        outcome=outcome,
    )
    return render(
        request,
        "outcomes/action_updates.html",
        {
            "community": community,
            "outcome": outcome,
            "item": action_item,
            "page": selectors.action_updates(
                item=action_item, page=request.GET.get("page") or 1
            ),
        },
    )


def photo(request, community, pk):
    """Serve a progress photo: public, like the outcome page it belongs to."""
    community = _community(request, community)
    if (denied := _denied(request, community)) is not None:
        return denied
    update_photo = get_object_or_404(
        ActionUpdatePhoto, pk=pk, update__action_item__community=community
    )
    try:
        handle = update_photo.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    return response


# -- recording ------------------------------------------------------------------


def _outcome_kwargs(data) -> dict:
    return {
        "decision": data["decision"],
        "discussion": data["discussion"],
        "dissent": data["dissent"],
        "voting_round": data["voting_round"],
        "responsible_organization": data["responsible_organization"],
        "responsible_resident": data["responsible_resident"],
    }


@community_view("outcomes.record_outcome")
def outcome_record(request, community, item):
    agenda_item = get_object_or_404(
        AgendaItem.objects.select_related("meeting", "topic"),
        pk=item,
        meeting__community=community,
    )
    existing = getattr(agenda_item, "outcome", None)
    if existing is not None:
        return redirect(existing)
    form = OutcomeForm(
        request.POST or None,
        community=community,
        rounds=selectors.closed_rounds_for_item(agenda_item),
    )
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.outcome_record(
                agenda_item=agenda_item,
                by=request.user,
                **_outcome_kwargs(form.cleaned_data),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The outcome was recorded. Add its action items and what it needs."),
            )
            return redirect(outcome)
    return render(
        request,
        "outcomes/outcome_form.html",
        {
            "community": community,
            "item": agenda_item,
            "meeting": agenda_item.meeting,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@community_view("outcomes.record_outcome")
def outcome_edit(request, community, pk):
    outcome = _outcome(community, pk)
    initial = {
        "decision": outcome.decision,
        "discussion": outcome.discussion,
        "dissent": outcome.dissent,
        "voting_round": outcome.voting_round_id,
        "responsible_organization": outcome.responsible_organization_id,
        "responsible_person": outcome.responsible_resident.mobile
        or outcome.responsible_resident.name
        if outcome.responsible_resident_id
        else "",
    }
    form = OutcomeForm(
        request.POST or None,
        initial=initial,
        community=community,
        rounds=selectors.closed_rounds_for_item(outcome.agenda_item),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_update(
                outcome=outcome, by=request.user, **_outcome_kwargs(form.cleaned_data)
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The outcome was saved."))
            return redirect(outcome)
    return render(
        request,
        "outcomes/outcome_form.html",
        {
            "community": community,
            "item": outcome.agenda_item,
            "meeting": outcome.meeting,
            "outcome": outcome,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _owner_kwargs(data) -> dict:
    return {
        "description": data["description"],
        "due_on": data["due_on"],
        "owner_resident": data["owner_resident"],
        "owner_user": data["owner_user"],
        "owner_organization": data["owner_organization"],
    }


@community_view("outcomes.manage_action_items")
def action_add(request, community, pk):
    outcome = _outcome(community, pk)
    form = ActionItemForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.action_item_add(
                outcome=outcome, by=request.user, **_owner_kwargs(form.cleaned_data)
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, _("Action item added: %(what)s") % {"what": item.description}
            )
            return redirect(
                reverse("outcomes:outcome", args=[community.slug, outcome.pk])
                + "#actions"
            )
    return render(
        request,
        "outcomes/action_form.html",
        {"community": community, "outcome": outcome, "form": form},
        status=400 if form.errors else 200,
    )


@community_view("outcomes.manage_action_items")
def action_edit(request, community, pk, item):
    outcome = _outcome(community, pk)
    action_item = get_object_or_404(ActionItem, pk=item, outcome=outcome)
    kind = (
        "organization"
        if action_item.owner_organization_id
        else "staff"
        if action_item.owner_user_id
        else "resident"
    )
    initial = {
        "description": action_item.description,
        "due_on": action_item.due_on,
        "owner_kind": kind,
        "owner_organization": action_item.owner_organization_id,
        "owner_user": action_item.owner_user_id,
        "owner_person": action_item.owner_resident.mobile
        or action_item.owner_resident.name
        if action_item.owner_resident_id
        else "",
    }
    form = ActionItemForm(request.POST or None, initial=initial, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_item_change(
                item=action_item, by=request.user, **_owner_kwargs(form.cleaned_data)
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The action item was saved."))
            return redirect(action_item)
    return render(
        request,
        "outcomes/action_form.html",
        {"community": community, "outcome": outcome, "item": action_item, "form": form},
        status=400 if form.errors else 200,
    )


@community_view("residents.act_in_community")
def action_update(request, community, pk, item):
    outcome = _outcome(community, pk)
    action_item = get_object_or_404(
        ActionItem.objects.select_related(
            "owner_resident", "owner_user", "owner_organization", "community"
        ),
        pk=item,
        outcome=outcome,
    )
    if not request.user.has_perm("outcomes.post_update", action_item):
        raise PermissionDenied
    form = UpdateForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "status": action_item.status,
            "blocked_reason": action_item.blocked_reason,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.action_update_post(
                item=action_item,
                by=request.user,
                text=data["text"],
                status=data["status"],
                blocked_reason=data["blocked_reason"],
                photos=data["photos"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if data["status"] == ActionStatus.DONE:
                messages.success(
                    request, _("Thank you: the action item is marked done.")
                )
            else:
                messages.success(request, _("Your update was posted."))
            return redirect(action_item)
    return render(
        request,
        "outcomes/update_form.html",
        {"community": community, "outcome": outcome, "item": action_item, "form": form},
        status=400 if form.errors else 200,
    )


# -- pledges --------------------------------------------------------------------


@community_view("outcomes.manage_pledges")
def need_add(request, community, pk):
    outcome = _outcome(community, pk)
    form = NeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pledge_need_add(
                outcome=outcome, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Residents can now pledge what is needed."))
            return redirect(
                reverse("outcomes:outcome", args=[community.slug, outcome.pk])
                + "#pledges"
            )
    return render(
        request,
        "outcomes/need_form.html",
        {"community": community, "outcome": outcome, "form": form},
        status=400 if form.errors else 200,
    )


def _need(outcome, need_pk) -> PledgeNeed:
    return get_object_or_404(
        PledgeNeed.objects.select_related("outcome"), pk=need_pk, outcome=outcome
    )


@require_POST
@community_view("outcomes.pledge")
def pledge(request, community, pk, need):
    outcome = _outcome(community, pk)
    pledge_need = _need(outcome, need)
    form = PledgeForm(request.POST)
    if form.is_valid():
        try:
            services.pledge_make(
                need=pledge_need,
                by=request.user,
                resident=resident_for_user(user=request.user, community=community),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Thank you! You pledged %(n)d %(unit)s of %(what)s.")
                % {
                    "n": form.cleaned_data["quantity"],
                    "unit": pledge_need.unit,
                    "what": pledge_need.description,
                },
            )
            return redirect(
                reverse("outcomes:outcome", args=[community.slug, outcome.pk])
                + "#pledges"
            )
    context = _detail_context(
        request, community, outcome, pledge_form=form, pledge_error_need=pledge_need.pk
    )
    return render(request, "outcomes/outcome_detail.html", context, status=400)


@community_view("outcomes.manage_pledges")
def pledge_record(request, community, pk, need):
    outcome = _outcome(community, pk)
    pledge_need = _need(outcome, need)
    form = OfflinePledgeForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.pledge_make(
                need=pledge_need,
                by=request.user,
                quantity=data["quantity"],
                note=data["note"],
                resident=data["resident"],
                organization=data["organization"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The pledge was recorded."))
            return redirect(
                reverse("outcomes:outcome", args=[community.slug, outcome.pk])
                + "#pledges"
            )
    return render(
        request,
        "outcomes/pledge_form.html",
        {"community": community, "outcome": outcome, "need": pledge_need, "form": form},
        status=400 if form.errors else 200,
    )


@community_view("outcomes.manage_pledges")
def pledge_receive(request, community, pk, pledge_pk):
    outcome = _outcome(community, pk)
    pledge_obj = get_object_or_404(
        Pledge.objects.select_related("need", "resident", "organization"),
        pk=pledge_pk,
        need__outcome=outcome,
    )
    form = ReceiveForm(
        request.POST or None, initial={"quantity": pledge_obj.outstanding}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.pledge_receive(
                pledge=pledge_obj, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Recorded as received."))
            return redirect(
                reverse("outcomes:outcome", args=[community.slug, outcome.pk])
                + "#pledges"
            )
    return render(
        request,
        "outcomes/receive_form.html",
        {
            "community": community,
            "outcome": outcome,
            "pledge": pledge_obj,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@require_POST
@community_view("residents.act_in_community")
def pledge_withdraw(request, community, pk, pledge_pk):
    outcome = _outcome(community, pk)
    pledge_obj = get_object_or_404(Pledge, pk=pledge_pk, need__outcome=outcome)
    try:
        services.pledge_withdraw(pledge=pledge_obj, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The pledge was withdrawn."))
    return redirect(
        reverse("outcomes:outcome", args=[community.slug, outcome.pk]) + "#pledges"
    )


# -- satisfaction ---------------------------------------------------------------


@require_POST
def rate(request, community, pk):
    community_obj = _community(request, community)
    if not request.user.is_authenticated:
        return redirect_to_login(
            reverse("outcomes:outcome", args=[community_obj.slug, pk]) + "#rate"
        )
    if not request.user.has_perm("outcomes.rate", community_obj):
        raise PermissionDenied
    outcome = _outcome(community_obj, pk)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            _rating, created = services.rating_submit(
                outcome=outcome,
                resident=resident_for_user(user=request.user, community=community_obj),
                by=request.user,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Thank you for your rating.")
                if created
                else _("Your rating was changed."),
            )
            return redirect(
                reverse("outcomes:outcome", args=[community_obj.slug, pk]) + "#rate"
            )
    context = _detail_context(request, community_obj, outcome, rating_form=form)
    return render(request, "outcomes/outcome_detail.html", context, status=400)
