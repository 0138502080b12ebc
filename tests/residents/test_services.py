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
        code = services.resident_login_create(resident=resident).code
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


def test_login_follows_a_residents_new_mobile(community, resident_user):
    resident = resident_user.resident_records.get()
    services.resident_update(resident=resident, mobile="13700009999")
    resident_user.refresh_from_db()
    assert resident_user.mobile == "13700009999"


def test_staff_login_keeps_its_mobile_when_their_resident_record_changes(
    community, staff_user
):
    resident = ResidentFactory(
        community=community, user=staff_user, mobile=staff_user.mobile
    )
    old = staff_user.mobile
    services.resident_update(resident=resident, mobile="13700008888")
    staff_user.refresh_from_db()
    assert staff_user.mobile == old


def test_login_keeps_its_mobile_when_the_new_one_is_another_login(
    community, resident_user
):
    UserFactory(mobile="13700007777")
    resident = resident_user.resident_records.get()
    old = resident_user.mobile
    services.resident_update(resident=resident, mobile="13700007777")
    resident_user.refresh_from_db()
    assert resident_user.mobile == old
    assert resident_user.resident_records.get().mobile == "13700007777"
