import pytest
from django.core.exceptions import ValidationError

from residents import services
from residents.models import Membership, OrganizationKind, Role
from tests.factories import OrganizationFactory, ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_social_worker_membership_must_point_at_an_agency_of_the_community(
    community, other_community
):
    user = UserFactory()
    agency = OrganizationFactory(
        community=community, kind=OrganizationKind.SOCIAL_WORK_AGENCY
    )
    elsewhere = OrganizationFactory(
        community=other_community, kind=OrganizationKind.SOCIAL_WORK_AGENCY
    )
    club = OrganizationFactory(community=community, kind=OrganizationKind.SOCIAL_ORG)
    Membership(
        user=user, community=community, role=Role.SOCIAL_WORKER, organization=agency
    ).full_clean()
    for organization, role in [
        (elsewhere, Role.SOCIAL_WORKER),
        (club, Role.SOCIAL_WORKER),
        (agency, Role.STAFF),
    ]:
        with pytest.raises(ValidationError) as error:
            Membership(
                user=user, community=community, role=role, organization=organization
            ).full_clean()
        assert "organization" in error.value.message_dict


def test_resident_create_refuses_unknown_fields(community):
    with pytest.raises(TypeError):
        services.resident_create(community=community, name="x", community_id=3)


def test_resident_create_normalises_and_checks_duplicates(community):
    resident = services.resident_create(
        community=community, name="林", mobile="+8613859001234"
    )
    assert resident.mobile == "13859001234"
    with pytest.raises(ValidationError) as error:
        services.resident_create(community=community, name="陈", mobile="13859001234")
    assert "mobile" in error.value.message_dict


def test_member_add_refuses_other_community(community, other_community):
    organization = OrganizationFactory(community=community)
    outsider = ResidentFactory(community=other_community)
    with pytest.raises(ValidationError):
        services.organization_member_add(organization=organization, resident=outsider)
    assert organization.members.count() == 0


def test_one_time_codes_are_short_unambiguous_and_different(community):
    codes = set()
    for _ in range(20):
        resident = ResidentFactory(community=community)
        _user, code = services.resident_login_create(resident=resident)
        assert len(code) == 8
        assert not set(code) & set("01OIL")
        codes.add(code)
    assert len(codes) == 20


def test_password_reset_needs_a_login(community):
    resident = ResidentFactory(community=community)
    with pytest.raises(ValidationError):
        services.resident_password_reset(resident=resident)


def test_organization_contact_mobile_is_normalised(community):
    organization = services.organization_create(
        community=community,
        kind=OrganizationKind.SOCIAL_RESOURCE,
        name="汀塘爱心企业联盟",
        contact_mobile="+86 135 0000 1111",
    )
    assert organization.contact_mobile == "13500001111"
    with pytest.raises(ValidationError) as error:
        services.organization_update(organization=organization, contact_mobile="123")
    assert "contact_mobile" in error.value.message_dict
