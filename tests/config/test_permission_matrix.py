"""Every route, for every role, GET and POST: the status each one gets.

The routes come from the URL configuration (`get_resolver()`), so a new route
without a row in ROUTES fails `test_every_route_has_a_row`, and a row whose route
is gone fails it too. A row is one dict per route name: how to fill the URL
(`kwargs`: which object of the data set each URL argument is), what to POST
(`data`, optional) and, for GET and POST, the answer each role gets:

    OK (2xx), REDIRECT (3xx), LOGIN (3xx to the login page), 400, 403, 404, 405.

Build rows with `allow(roles, ...)` (those roles get `ok`, other signed-in roles
`others`, anonymous LOGIN) or `every(code)`. The roles: anonymous, a resident, a
representative (resident with a seat), staff, a social worker and a district
officer of the community, and staff of another community.

The data set is built once for the module; each request runs in its own
transaction, rolled back after it, so a POST that ends a seat or concludes the
meeting leaves the data as it was for the next row.

A new app's routes (voting, outcomes, reports): add one row per route name to
ROUTES, and what their URLs point at to the "objects" of `_build()`. The Django
admin's routes are checked by one rule (ADMIN), not a row each.
"""

import functools
import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from PIL import Image

from tests.conftest import FAST_HASHERS

ANON = "anonymous"
RES = "resident"
REP = "representative"
STAFF = "staff"
SW = "social_worker"
DO = "district_officer"
OUT = "other_staff"
ROLES = (ANON, RES, REP, STAFF, SW, DO, OUT)
SIGNED_IN = ROLES[1:]
RESIDENTS = (RES, REP)
MEMBERS = (RES, REP, STAFF, SW)
READERS = (*MEMBERS, DO)
STAFF_SW = (STAFF, SW)

OK = "2xx"
REDIRECT = "3xx"
LOGIN = "login"


def allow(roles, ok=OK, others=403, anonymous=LOGIN, **by_role):
    """`roles` get `ok`, other signed-in roles `others`; `by_role` overrides one."""
    expected = {role: (ok if role in roles else others) for role in SIGNED_IN}
    expected[ANON] = anonymous
    expected.update(by_role)
    return expected


def every(code, **by_role):
    return {role: code for role in ROLES} | by_role


def row(get, post, **kwargs):
    """One route: `kwargs` names the URL's objects; `data` is what to POST."""
    data = kwargs.pop("data", {})
    return {"kwargs": kwargs, "data": data, "GET": get, "POST": post}


NOT_ALLOWED = every(405)
LOGIN_THEN_405 = allow(SIGNED_IN, ok=405)
# require_POST sits outside the login check on these views: 405 before anything.
POST_ONLY = every(405)

