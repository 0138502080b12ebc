"""The community home's five-society section is kept rendered between requests
(residents.selectors.HOME_ORGANIZATIONS): every change to the community's
organisations, through the services or the admin, shows on the next visit.

The services announce a change when their transaction commits, so each write here
runs its on-commit callbacks, as a real request's commit does.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from residents import services
from residents.models import Organization
from tests.factories import (
    CommunityFactory,
    OrganizationFactory,
    ResidentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def home(user, community, language=None):
    client = Client()
    client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("residents:community_home", args=[community.slug]))
    return page.content.decode()


def test_new_organisations_members_and_names_show_at_once(
    community, resident_user, staff_user, django_capture_on_commit_callbacks
):
    def committed(write, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(**kwargs)

    assert "绿叶物业" not in home(resident_user, community)  # kept now
    leaf = committed(
        services.organization_create,
        community=community,
        kind="social_org",
        name="绿叶物业",
    )
    assert "绿叶物业" in home(resident_user, community)
    member, other = ResidentFactory.create_batch(2, community=community)
    committed(services.organization_member_add, organization=leaf, resident=member)
    committed(services.organization_member_add, organization=leaf, resident=other)
    assert "2 名成员" in home(staff_user, community)
    committed(services.organization_member_remove, organization=leaf, resident=other)
    assert "1 名成员" in home(staff_user, community)
    committed(services.organization_update, organization=leaf, name="绿叶社工站")
    page = home(resident_user, community)
    assert "绿叶社工站" in page and "绿叶物业" not in page
    english = home(resident_user, community, language="en")
    assert "Five-society linkage" in english and "1 member" in english


def test_admin_edits_show_at_once_and_other_communities_keep_theirs(
    community, resident_user, django_capture_on_commit_callbacks
):
    leaf = OrganizationFactory(community=community, name="老年协会")
    other = CommunityFactory()
    OrganizationFactory(community=other, name="别处的协会")
    assert "老年协会" in home(resident_user, community)
    admin = Client()
    admin.force_login(UserFactory(is_staff=True, is_superuser=True))
    change = reverse("admin:residents_organization_change", args=[leaf.pk])
    form = {
        "community": community.pk,
        "kind": leaf.kind,
        "name": "银发协会",
        "description": "",
        "contact_name": "",
        "contact_mobile": "",
        "members": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(change, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = home(resident_user, community)
    assert "银发协会" in page and "别处的协会" not in page
    delete = reverse("admin:residents_organization_delete", args=[leaf.pk])
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(delete, {"post": "yes"})
    assert not Organization.objects.filter(pk=leaf.pk).exists()
    assert "银发协会" not in home(resident_user, community)
