"""factory_boy factories for the residents app; other apps keep theirs in tests/<app>/."""

import factory
from factory.django import DjangoModelFactory

from residents.models import (
    Community,
    District,
    Membership,
    Organization,
    OrganizationKind,
    Resident,
    Role,
    User,
)
from residents.services import community_create

PASSWORD = "Yishihui-test-2026"


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = District

    name = "秀屿区"
    region_path = "福建省/莆田市/秀屿区"


class CommunityFactory(DjangoModelFactory):
    class Meta:
        model = Community

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"社区{n}")
    slug = factory.Sequence(lambda n: f"community-{n}")
    region_path = "福建省/莆田市/秀屿区/东峤镇"
    address = "东峤镇汀塘村"
    population = 4200

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # As in the app: a new community comes with its council and the rest.
        return community_create(**kwargs)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    language = "zh-hans"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    community = factory.SubFactory(CommunityFactory)
    role = Role.RESIDENT


class ResidentFactory(DjangoModelFactory):
    class Meta:
        model = Resident

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"居民{n}")
    mobile = factory.Sequence(lambda n: f"137{n:08d}")
    building = factory.Sequence(lambda n: str(n % 20 + 1))
    unit = "1"
    room = factory.Sequence(lambda n: f"{n % 6 + 1}0{n % 4 + 1}")
    household = factory.Sequence(lambda n: f"H{n // 3:05d}")
    birth_year = 1960


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    community = factory.SubFactory(CommunityFactory)
    kind = OrganizationKind.SOCIAL_ORG
    name = factory.Sequence(lambda n: f"组织{n}")
    contact_name = "林先生"
    contact_mobile = factory.Sequence(lambda n: f"135{n:08d}")