ROUTES = {
    # -- config, accounts ---------------------------------------------------------
    # One community: straight to it; the district officer sees the district's list.
    # The resident is asked on it whether to add a record another community made
    # with their number (login_link_confirm); visitors see the site's front page.
    "home": row(
        allow(SIGNED_IN, ok=REDIRECT, district_officer=OK, resident=OK, anonymous=OK),
        allow(SIGNED_IN, ok=REDIRECT, district_officer=OK, resident=OK, anonymous=OK),
    ),
    "healthz": row(every(OK), every(OK)),
    "[favicon.ico]": row(every(REDIRECT), every(REDIRECT)),
    "set_language": row(every(REDIRECT), every(REDIRECT)),
    "login": row(
        allow(SIGNED_IN, ok=REDIRECT, anonymous=OK),
        allow(SIGNED_IN, ok=REDIRECT, anonymous=OK),
    ),
    "logout": row(every(405), every(LOGIN)),
    "profile": row(allow(SIGNED_IN), allow(SIGNED_IN)),
    "password_set": row(allow(SIGNED_IN), allow(SIGNED_IN)),
    # No new number waits for a code: back to the profile.
    "mobile_change_confirm": row(
        allow(SIGNED_IN, REDIRECT), allow(SIGNED_IN, REDIRECT)
    ),
    "mobile_change_resend": row(POST_ONLY, allow(SIGNED_IN, REDIRECT)),
    # Another community registered the resident's number: only its owner answers.
    "login_link_confirm": row(
        allow((RES,), others=404), allow((RES,), others=404), pk="login_link"
    ),
    "login_link_decline": row(
        POST_ONLY, allow((RES,), REDIRECT, others=404), pk="login_link"
    ),
    "password_reset": row(every(OK), every(OK)),
    "password_reset_done": row(every(OK), every(405)),
    "password_reset_confirm": row(
        every(OK), every(OK), uidb64="reset_uid", token="reset_token"
    ),
    "password_reset_complete": row(every(OK), every(405)),
    # -- notifications: the user's own inbox, and staff pages of a community ------
    "notifications:inbox": row(allow(SIGNED_IN), allow(SIGNED_IN)),
    "notifications:badge": row(
        allow(SIGNED_IN, anonymous=286), allow(SIGNED_IN, anonymous=286)
    ),
    "notifications:mark_all_read": row(LOGIN_THEN_405, allow(SIGNED_IN, REDIRECT)),
    "notifications:mark_read": row(
        LOGIN_THEN_405, allow((RES,), REDIRECT, others=404), pk="notification"
    ),
    "notifications:open": row(
        allow((RES,), REDIRECT, others=404),
        allow((RES,), REDIRECT, others=404),
        pk="notification",
    ),
    "notifications:preferences": row(allow(SIGNED_IN), allow(SIGNED_IN, REDIRECT)),
    "notifications:deliveries": row(allow((STAFF,)), allow((STAFF,))),
    "notifications:deliveries_retry_all": row(
        allow((STAFF,), 405), allow((STAFF,), REDIRECT)
    ),
    "notifications:delivery_retry": row(
        allow((STAFF,), 405), allow((STAFF,), REDIRECT), pk="delivery"
    ),
    "notifications:notice_board": row(allow(STAFF_SW), allow(STAFF_SW)),
    "notifications:resident_preferences": row(
        allow((STAFF,)), allow((STAFF,), REDIRECT), pk="offline_resident"
    ),
    # -- residents --------------------------------------------------------------
    # Visitors are sent to the community's public page.
    "residents:community_home": row(
        allow(READERS, anonymous=REDIRECT), allow(READERS, anonymous=REDIRECT)
    ),
    "residents:community_public": row(every(OK), every(OK)),
    "residents:resident_list": row(allow(STAFF_SW), allow(STAFF_SW)),
    "residents:resident_create": row(allow((STAFF,)), allow((STAFF,))),
    "residents:resident_detail": row(
        allow(STAFF_SW), allow(STAFF_SW), pk="offline_resident"
    ),
    "residents:resident_edit": row(
        allow((STAFF,)), allow((STAFF,)), pk="offline_resident"
    ),
    "residents:resident_login_create": row(
        POST_ONLY, allow((STAFF,)), pk="offline_resident"
    ),
    "residents:resident_password_reset": row(
        POST_ONLY, allow((STAFF,), REDIRECT), pk="offline_resident"
    ),
    "residents:import_start": row(allow((STAFF,)), allow((STAFF,))),
    "residents:import_template": row(allow((STAFF,)), allow((STAFF,))),
    "residents:import_detail": row(allow((STAFF,)), allow((STAFF,)), pk="upload"),
    "residents:import_progress": row(allow((STAFF,)), allow((STAFF,)), pk="upload"),
    "residents:import_report": row(allow((STAFF,)), allow((STAFF,)), pk="upload"),
    # A file without a mobile column asks to be confirmed once more.
    "residents:import_confirm": row(POST_ONLY, allow((STAFF,)), pk="upload"),
    "residents:import_columns": row(POST_ONLY, allow((STAFF,), REDIRECT), pk="upload"),
    "residents:import_cancel": row(POST_ONLY, allow((STAFF,), REDIRECT), pk="upload"),
    "residents:organization_list": row(allow(READERS), allow(READERS)),
    "residents:organization_create": row(allow((STAFF,)), allow((STAFF,))),
    "residents:organization_detail": row(
        allow(READERS), allow(READERS), pk="organization"
    ),
    "residents:organization_edit": row(
        allow((STAFF,)), allow((STAFF,)), pk="organization"
    ),
    "residents:organization_member_add": row(
        POST_ONLY,
        allow((STAFF,), REDIRECT),
        pk="organization",
        data={"resident": "offline_resident"},
    ),
    "residents:organization_member_remove": row(
        POST_ONLY,
        allow((STAFF,), REDIRECT),
        pk="organization",
        resident_pk="member",
    ),
    # -- topics -------------------------------------------------------------------
    "topics:topic_list": row(allow(READERS), allow(READERS)),
    "topics:topic_submit": row(allow(RESIDENTS), allow(RESIDENTS)),
    "topics:topic_record_choose": row(allow(STAFF_SW), allow(STAFF_SW)),
    "topics:topic_record": row(
        allow(STAFF_SW), allow(STAFF_SW), resident_pk="offline_resident"
    ),
    "topics:reminder_toggle": row(POST_ONLY, allow(RESIDENTS, REDIRECT)),
    "topics:report_list": row(allow(STAFF_SW), allow(STAFF_SW)),
    "topics:report_resolve": row(
        POST_ONLY, allow(STAFF_SW, REDIRECT), pk="comment_report"
    ),
    "topics:photo": row(allow(READERS), allow(READERS), pk="photo"),
    "topics:comment_hide": row(allow(STAFF_SW), allow(STAFF_SW), pk="comment"),
    "topics:comment_report": row(
        allow(MEMBERS), allow(MEMBERS, REDIRECT), pk="comment"
    ),
    "topics:topic_detail": row(allow(READERS), allow(READERS), pk="new_topic"),
    # The meeting is in progress: the edit page says the topic is no longer
    # editable and goes back to it; a POST is refused with the same reason.
    "topics:topic_edit": row(
        allow((RES, STAFF, SW), REDIRECT), allow((RES, STAFF, SW)), pk="new_topic"
    ),
    "topics:topic_withdraw": row(
        allow((RES, STAFF, SW)), allow((RES, STAFF, SW), REDIRECT), pk="new_topic"
    ),
    "topics:topic_endorse": row(POST_ONLY, allow(RESIDENTS, REDIRECT), pk="new_topic"),
    "topics:comment_create": row(
        POST_ONLY, allow(MEMBERS, REDIRECT), pk="new_topic", data={"body": "同意"}
    ),
    "topics:consultation_create": row(
        allow(STAFF_SW), allow(STAFF_SW), pk="agenda_topic"
    ),
    # -- council ------------------------------------------------------------------
    "council:council": row(allow(READERS), allow(READERS)),
    "council:charter_edit": row(allow((STAFF,)), allow((STAFF,))),
    "council:seat_kinds_edit": row(allow((STAFF,)), allow((STAFF,))),
    "council:seat_assign": row(allow((STAFF,)), allow((STAFF,))),
    "council:seat_end": row(allow((STAFF,)), allow((STAFF,)), pk="seat"),
    "council:seat_replace": row(allow((STAFF,)), allow((STAFF,)), pk="seat"),
    "council:meetings": row(allow(READERS), allow(READERS)),
    "council:meeting_create": row(allow((STAFF,)), allow((STAFF,))),
    "council:meeting": row(allow(READERS), allow(READERS), pk="meeting"),
    "council:meeting_edit": row(allow((STAFF,)), allow((STAFF,)), pk="meeting"),
    "council:meeting_cancel": row(allow((STAFF,)), allow((STAFF,)), pk="meeting"),
    "council:meeting_action": row(
        POST_ONLY, allow((STAFF,), REDIRECT), pk="meeting", action="conclude"
    ),
    "council:agenda_item_add": row(allow((STAFF,)), allow((STAFF,)), pk="meeting"),
    "council:agenda_item": row(
        allow(READERS), allow(READERS), pk="meeting", item="agenda_item"
    ),
    "council:agenda_item_move": row(
        POST_ONLY, allow((STAFF,), REDIRECT), pk="meeting", item="agenda_item"
    ),
    "council:agenda_item_remove": row(
        POST_ONLY, allow((STAFF,), REDIRECT), pk="meeting", item="agenda_item"
    ),
    "council:invitation_create": row(
        allow(STAFF_SW), allow(STAFF_SW), pk="meeting", item="agenda_item"
    ),
    "council:invitation_respond": row(
        POST_ONLY,
        allow((RES, STAFF, SW), REDIRECT),
        pk="invitation",
        data={"answer": "accept"},
    ),
    "council:triage_index": row(allow(STAFF_SW), allow(STAFF_SW)),
    "council:triage": row(allow(STAFF_SW), allow(STAFF_SW), pk="meeting"),
    "council:triage_action": row(
        POST_ONLY, allow(STAFF_SW, REDIRECT), pk="meeting", topic_pk="new_topic"
    ),
    "council:invite_consulted": row(
        POST_ONLY, allow(STAFF_SW, REDIRECT), pk="meeting", item="agenda_item"
    ),
    "council:attendance": row(allow(STAFF_SW), allow(STAFF_SW), pk="meeting"),
    "council:attendance_mark": row(POST_ONLY, allow((STAFF,), REDIRECT), pk="meeting"),
    "council:attendance_add": row(POST_ONLY, allow((STAFF,), 400), pk="meeting"),
    "council:quorum": row(allow(READERS), allow(READERS), pk="meeting"),
    "council:check_in_qr": row(allow((STAFF,)), allow((STAFF,)), pk="meeting"),
    "council:self_check_in": row(
        allow(RESIDENTS), allow(RESIDENTS), pk="meeting", token="check_in_token"
    ),
    "council:meeting_ics": row(allow(READERS), allow(READERS), pk="meeting"),
    "council:meeting_print": row(allow(READERS), allow(READERS), pk="meeting"),
    # -- voting -------------------------------------------------------------------
    "voting:rounds": row(allow(READERS), allow(READERS)),
    "voting:round_create": row(allow((STAFF,)), allow((STAFF,)), meeting="meeting"),
    "voting:round": row(allow(READERS), allow(READERS), pk="voting_round"),
    # The representative is the round's only voter; a resident outside it is told why.
    "voting:ballot_submit": row(
        POST_ONLY,
        allow((REP,), REDIRECT, resident=400),
        pk="voting_round",
        data={"choice": "option_for"},
    ),
    # Already open: staff are sent back with the reason.
    "voting:round_open": row(POST_ONLY, allow((STAFF,), REDIRECT), pk="voting_round"),
    "voting:result": row(allow(READERS), allow(READERS), pk="closed_round"),
    "voting:ballots_text": row(allow(READERS), allow(READERS), pk="closed_round"),
    "voting:proxy_ballot": row(allow((STAFF,)), allow((STAFF,)), pk="voting_round"),
    "voting:proxy_photo": row(
        allow((STAFF,)), allow((STAFF,)), pk="voting_round", proxy="proxy"
    ),
    "voting:electors": row(allow((STAFF,)), allow((STAFF,)), pk="voting_round"),
    # A signed text-message link: no login, whoever holds it.
    "voting:link": row(
        every(OK), every(OK), token="voting_link", data={"choice": "option_for"}
    ),
    # -- outcomes -----------------------------------------------------------------
    # Public while the council's public page shows outcomes (the default).
    "outcomes:outcomes": row(every(OK), every(OK)),
    "outcomes:outcome": row(every(OK), every(OK), pk="outcome"),
    "outcomes:outcome_record": row(allow(STAFF_SW), allow(STAFF_SW), item="open_item"),
    "outcomes:outcome_edit": row(allow(STAFF_SW), allow(STAFF_SW), pk="outcome"),
    "outcomes:action_add": row(allow(STAFF_SW), allow(STAFF_SW), pk="outcome"),
    "outcomes:action_edit": row(
        allow(STAFF_SW), allow(STAFF_SW), pk="outcome", item="action_item"
    ),
    # The representative owns the action item.
    "outcomes:action_update": row(
        allow((REP, STAFF, SW)),
        allow((REP, STAFF, SW)),
        pk="outcome",
        item="action_item",
    ),
    "outcomes:action_updates": row(
        every(OK), every(OK), pk="outcome", item="action_item"
    ),
    "outcomes:need_add": row(allow(STAFF_SW), allow(STAFF_SW), pk="outcome"),
    # Staff and social workers record pledges made offline (pledge_record).
    "outcomes:pledge": row(
        POST_ONLY,
        allow(RESIDENTS, REDIRECT),
        pk="outcome",
        need="need",
        data={"quantity": 2},
    ),
    "outcomes:pledge_record": row(
        allow(STAFF_SW), allow(STAFF_SW), pk="outcome", need="need"
    ),
    "outcomes:pledge_receive": row(
        allow(STAFF_SW), allow(STAFF_SW), pk="outcome", pledge_pk="pledge"
    ),
    # Someone else's pledge: sent back with the reason.
    "outcomes:pledge_withdraw": row(
        POST_ONLY, allow(MEMBERS, REDIRECT), pk="outcome", pledge_pk="pledge"
    ),
    # Rated once the outcome is implemented: not yet.
    "outcomes:rate": row(
        POST_ONLY, allow(RESIDENTS, 400), pk="outcome", data={"score": 5}
    ),
    "outcomes:photo": row(every(OK), every(OK), pk="update_photo"),
    "outcomes:minutes": row(allow(READERS), allow(READERS), meeting="meeting"),
    # The meeting is in progress: no minutes are published yet.
    "outcomes:minutes_version": row(
        allow(READERS, 404), allow(READERS, 404), meeting="meeting", number=1
    ),
    "outcomes:minutes_correct": row(
        allow(STAFF_SW, REDIRECT), allow(STAFF_SW, REDIRECT), meeting="meeting"
    ),
    # Only representatives confirm; others are sent back with the reason.
    "outcomes:minutes_confirm": row(
        POST_ONLY, allow(READERS, REDIRECT), meeting="meeting"
    ),
    "outcomes:minutes_pdf": row(
        allow(READERS, 404), allow(READERS, 404), meeting="meeting"
    ),
    # -- reports: figures for staff and social workers, the district's for its
    # officers; exports for staff (a social worker sees only their own, so
    # staff's export is not found for them); the feed answers to its token alone.
    "reports:dashboard": row(allow(STAFF_SW), allow(STAFF_SW)),
    "reports:meeting_figures": row(allow(STAFF_SW), allow(STAFF_SW), pk="meeting"),
    "reports:exports": row(allow(STAFF_SW), allow(STAFF_SW)),
    "reports:export_detail": row(
        allow(STAFF_SW, social_worker=404),
        allow(STAFF_SW, social_worker=404),
        pk="export",
    ),
    "reports:export_progress": row(
        allow(STAFF_SW, social_worker=404),
        allow(STAFF_SW, social_worker=404),
        pk="export",
    ),
    "reports:export_download": row(
        allow(STAFF_SW, social_worker=404),
        allow(STAFF_SW, social_worker=404),
        pk="export",
    ),
    "reports:calendar": row(allow(READERS), allow(READERS)),
    "reports:calendar_reset": row(POST_ONLY, allow(READERS, REDIRECT)),
    "reports:calendar_feed": row(every(OK), every(OK), token="feed_token"),
    "reports:district": row(allow((DO,)), allow((DO,)), district="district"),
    "reports:district_community": row(allow((DO,)), allow((DO,)), district="district"),
}

