"""Outcome pages: the public story shows nothing personal; writes need the role."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from outcomes import services
from outcomes.models import ActionStatus, Outcome, OutcomeStatus, Pledge
from tests.outcomes.factories import add_item, jpeg, record_outcome, topic_on_agenda

pytestmark = pytest.mark.django_db


def url(name, community, *args):
    return reverse(f"outcomes:{name}", args=[community.slug, *args])


@pytest.fixture
def story(community, staff_user, social_worker, resident, resident_user, library):
    """An outcome with a pledge need, a resident's pledge, two action items, an update."""
    outcome = record_outcome(
        community, by=social_worker, responsible_organization=library
    )
    need = services.pledge_need_add(
        outcome=outcome,
        by=social_worker,
        description="儿童图书",
        unit="本",
        quantity=300,
    )
    services.pledge_make(need=need, by=resident_user, resident=resident, quantity=20)
    done = add_item(outcome, by=social_worker, owner=library, description="清理四楼")
    services.action_item_add(
        outcome=outcome,
        by=social_worker,
        description="周六志愿者值班",
        due_on=timezone.localdate() + timedelta(days=20),
        owner_resident=resident,
    )
    services.action_update_post(
        item=done,
        by=social_worker,
        text="四楼已清理干净",
        status=ActionStatus.DONE,
        photos=[jpeg()],
    )
    outcome.refresh_from_db()
    return outcome


def test_the_public_pages_tell_the_story_logged_out_with_no_names(
    client, community, story
):
    listing = client.get(url("outcomes", community))
    assert listing.status_code == 200
    page = listing.content.decode()
    assert story.title in page
    detail = client.get(story.get_absolute_url())
    assert detail.status_code == 200
    text = detail.content.decode()
    for shown in (
        "把老村部四楼改建为儿童活动中心",
        "儿童图书",
        "清理四楼",
        "四楼已清理干净",
        "莆田爱心书屋",
    ):
        assert shown in text
    for personal in ("王阿姨", story.topic.submitter.name, "陈社工"):
        assert personal not in text
    photo = story.action_items.get(description="清理四楼").updates.get().photos.get()
    response = client.get(url("photo", community, photo.pk))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


def test_the_community_public_page_shows_what_got_done(client, community, story):
    page = client.get(reverse("residents:community_public", args=[community.slug]))
    text = page.content.decode()
    assert "正在落实的决定" in text
    assert story.get_absolute_url() in text
    assert "1 项正在落实" in text


def test_a_council_that_keeps_outcomes_private_shows_them_to_members_only(
    client, login, community, story, resident_user, other_community
):
    council = community.council
    council.public_results = False
    council.save(update_fields=["public_results"])
    photo = story.action_items.get(description="清理四楼").updates.get().photos.get()
    for path in (
        url("outcomes", community),
        story.get_absolute_url(),
        url("photo", community, photo.pk),
    ):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse(settings.LOGIN_URL))
    public = client.get(reverse("residents:community_public", args=[community.slug]))
    assert story.get_absolute_url() not in public.content.decode()
    member = login(resident_user)
    assert member.get(url("outcomes", community)).status_code == 200
    assert member.get(story.get_absolute_url()).status_code == 200
    outsider = login(_outsider(other_community))
    assert outsider.get(story.get_absolute_url()).status_code == 403


def _outsider(other_community):
    from residents.models import Role
    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory()
    MembershipFactory(user=user, community=other_community, role=Role.RESIDENT)
    return user


def test_filters_by_state(client, community, story, staff_user):
    other = record_outcome(community, by=staff_user, decision="修路灯")
    assert other.status == OutcomeStatus.DECIDED
    page = client.get(
        url("outcomes", community), {"status": "in_progress"}
    ).content.decode()
    assert story.title in page and "修路灯" not in page
    page = client.get(
        url("outcomes", community), {"status": "decided"}
    ).content.decode()
    assert "修路灯" in page


def test_staff_see_names_the_public_does_not(login, community, story, staff_user):
    text = login(staff_user).get(story.get_absolute_url()).content.decode()
    assert "王阿姨" in text


def test_a_social_worker_records_an_outcome_from_the_form(
    login, community, social_worker, staff_user
):
    _meeting, item, topic = topic_on_agenda(community, by=staff_user)
    client = login(social_worker)
    form_url = url("outcome_record", community, item.pk)
    assert client.get(form_url).status_code == 200
    empty = client.post(form_url, {"decision": ""})
    assert empty.status_code == 400
    response = client.post(form_url, {"decision": "同意改建", "dissent": "担心消防"})
    outcome = Outcome.objects.get(agenda_item=item)
    assert (
        response.status_code == 302
        and response["Location"] == outcome.get_absolute_url()
    )
    assert outcome.dissent == "担心消防"


