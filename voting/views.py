"""Voting pages: thin views over selectors and services."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.display import format_when, time_left_changes_at
from core.forms import apply_service_errors
from core.fragments import KEPT_CSRF_TOKEN, Expiring, kept_or_built, with_own_csrf_token
from core.params import int_or_none, kept_page
from council.models import Meeting
from residents.access import community_view
from residents.kept import community_body
from residents.models import Community
from residents.predicates import viewer_key
from residents.selectors import resident_for_user

from . import selectors, services
from .clock import database_now
from .forms import BallotForm, OpenForm, ProxyBallotForm, RoundForm
from .models import (
    COUNCIL_ELECTORATES,
    Electorate,
    Proxy,
    RoundKind,
    RoundStatus,
    VotingRound,
)

# The list's first pages are kept rendered (selectors.COMMUNITY_ROUNDS).
KEPT_PAGES = 10
# A closed round's first pages of receipt codes are kept (selectors.ROUND_RESULTS).
KEPT_RESULT_PAGES = 5


def _visible_or_404(request, voting_round: VotingRound | None) -> VotingRound:
    """The round, or 404 when there is none or it is a draft this user may not see."""
    if voting_round is None or not request.user.has_perm(
        "voting.view_round", voting_round
    ):
        raise Http404
    return voting_round


def _round(request, community, pk) -> VotingRound:
    return _visible_or_404(
        request, selectors.round_for_community(community=community, pk=pk)
    )


def _round_for_reader(request, community, pk) -> VotingRound:
    """The round with the reader's receipt and whether they vote: one query."""
    return _visible_or_404(
        request,
        selectors.round_for_reader(
            community=community,
            pk=pk,
            resident=resident_for_user(user=request.user, community=community),
        ),
    )


def _closed_if_due(request, community, voting_round, now) -> VotingRound:
    """Close a round whose deadline has passed when the worker has not yet.

    round_close is idempotent and locks the round, so this and the worker never
    count twice; people see the result at the deadline even if the worker is late.
    """
    due = voting_round.is_open and now >= voting_round.closes_at
    if due and services.round_close(voting_round=voting_round):
        return _round_for_reader(request, community, voting_round.pk)
    return voting_round


def _round_head(request, community, voting_round) -> tuple:
    """The round's page but the reader's ballot and the staff's tools, the same for
    everyone who sees the community alike: kept (selectors.COMMUNITY_ROUNDS, which
    round_open and round_close announce) until its countdown's next tick. As a
    kept_or_built() wish."""

    def build():
        html = render_to_string(
            "voting/partials/_round_head.html",
            {
                "community": community,
                "round": voting_round,
                "options": selectors.round_options(voting_round),
            },
            request,
        )
        until = None
        if voting_round.status == RoundStatus.OPEN:
            until = time_left_changes_at(voting_round.closes_at, timezone.now())
        return Expiring(html, until)

    variant = (
        "round-page",
        voting_round.pk,
        community.slug,
        get_language(),
        *viewer_key(request.user, community),
    )
    return (selectors.COMMUNITY_ROUNDS, str(community.pk), variant, build)


def _blank_ballot(request, community, voting_round) -> tuple:
    """The ballot of someone who has not voted, the same for every voter of the
    round who reads its language: kept (selectors.COMMUNITY_ROUNDS) with each
    reader's CSRF token put in when served. As a kept_or_built() wish."""

    def build():
        return render_to_string(
            "voting/partials/_ballot_form.html",
            {
                "community": community,
                "round": voting_round,
                "form": BallotForm(voting_round=voting_round),
                "csrf_token": KEPT_CSRF_TOKEN,
            },
        )

    variant = ("blank-ballot", voting_round.pk, community.slug, get_language())
    return (selectors.COMMUNITY_ROUNDS, str(community.pk), variant, build)