# The Django admin is for superusers (none of these roles): every page of it
# sends everyone to its login page, except the login page. All roles are the same
# to it, so anonymous, a resident and community staff (the one most easily taken
# for Django staff) stand for all of them there.
ADMIN = row(every(REDIRECT), every(REDIRECT))
ADMIN_ROUTES = {
    "admin:login": row(every(OK), every(OK)),
}
ADMIN_ROLES = (ANON, RES, STAFF)
ADMIN_KWARGS = {
    "app_label": "residents",
    "object_id": "1",
    "content_type_id": "1",
    "id": "1",
    "url": "nothing/",
}


# -- the routes -------------------------------------------------------------------


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = (
                    f"{namespace}:{pattern.namespace}"
                    if namespace
                    else pattern.namespace
                )
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name
            if name and namespace:
                name = f"{namespace}:{name}"
            yield name or f"[{prefix}{pattern.pattern}]", prefix + str(pattern.pattern)


@functools.cache
def all_routes() -> dict[str, str]:
    """Every route of the URL configuration: its name (or [pattern]) → pattern."""
    return dict(_walk(get_resolver().url_patterns))


def _is_admin(key: str, pattern: str) -> bool:
    return key.startswith("admin:") or pattern.startswith("admin/")


def _row(key: str, pattern: str) -> dict:
    if _is_admin(key, pattern):
        return ADMIN_ROUTES.get(key, ADMIN)
    return ROUTES[key]