def test_residents_cannot_record_and_other_communities_see_nothing(
    login, community, story, resident_user, other_staff_user, other_community, client
):
    item = story.agenda_item
    assert (
        login(resident_user).get(url("outcome_record", community, item.pk)).status_code
        == 403
    )
    other = login(other_staff_user)
    assert other.get(url("outcome_record", community, item.pk)).status_code == 403
    assert other.get(url("outcome_record", other_community, item.pk)).status_code == 404
    # Another community's address does not show this community's outcome.
    assert client.get(url("outcome", other_community, story.pk)).status_code == 404
    assert (
        client.get(
            url(
                "action_updates",
                other_community,
                story.pk,
                story.action_items.first().pk,
            )
        ).status_code
        == 404
    )


def test_a_resident_pledges_and_an_error_keeps_what_was_typed(
    login, community, story, resident_user
):
    need = story.needs.get()
    client = login(resident_user)
    too_many = client.post(
        url("pledge", community, story.pk, need.pk), {"quantity": 999, "note": "周日"}
    )
    assert too_many.status_code == 400
    assert "周日" in too_many.content.decode()
    response = client.post(
        url("pledge", community, story.pk, need.pk), {"quantity": 30}
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.pledged_total == 50


def test_the_owner_posts_progress_with_a_photo_and_marks_it_done(
    login, community, story, resident_user, neighbour_user
):
    item = story.action_items.get(description="周六志愿者值班")
    update_url = url("action_update", community, story.pk, item.pk)
    assert login(neighbour_user).get(update_url).status_code == 403
    client = login(resident_user)
    response = client.post(
        update_url,
        {"text": "第一次值班完成", "status": ActionStatus.DONE, "photos": [jpeg()]},
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.status == OutcomeStatus.IMPLEMENTED
    assert item.updates.get().photos.count() == 1


def test_rating_from_the_outcome_page(
    login, community, story, resident_user, resident, social_worker
):
    client = login(resident_user)
    rate_url = url("rate", community, story.pk)
    early = client.post(rate_url, {"score": 5})
    assert early.status_code == 400  # not carried out yet
    item = story.action_items.get(description="周六志愿者值班")
    services.action_update_post(
        item=item, by=social_worker, text="完成", status=ActionStatus.DONE
    )
    assert client.post(rate_url, {"score": 9}).status_code == 400
    assert (
        client.post(rate_url, {"score": 4, "comment": "孩子们很喜欢"}).status_code
        == 302
    )
    page = client.get(story.get_absolute_url()).content.decode()
    assert "孩子们很喜欢" in page


def test_staff_record_an_offline_pledge_and_what_arrived(
    login, community, story, staff_user, library
):
    need = story.needs.get()
    client = login(staff_user)
    response = client.post(
        url("pledge_record", community, story.pk, need.pk),
        {"pledger_kind": "organization", "organization": library.pk, "quantity": 100},
    )
    assert response.status_code == 302
    pledge = Pledge.objects.get(organization=library)
    response = client.post(
        url("pledge_receive", community, story.pk, pledge.pk),
        {"quantity": 60, "received_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.pledged_total, need.received_total) == (120, 60)


def test_pages_on_the_meeting_agenda_item_and_topic_link_the_outcome(
    login, community, story, staff_user
):
    client = login(staff_user)
    meeting = story.meeting
    assert (
        story.get_absolute_url()
        in client.get(meeting.get_absolute_url()).content.decode()
    )
    assert (
        story.get_absolute_url()
        in client.get(story.agenda_item.get_absolute_url()).content.decode()
    )
    assert (
        story.get_absolute_url()
        in client.get(story.topic.get_absolute_url()).content.decode()
    )


def test_each_community_lists_only_its_own_outcomes(
    client, community, story, other_community, other_staff_user, login
):
    other_page = client.get(url("outcomes", other_community)).content.decode()
    assert story.title not in other_page
    photo = story.action_items.get(description="清理四楼").updates.get().photos.get()
    assert client.get(url("photo", other_community, photo.pk)).status_code == 404
    staff = login(other_staff_user)
    need = story.needs.get()
    assert (
        staff.post(
            url("pledge_record", other_community, story.pk, need.pk), {}
        ).status_code
        == 404
    )
    assert staff.post(url("need_add", community, story.pk), {}).status_code == 403
    minutes = reverse("outcomes:minutes", args=[community.slug, story.meeting_id])
    assert staff.get(minutes).status_code == 403