def _round_context(
    request, community, voting_round, *, form=None, code="", now=None
) -> dict:
    resident = resident_for_user(user=request.user, community=community)
    can_manage = request.user.has_perm("voting.manage_rounds", community)
    receipt = selectors.my_receipt(voting_round=voting_round, resident=resident)
    eligible = selectors.is_elector(voting_round=voting_round, resident=resident)
    now = now or database_now()
    accepting = voting_round.accepts_ballots_at(now)
    can_cast = (
        request.user.has_perm("voting.cast_ballot", community)
        and eligible
        and accepting
        and not (receipt is not None and voting_round.is_secret)
    )
    wanted = [_round_head(request, community, voting_round)]
    if form is None and can_cast and receipt is None and not code:
        wanted.append(_blank_ballot(request, community, voting_round))
    elif form is None and can_cast:
        initial = {}
        if receipt is not None and receipt.options:
            initial["choice"] = (
                receipt.options
                if voting_round.kind == RoundKind.MULTIPLE
                else receipt.options[0]
            )
        form = BallotForm(voting_round=voting_round, initial=initial)
    head, *blank = kept_or_built(wanted)
    options_by_id = {}
    if receipt is not None:
        options_by_id = {o.pk: o for o in selectors.round_options(voting_round)}
    return {
        "community": community,
        "round": voting_round,
        "round_head": mark_safe(head),  # noqa: S308 - rendered by a template
        "blank_ballot": with_own_csrf_token(blank[0], request) if blank else "",
        "options_by_id": options_by_id,
        "receipt": receipt,
        "eligible": eligible,
        "accepting": accepting,
        "deadline_passed": now >= voting_round.closes_at,
        "not_yet": voting_round.opens_at is not None and now < voting_round.opens_at,
        "can_cast": can_cast,
        "form": form if can_cast else None,
        "code": code,
        "ballots_so_far": selectors.ballots_so_far(voting_round=voting_round)
        if can_manage
        else None,
        "open_form": OpenForm(initial={"closes_at": voting_round.closes_at})
        if can_manage and voting_round.status == RoundStatus.DRAFT
        else None,
    }


@community_view("voting.view_rounds")
def round_list(request, community):
    page_number = int_or_none(request.GET.get("page")) or 1

    def build():
        page = selectors.rounds_for_community(community=community, page=page_number)
        html = render_to_string(
            "voting/partials/_round_list_body.html",
            {"community": community, "page": page},
            request,
        )
        now = timezone.now()
        countdowns = [
            time_left_changes_at(voting_round.closes_at, now)
            for voting_round in page
            if voting_round.status == RoundStatus.OPEN
        ]
        return Expiring(html, min(filter(None, countdowns), default=None))

    body = community_body(
        selectors.COMMUNITY_ROUNDS,
        request,
        community,
        keep=1 <= page_number <= KEPT_PAGES,
        choices=(page_number,),
        build=build,
    )
    return render(request, "voting/round_list.html", {"body": body})