CASES = [
    pytest.param(key, method, id=f"{key}-{method}")
    for key in sorted(all_routes())
    for method in ("GET", "POST")
]


def test_every_route_has_a_row():
    routes = all_routes()
    missing = [
        key
        for key, pattern in routes.items()
        if not _is_admin(key, pattern) and key not in ROUTES
    ]
    assert not missing, f"add a row to ROUTES for: {missing}"
    gone = sorted(set(ROUTES) - set(routes))
    assert not gone, f"rows for routes that no longer exist: {gone}"


def test_every_row_says_what_each_role_gets():
    for key, spec in {**ROUTES, **ADMIN_ROUTES}.items():
        for method in ("GET", "POST"):
            assert set(spec[method]) == set(ROLES), (key, method)


# -- the data set -----------------------------------------------------------------


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 40)).save(out, format="JPEG")
    return out.getvalue()


def _votes(meeting, item, representative, staff) -> dict:
    """An open vote of the representatives and a closed one, written as the demo
    does (the matrix's council has no quorum to open one through round_open)."""
    from voting import services as voting_services
    from voting.links import link_token
    from voting.models import (
        BallotKind,
        Elector,
        Electorate,
        ElectorRole,
        Option,
        OptionCode,
        RoundKind,
        RoundStatus,
        VotingRound,
    )

    now = timezone.now()
    rounds = []
    for opens_at, closes_at in (
        (now - timedelta(minutes=5), now + timedelta(hours=1)),
        (now - timedelta(hours=2), now - timedelta(hours=1)),
    ):
        voting_round = VotingRound.objects.create(
            community=meeting.community,
            meeting=meeting,
            agenda_item=item,
            question="是否同意翻新公共厕所？",
            kind=RoundKind.APPROVAL,
            ballot=BallotKind.OPEN,
            electorate=Electorate.REPRESENTATIVES,
            opens_at=opens_at,
            closes_at=closes_at,
            quorum_rule=meeting.council.quorum_rule,
            passing_threshold=meeting.council.passing_threshold,
            status=RoundStatus.OPEN,
            electorate_size=1,
            opened_at=opens_at,
            opened_by=staff,
            announced_at=opens_at,
            created_by=staff,
        )
        for position, code in enumerate(OptionCode.values, start=1):
            Option.objects.create(
                voting_round=voting_round, position=position, code=code
            )
        Elector.objects.create(
            voting_round=voting_round,
            resident=representative,
            role=ElectorRole.REPRESENTATIVE,
            seat=representative.seats.first(),
        )
        rounds.append(voting_round)
    open_round, closed_round = rounds
    voting_services.round_close(voting_round=closed_round, now=now)
    proxy = voting_services.proxy_record(
        voting_round=open_round,
        resident=representative,
        photo=ContentFile(_jpeg(), name="proxy.jpg"),
        by=staff,
    )
    return {
        "voting_round": open_round,
        "closed_round": closed_round,
        "option_for": open_round.options.get(code=OptionCode.FOR),
        "proxy": proxy,
        "voting_link": link_token(voting_round=open_round, resident=representative),
    }