@community_view("voting.manage_rounds")
def round_create(request, community, meeting):
    meeting = get_object_or_404(
        Meeting.objects.select_related("council", "community"),
        pk=meeting,
        community=community,
    )
    council = meeting.council
    charter_electorate = (
        Electorate.WITH_STAKEHOLDERS
        if council.stakeholders_vote
        else Electorate.REPRESENTATIVES
    )
    initial = {
        "agenda_item": request.GET.get("item"),
        "electorate": charter_electorate,
        "quorum_rule": council.quorum_rule,
        "passing_threshold": council.passing_threshold,
        "closes_at": timezone.localtime() + timedelta(minutes=15),
    }
    form = RoundForm(request.POST or None, meeting=meeting, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            voting_round = services.round_create(
                agenda_item=data["agenda_item"],
                by=request.user,
                question=data["question"],
                kind=data["kind"],
                options=data["options"],
                max_choices=data["max_choices"] or 1,
                ballot=data["ballot"],
                electorate=data["electorate"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                quorum_rule=data["quorum_rule"],
                passing_threshold=data["passing_threshold"],
                rules_note=data["rules_note"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if request.POST.get("action") != "open":
                messages.success(request, _("The vote was saved as a draft."))
                return redirect(voting_round.get_absolute_url())
            try:
                services.round_open(voting_round=voting_round, by=request.user)
            except ValidationError as exc:
                messages.error(
                    request,
                    _("The vote was saved as a draft but not opened: %(why)s")
                    % {"why": " ".join(exc.messages)},
                )
            else:
                messages.success(request, _("The vote is open."))
            return redirect(voting_round.get_absolute_url())
    return render(
        request,
        "voting/round_form.html",
        {
            "community": community,
            "meeting": meeting,
            "form": form,
            "council_electorates": COUNCIL_ELECTORATES,
        },
    )


@community_view("voting.view_rounds")
def round_detail(request, community, pk):
    voting_round = _round_for_reader(request, community, pk)
    # PostgreSQL's clock, read with the round (round_for_reader).
    now = getattr(voting_round, "read_at", None) or database_now()
    voting_round = _closed_if_due(request, community, voting_round, now)
    return render(
        request,
        "voting/round_detail.html",
        _round_context(request, community, voting_round, now=now),
    )


@require_POST
@community_view("voting.cast_ballot")
def ballot_submit(request, community, pk):
    voting_round = _visible_or_404(
        request, selectors.round_for_casting(community=community, pk=pk)
    )
    resident = resident_for_user(user=request.user, community=community)
    form = BallotForm(request.POST, voting_round=voting_round)
    code = ""
    if form.is_valid():
        try:
            cast = services.ballot_cast(
                voting_round=voting_round,
                voter=resident,
                choice=form.cleaned_data["choice"],
                by=request.user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            code = cast.code
            if not voting_round.is_secret and not request.htmx:
                messages.success(
                    request,
                    _("Your ballot was changed.")
                    if cast.changed
                    else _("Your ballot was counted."),
                )
                return redirect(voting_round.get_absolute_url())
    # Refused, secret or htmx: the page shows the round in full.
    voting_round = _round_for_reader(request, community, pk)
    context = _round_context(
        request, community, voting_round, form=None if code else form, code=code
    )
    if form.errors and not context["can_cast"]:
        # Refused because the vote closed (or the ballot is final): say why.
        context["refusal"] = " ".join(form.non_field_errors())
    if request.htmx:
        # htmx swaps only 2xx answers: the partial carries the errors.
        return render(request, "voting/partials/_ballot.html", context)
    status = 400 if form.errors else 200
    return render(request, "voting/round_detail.html", context, status=status)


@require_POST
@community_view("voting.manage_rounds")
def round_open(request, community, pk):
    voting_round = _round(request, community, pk)
    form = OpenForm(request.POST)
    if form.is_valid():
        try:
            services.round_open(
                voting_round=voting_round,
                by=request.user,
                closes_at=form.cleaned_data["closes_at"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The vote is open."))
    else:
        messages.error(request, " ".join(form.errors.get("closes_at", [])))
    return redirect(voting_round.get_absolute_url())


@community_view("voting.view_rounds")
def round_result(request, community, pk):
    # The round's row alone: a closed round's page is kept, and what it shows of
    # the meeting, the item and the result is read only to build it.
    voting_round = _visible_or_404(
        request, selectors.round_alone(community=community, pk=pk)
    )
    if voting_round.is_open:
        voting_round = _closed_if_due(request, community, voting_round, database_now())
    if voting_round.status != RoundStatus.CLOSED:
        messages.info(request, _("The result is shown once voting closes."))
        return redirect(voting_round.get_absolute_url())
    code = request.GET.get("code", "")

    def build():
        voting_round = selectors.round_for_community(community=community, pk=pk)
        result = voting_round.result
        receipts = selectors.receipt_list(
            voting_round=voting_round,
            page=request.GET.get("page") or 1,
            code=code,
        )
        return render_to_string(
            "voting/partials/_round_result_body.html",
            {
                "community": community,
                "round": voting_round,
                "result": result,
                "rows": selectors.option_counts(
                    voting_round=voting_round, result=result
                ),
                "receipts": receipts,
                "code_query": code,
                "options_by_id": {o.pk: o for o in voting_round.options.all()},
            },
            request,
        )

    # A closed round's result is the same for everyone and never changes: its
    # first pages of receipts are kept; a search for a code is built each time.
    number = kept_page(request.GET, kept=KEPT_RESULT_PAGES)
    if number:
        body = selectors.ROUND_RESULTS.get_or_build(
            str(voting_round.pk), (community.slug, get_language(), number), build
        )
    else:
        body = build()
    return render(
        request,
        "voting/round_result.html",
        {"community": community, "round": voting_round, "body": mark_safe(body)},  # noqa: S308
    )


@community_view("voting.view_rounds")
def ballots_text(request, community, pk):
    """The ballot list as hashed: anyone can check the hash on the result page."""
    voting_round = _round(request, community, pk)
    if voting_round.status != RoundStatus.CLOSED:
        raise Http404
    if voting_round.is_secret:
        codes = selectors.receipt_list(voting_round=voting_round).paginator.object_list
        lines = sorted(codes.values_list("code", flat=True))
    else:
        lines = services.ballot_lines(
            voting_round=voting_round,
            rows=voting_round.receipts.values_list("options", "code"),
        )
    header = f"yishihui-vote {voting_round.pk}"
    response = HttpResponse(
        "\n".join([header, *lines]) + "\n", content_type="text/plain; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="vote-{voting_round.pk}-ballots.txt"'
    )
    return response


@community_view("voting.record_proxy")
def proxy_ballot(request, community, pk):
    voting_round = _round(request, community, pk)
    form = ProxyBallotForm(
        request.POST or None, request.FILES or None, voting_round=voting_round
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cast = services.proxy_ballot_cast(
                voting_round=voting_round,
                resident=data["resident"],
                choice=data["choice"],
                by=request.user,
                photo=data["photo"],
                note=data["note"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "The ballot of %(name)s was recorded by proxy. Receipt code: %(code)s"
                )
                % {"name": data["resident"].name, "code": cast.code},
            )
            return redirect(voting_round.get_absolute_url())
    status = 400 if form.errors else 200
    return render(
        request,
        "voting/proxy_form.html",
        {
            "community": community,
            "round": voting_round,
            "form": form,
            "proxies": voting_round.proxies.select_related("resident", "recorded_by"),
        },
        status=status,
    )


@community_view("voting.view_proxies")
def proxy_photo(request, community, pk, proxy):
    proxy = get_object_or_404(
        Proxy, pk=proxy, voting_round_id=pk, voting_round__community=community
    )
    try:
        handle = proxy.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@community_view("voting.manage_rounds")
def electors(request, community, pk):
    voting_round = _round(request, community, pk)
    page = selectors.electors_for_staff(
        voting_round=voting_round,
        page=request.GET.get("page") or 1,
        query=request.GET.get("q", ""),
    )
    return render(
        request,
        "voting/electors.html",
        {
            "community": community,
            "round": voting_round,
            "page": page,
            "query": request.GET.get("q", ""),
        },
    )


@never_cache
def link_vote(request, community, token):
    """Vote from a text-message link: no login, the signed link says who votes."""
    community = get_object_or_404(Community, slug=community)
    context = {"community": community, "token": token}
    status = 200
    try:
        voting_round, voter = services.voting_link_check(token=token)
        if voting_round.community_id != community.pk:
            raise Http404
    except ValidationError as exc:
        context["refusal"] = " ".join(exc.messages)
        response = render(request, "voting/link_vote.html", context, status=400)
        response["Referrer-Policy"] = "no-referrer"
        return response
    voting_round = selectors.round_for_community(
        community=community, pk=voting_round.pk
    )
    form = BallotForm(request.POST or None, voting_round=voting_round)
    if request.method == "POST":
        if form.is_valid():
            try:
                cast = services.ballot_cast_by_link(
                    token=token, choice=form.cleaned_data["choice"]
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
                status = 400
            else:
                context["code"] = cast.code
                form = None
        else:
            status = 400
    now = database_now()
    context.update(
        {
            "round": voting_round,
            "voter": voter,
            "form": form if voting_round.accepts_ballots_at(now) else None,
            "accepting": voting_round.accepts_ballots_at(now),
        }
    )
    if form is not None and not context["accepting"] and "code" not in context:
        context["refusal"] = _("Voting closed at %(time)s.") % {
            "time": format_when(voting_round.closes_at)
        }
    response = render(request, "voting/link_vote.html", context, status=status)
    response["Referrer-Policy"] = "no-referrer"
    return response