def _outcomes(item, users, me) -> dict:
    """The outcome of an agenda item with an action item, an update, a pledge."""
    from outcomes import services as outcome_services
    from outcomes.models import ActionStatus

    outcome = outcome_services.outcome_record(
        agenda_item=item, by=users[SW], decision="同意翻新公共厕所。"
    )
    action_item = outcome_services.action_item_add(
        outcome=outcome,
        by=users[SW],
        description="请施工队",
        due_on=timezone.localdate() + timedelta(days=20),
        owner_resident=users[REP].resident_records.get(),
    )
    update = outcome_services.action_update_post(
        item=action_item,
        by=users[SW],
        text="已联系施工队",
        status=ActionStatus.IN_PROGRESS,
        photos=[ContentFile(_jpeg(), name="u.jpg")],
    )
    need = outcome_services.pledge_need_add(
        outcome=outcome, by=users[SW], description="瓷砖", unit="箱", quantity=20
    )
    pledge = outcome_services.pledge_make(
        need=need, by=users[RES], resident=me, quantity=3
    )
    return {
        "outcome": outcome,
        "action_item": action_item,
        "update_photo": update.photos.get(),
        "need": need,
        "pledge": pledge,
    }


def _build():
    """One community with a meeting in progress and something of every kind."""
    from council import services as council_services
    from council.models import Council, SeatKind
    from notifications.models import Delivery, DeliveryStatus, Notification
    from residents.models import ResidentImport, Role
    from tests.factories import (
        CommunityFactory,
        MembershipFactory,
        OrganizationFactory,
        ResidentFactory,
        UserFactory,
    )
    from tests.topics.factories import TopicFactory
    from topics import services as topic_services
    from topics.models import TopicPhoto

    community = CommunityFactory(name="汀塘社区", slug="tingtang")
    other = CommunityFactory(
        name="东峤社区", slug="dongqiao", district=community.district
    )

    def member(role, name, where=community, resident=False):
        user = UserFactory(display_name=name)
        MembershipFactory(user=user, community=where, role=role)
        if resident:
            ResidentFactory(community=where, user=user, name=name, mobile=user.mobile)
        return user

    users = {
        RES: member(Role.RESIDENT, "王阿姨", resident=True),
        REP: member(Role.RESIDENT, "郑代表", resident=True),
        STAFF: member(Role.STAFF, "林工作人员"),
        SW: member(Role.SOCIAL_WORKER, "陈社工"),
        OUT: member(Role.STAFF, "东峤工作人员", where=other),
    }
    officer = UserFactory(display_name="民政局李科长")
    MembershipFactory(
        user=officer,
        community=None,
        district=community.district,
        role=Role.DISTRICT_OFFICER,
    )
    users[DO] = officer
    staff = users[STAFF]
    me = users[RES].resident_records.get()

    council = Council.objects.get(community=community)
    kind = SeatKind.objects.filter(council=council, represents_organization=False)[0]
    seat = council_services.seat_assign(
        council=council,
        by=staff,
        kind=kind,
        resident=users[REP].resident_records.get(),
        term_start=timezone.localdate() - timedelta(days=30),
    )
    starts_at = timezone.now() + timedelta(days=10)
    meeting = council_services.meeting_schedule(
        community=community,
        by=staff,
        title="十一月议事会",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        place="汀塘村委会",
    )
    agenda_topic = TopicFactory(
        community=community, submitter=me, window=meeting.window, title="修路灯"
    )
    new_topic = TopicFactory(
        community=community, submitter=me, window=meeting.window, title="加装扶手"
    )
    council_services.triage_accept(meeting=meeting, topic=agenda_topic, by=staff)
    agenda_item = meeting.agenda_items.get()
    # Votes and the outcome sit on an item without a topic, so the topic rows
    # above see their topic as it is; another item waits for its outcome.
    decided_item = council_services.agenda_item_create(
        meeting=meeting, by=staff, title="公共厕所翻新"
    )
    open_item = council_services.agenda_item_create(
        meeting=meeting, by=staff, title="修桥"
    )
    offline = ResidentFactory(community=community, user=None, name="张奶奶")
    topic_services.preconsultation_record(
        topic=agenda_topic,
        by=staff,
        consulted_at=timezone.now(),
        position="supports",
        notes="私下反映与邻居有矛盾",
        resident=offline,
    )
    invitation = council_services.invitation_create(
        agenda_item=agenda_item, by=staff, resident=me, reason="住在路灯旁"
    )
    council_services.agenda_publish(meeting=meeting, by=staff, confirm=True)
    meeting = council_services.meeting_start(meeting=meeting, by=staff, confirm=True)

    comment = topic_services.comment_create(
        topic=new_topic, author=users[REP], body="我支持"
    )
    topic_services.comment_report(comment=comment, by=users[RES], reason="")
    photo = TopicPhoto.objects.create(
        topic=new_topic, image=ContentFile(_jpeg(), name="p.jpg")
    )

    votes = _votes(meeting, decided_item, users[REP].resident_records.get(), staff)
    outcomes = _outcomes(decided_item, users, me)

    organization = OrganizationFactory(community=community, name="汀塘老年协会")
    member_resident = ResidentFactory(community=community, name="郑阿伯")
    organization.members.add(member_resident)
    upload = ResidentImport.objects.create(
        community=community, created_by=staff, file_name="r.csv", file_format="csv"
    )
    from residents import services as resident_services

    # Staff of another community register the resident's number: a link waits
    # for the owner of the login.
    elsewhere = ResidentFactory(
        community=other, user=None, name="王阿姨", mobile=users[RES].mobile
    )
    resident_services.resident_login_create(resident=elsewhere, created_by=users[OUT])
    login_link = elsewhere.login_links.get()
    notification = Notification.objects.filter(user=users[RES]).first()
    delivery = Delivery.objects.filter(notification=notification).first()
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED)

    from reports.models import CalendarFeed, Export

    export = Export.objects.create(
        community=community,
        created_by=staff,
        kind="topics",
        file_format="csv",
        language="zh-hans",
        status="done",
        file=ContentFile(b"a,b\r\n", name="topics.csv"),
        file_name="topics.csv",
    )
    feed = CalendarFeed.objects.create(community=community, user=users[RES])

    return {
        "community": community,
        "users": users,
        "objects": {
            "export": export,
            "feed_token": feed.token,
            "district": community.district,
            "meeting": meeting,
            "agenda_item": agenda_item,
            "invitation": invitation,
            # The QR code rotates: the one shown now, read when the URL is made.
            "check_in_token": meeting.self_check_in_code,
            "seat": seat,
            "agenda_topic": agenda_topic,
            "new_topic": new_topic,
            "comment": comment,
            "comment_report": comment.reports.get(),
            "photo": photo,
            "offline_resident": offline,
            "member": member_resident,
            "organization": organization,
            "upload": upload,
            "login_link": login_link,
            "notification": notification,
            "delivery": delivery,
            **votes,
            **outcomes,
            "open_item": open_item,
            "reset_uid": urlsafe_base64_encode(force_bytes(users[RES].pk)),
            "reset_token": "set-password",
        },
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        data = _build()
        # Sign each role in once; every request then only carries its cookie.
        data["sessions"] = {}
        for role, user in data["users"].items():
            client = Client()
            client.force_login(user)
            data["sessions"][role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield data
        transaction.set_rollback(True)


def _value(world, name):
    value = world["objects"].get(name, name)
    if callable(value):
        value = value()
    return getattr(value, "pk", value)


def _url(world, key, pattern, spec) -> str:
    if key.startswith("[") and not _is_admin(key, pattern):
        return "/" + pattern  # a route without a name, e.g. favicon.ico
    if _is_admin(key, pattern):
        if key.startswith("["):
            path = pattern.replace("<path:object_id>", "1")
            return "/" + path.replace("(?P<url>.*)$", "nothing/")
        kwargs = {
            name: value
            for name, value in ADMIN_KWARGS.items()
            if f"<{name}>" in pattern
            or f"(?P<{name}>" in pattern
            or f":{name}>" in pattern
        }
        return reverse(key, kwargs=kwargs)
    kwargs = {name: _value(world, ref) for name, ref in spec["kwargs"].items()}
    if "<slug:community>" in pattern:
        kwargs["community"] = world["community"].slug
    return reverse(key, kwargs=kwargs)


def _status(response) -> str | int:
    code = response.status_code
    if 300 <= code < 400:
        return LOGIN if "/accounts/login/" in response["Location"] else REDIRECT
    if 200 <= code < 300 and code != 286:
        return OK
    return code


@pytest.mark.parametrize(("key", "method"), CASES)
def test_route_answers_each_role_as_the_table_says(world, key, method, db):
    pattern = all_routes()[key]
    spec = _row(key, pattern)
    url = _url(world, key, pattern, spec)
    data = {name: _value(world, ref) for name, ref in spec["data"].items()}
    roles = ADMIN_ROLES if _is_admin(key, pattern) else ROLES
    got = {}
    for role in roles:
        client = Client()
        if role != ANON:
            client.cookies[settings.SESSION_COOKIE_NAME] = world["sessions"][role]
        with transaction.atomic():
            send = client.get if method == "GET" else client.post
            response = send(url, data) if method == "POST" else send(url)
            transaction.set_rollback(True)
        got[role] = _status(response)
    expected = spec[method]
    wrong = {
        role: f"got {got[role]}, expected {expected[role]}"
        for role in roles
        if got[role] != expected[role]
    }
    assert not wrong, f"{method} {url}: {wrong}"
