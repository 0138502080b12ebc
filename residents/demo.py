"""Demo data: a Tingtang-like community, a neighbour, organisations, one login per role.

`seed(context)` is called by `manage.py seed_demo` first of all the apps' demo
modules; it fills `context` with what later apps need:

- ``communities``: list of Community, the first is 汀塘社区
- ``community``: 汀塘社区
- ``users``: dict role -> User (``staff``, ``social_worker``, ``resident``,
  ``district_officer``, ``other_staff``, ``superuser``)
- ``organizations``: dict name -> Organization of 汀塘社区
- ``stdout``: a callable writing one line

Everything is deterministic and looked up before it is created, so running the
command twice changes nothing.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from .models import (
    Community,
    District,
    Membership,
    Organization,
    OrganizationKind,
    Resident,
    Role,
    User,
)
from .services import community_create, community_stats_refresh

DEMO_PASSWORD = "yishihui2026"
DEFAULT_RESIDENTS = 6000
DEFAULT_COMMUNITIES = 2
DEMO_YEAR = 2026  # ages are computed against a fixed year so reruns match

DISTRICT = {"name": "秀屿区", "region_path": "福建省/莆田市/秀屿区"}
COMMUNITIES = [
    {
        "slug": "tingtang",
        "name": "汀塘社区",
        "region_path": "福建省/莆田市/秀屿区/东峤镇",
        "address": "东峤镇汀塘村",
        "population": 4300,
        "household_prefix": "TT",
        "weight": 7,
    },
    {
        "slug": "dongqiao",
        "name": "东峤社区",
        "region_path": "福建省/莆田市/秀屿区/东峤镇",
        "address": "东峤镇东峤村",
        "population": 1900,
        "household_prefix": "DQ",
        "weight": 3,
    },
]
EXTRA_COMMUNITY_NAMES = [
    "前沁", "珠川", "霞林", "赤岐", "莲峰", "上塘", "汀港", "埭头", "石城", "山亭",
    "月塘", "东埔", "笏石", "平海", "南日", "湄洲", "忠门", "东庄", "灵川", "西许",
]  # fmt: skip

# (role key, username, mobile, display name, role, community slug or None)
DEMO_LOGINS = [
    ("staff", "tt-staff", "13900000001", "林晓红", Role.STAFF, "tingtang"),
    (
        "social_worker",
        "tt-socialworker",
        "13900000002",
        "陈思雨",
        Role.SOCIAL_WORKER,
        "tingtang",
    ),
    ("resident", "tt-resident", "13900000003", "王秀英", Role.RESIDENT, "tingtang"),
    (
        "district_officer",
        "xiuyu-officer",
        "13900000004",
        "黄建国",
        Role.DISTRICT_OFFICER,
        None,
    ),
    ("other_staff", "dq-staff", "13900000005", "郑丽娟", Role.STAFF, "dongqiao"),
]
SUPERUSER = ("superuser", "admin", "", "系统管理员")

SOCIAL_WORK_AGENCY = "福建启福社工"
ORGANIZATIONS = [
    (
        OrganizationKind.COMMUNITY_ORG,
        "{c}居民委员会",
        "社区居委会，负责居民自治事务的日常工作。",
        "林国华",
    ),
    (
        OrganizationKind.COMMUNITY_ORG,
        "{c}妇女联合会",
        "组织妇女参与社区事务，关爱妇女儿童。",
        "吴美玲",
    ),
    (
        OrganizationKind.SOCIAL_ORG,
        "{s}老年协会",
        "组织老年人文体活动，探访独居老人。",
        "郑金水",
    ),
    (
        OrganizationKind.SOCIAL_ORG,
        "{s}青少年读书会",
        "周末陪伴留守儿童读书、写作业。",
        "黄晓燕",
    ),
    (
        OrganizationKind.SOCIAL_WORK_AGENCY,
        SOCIAL_WORK_AGENCY,
        "专业社工机构，驻点开展“五社联动”和居民协商议事服务。",
        "陈思雨",
    ),
    (
        OrganizationKind.SOCIAL_RESOURCE,
        "东峤志愿者服务队",
        "志愿者队伍：助老、环境整治、应急服务。",
        "许志强",
    ),
    (
        OrganizationKind.SOCIAL_RESOURCE,
        "{s}爱心企业联盟",
        "本地企业为社区公益项目捐款捐物。",
        "蔡建明",
    ),
    (
        OrganizationKind.SOCIAL_RESOURCE,
        "{s}乡贤理事会",
        "在外乡贤为家乡建设出资出力。",
        "方文彬",
    ),
    (
        OrganizationKind.SELF_GOVERNANCE_ORG,
        "{s}楼栋长联席会",
        "各楼栋长收集居民意见，协助议题征集。",
        "朱丽萍",
    ),
    (
        OrganizationKind.SELF_GOVERNANCE_ORG,
        "{s}红白理事会",
        "倡导移风易俗，协调邻里事务。",
        "余德福",
    ),
]

# Putian's common surnames first, weighted roughly by how common they are there.
SURNAMES = (
    ["林"] * 14 + ["陈"] * 10 + ["黄"] * 7 + ["郑"] * 6 + ["吴"] * 5 + ["李"] * 3
    + ["王"] * 3 + ["张"] * 2 + ["刘"] * 2 + ["蔡"] * 3 + ["许"] * 2 + ["方"] * 2
    + ["朱"] * 2 + ["余"] * 2 + ["杨"] * 2 + ["翁", "康", "卓", "关", "宋", "姚",
    "游", "周", "徐", "柯", "欧", "彭", "肖", "曾", "苏", "邱"]
)  # fmt: skip
GIVEN_OLD_WOMEN = [
    "秀英", "桂英", "玉兰", "秀兰", "美华", "淑珍", "金花", "玉珍", "凤英", "秀珍",
    "月娥", "丽珠", "阿珠", "玉梅", "素珍", "秀琴", "桂兰", "碧霞", "瑞英", "金凤",
]  # fmt: skip
GIVEN_OLD_MEN = [
    "国华", "金水", "建国", "德福", "文彬", "志明", "建华", "春生", "永福", "天佑",
    "国庆", "荣华", "水生", "振兴", "明辉", "金龙", "亚福", "文清", "德明", "宗林",
]  # fmt: skip
GIVEN_WOMEN = [
    "晓燕", "丽娟", "美玲", "丽萍", "婷婷", "雅琴", "晓红", "佳慧", "思雨", "丽芳",
    "艳红", "秋萍", "晓梅", "燕玲", "雪芳", "慧敏", "淑芬", "丹丹", "小琴", "海燕",
]  # fmt: skip
GIVEN_MEN = [
    "志强", "建明", "伟东", "俊杰", "晓东", "文斌", "海峰", "志伟", "明杰", "建平",
    "国栋", "鑫", "磊", "斌", "勇", "宏伟", "家豪", "子轩", "少华", "振宇",
]  # fmt: skip
GIVEN_CHILDREN = [
    "梓涵", "欣怡", "子轩", "浩然", "宇轩", "诗涵", "雨桐", "俊熙", "一诺", "梓萱",
    "铭泽", "可馨", "思远", "若曦", "宇航", "佳琪", "睿", "悦", "晨", "泽宇",
]  # fmt: skip
MOBILE_PREFIXES = [
    "138", "135", "136", "137", "150", "151", "152", "158", "159", "186",
    "187", "188", "189", "133", "153", "180", "181", "177", "183", "157",
]  # fmt: skip


@dataclass
class Person:
    name: str
    birth_year: int
    mobile: str
    is_elderly_alone: bool
    is_left_behind_child: bool
    has_disability: bool


def _write(context, line: str) -> None:
    writer = context.get("stdout")
    if writer is not None:
        writer(line)


def _name(rng: random.Random, surname: str, age: int, female: bool) -> str:
    if age < 18:
        pool = GIVEN_CHILDREN
    elif age >= 55:
        pool = GIVEN_OLD_WOMEN if female else GIVEN_OLD_MEN
    else:
        pool = GIVEN_WOMEN if female else GIVEN_MEN
    return surname + rng.choice(pool)


def _household_people(rng: random.Random, size: int) -> list[tuple[int, bool, bool]]:
    """(age, female, lives without working-age parents) for each household member."""
    if size == 1:
        if rng.random() < 0.7:
            return [(rng.randint(65, 92), rng.random() < 0.6, False)]
        return [(rng.randint(22, 64), rng.random() < 0.5, False)]
    if size == 2:
        roll = rng.random()
        if roll < 0.4:
            age = rng.randint(62, 88)
            return [(age, False, False), (age - rng.randint(0, 5), True, False)]
        if roll < 0.75:
            age = rng.randint(25, 60)
            return [(age, False, False), (age - rng.randint(0, 4), True, False)]
        return [
            (rng.randint(58, 80), rng.random() < 0.6, False),
            (rng.randint(4, 14), rng.random() < 0.5, True),
        ]
    # Three to five people: grandparents, maybe parents, children.
    children = min(rng.randint(1, 2), size - 1)
    parents_away = rng.random() < 0.35
    adults = size - children
    grandparents = adults if parents_away else max(0, adults - 2)
    parents = adults - grandparents
    people = []
    grand_age = rng.randint(58, 82)
    for index in range(grandparents):
        people.append((grand_age - index * rng.randint(0, 4), index == 1, False))
    parent_age = rng.randint(28, 45)
    for index in range(parents):
        people.append((parent_age - index * rng.randint(0, 3), index == 1, False))
    for _index in range(children):
        people.append((rng.randint(1, 16), rng.random() < 0.5, parents == 0))
    return people


def generate_people(
    *, prefix: str, seed: str, count: int, mobile_offset: int
) -> Iterator[dict]:
    """Yield `count` residents household by household, the same list every time.

    The list for a smaller count is the beginning of the list for a larger one.
    """
    rng = random.Random(seed)
    made = 0
    household = 0
    while made < count:
        household += 1
        building, rest = divmod(household - 1, 36)
        unit, rest = divmod(rest, 12)
        floor, door = divmod(rest, 2)
        size = rng.choices([1, 2, 3, 4, 5], weights=[18, 25, 22, 20, 15])[0]
        surname = rng.choice(SURNAMES)
        used_names: set[str] = set()
        people = _household_people(rng, size)
        for position, (age, female, parents_away) in enumerate(people):
            if made >= count:
                break
            own_surname = (
                surname
                if (position == 0 or not female or age < 18)
                else rng.choice(SURNAMES)
            )
            name = _name(rng, own_surname, age, female)
            while name in used_names:
                name = _name(rng, own_surname, age, female)
            used_names.add(name)
            has_mobile = age >= 18 and rng.random() < (0.9 if age < 70 else 0.35)
            mobile = ""
            if has_mobile:
                # 7919 is prime to 10**8: distinct people get distinct numbers.
                suffix = ((mobile_offset + made) * 7919) % 100_000_000
                mobile = f"{MOBILE_PREFIXES[made % len(MOBILE_PREFIXES)]}{suffix:08d}"
            rng_disability = rng.random()
            made += 1
            yield {
                "name": name,
                "mobile": mobile,
                "building": str(building + 1),
                "unit": str(unit + 1),
                "room": f"{floor + 1}0{door + 1}",
                "household": f"{prefix}-{household:05d}",
                "birth_year": DEMO_YEAR - age,
                "is_elderly_alone": size == 1 and age >= 60,
                "is_left_behind_child": parents_away and age < 18,
                "has_disability": rng_disability < 0.03,
            }


def _shares(total: int, weights: list[int]) -> list[int]:
    whole = sum(weights)
    shares = [total * weight // whole for weight in weights]
    shares[0] += total - sum(shares)
    return shares


def _community_specs(count: int) -> list[dict]:
    specs = [dict(spec) for spec in COMMUNITIES[:count]]
    for index in range(len(specs), count):
        base = EXTRA_COMMUNITY_NAMES[(index - 2) % len(EXTRA_COMMUNITY_NAMES)]
        round_ = (index - 2) // len(EXTRA_COMMUNITY_NAMES)
        name = f"{base}社区" if round_ == 0 else f"{base}{round_ + 1}社区"
        specs.append(
            {
                "slug": f"demo-{index + 1}",
                "name": name,
                "region_path": "福建省/莆田市/秀屿区",
                "address": "",
                "population": 0,
                "household_prefix": f"C{index + 1}",
                "weight": 3,
            }
        )
    return specs


def _seed_residents(community: Community, spec: dict, count: int, index: int) -> int:
    existing = set(
        Resident.objects.filter(community=community).values_list(
            "household", "name", "birth_year"
        )
    )
    taken_mobiles = set(
        Resident.objects.filter(community=community)
        .exclude(mobile="")
        .values_list("mobile", flat=True)
    )
    new = []
    for person in generate_people(
        prefix=spec["household_prefix"],
        seed=f"yishihui-demo:{spec['slug']}",
        count=count,
        mobile_offset=index * 1_000_000,
    ):
        key = (person["household"], person["name"], person["birth_year"])
        if key in existing:
            continue
        if person["mobile"] in taken_mobiles:
            person["mobile"] = ""
        new.append(Resident(community=community, **person))
    Resident.objects.bulk_create(new, batch_size=2000)
    return len(new)


def _user(key, username, mobile, display_name, password_hash, **extra) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create(
            username=username,
            mobile=mobile or None,
            display_name=display_name,
            password=password_hash,
            **extra,
        )
    return user


def _seed_organizations(community: Community, short: str) -> dict[str, Organization]:
    organizations = {}
    for kind, pattern, description, contact in ORGANIZATIONS:
        name = pattern.format(c=community.name, s=short)
        organization, _created = Organization.objects.get_or_create(
            community=community,
            name=name,
            defaults={
                "kind": kind,
                "description": description,
                "contact_name": contact,
                "contact_mobile": f"1350{community.pk % 1000:03d}{len(organizations):04d}",
            },
        )
        organizations[name] = organization
    return organizations


def _add_members(organization: Organization, residents) -> None:
    if not organization.members.exists():
        organization.members.add(*list(residents))


@transaction.atomic
def seed(context: dict) -> None:
    total = context.get("residents", DEFAULT_RESIDENTS)
    count = max(1, context.get("communities", DEFAULT_COMMUNITIES))
    password_hash = make_password(DEMO_PASSWORD)

    district, _created = District.objects.get_or_create(
        name=DISTRICT["name"], defaults={"region_path": DISTRICT["region_path"]}
    )
    specs = _community_specs(count)
    shares = _shares(total, [spec["weight"] for spec in specs])
    communities = []
    for index, (spec, share) in enumerate(zip(specs, shares, strict=True)):
        community = Community.objects.filter(slug=spec["slug"]).first()
        if community is None:
            community = community_create(
                slug=spec["slug"],
                district=district,
                name=spec["name"],
                region_path=spec["region_path"],
                address=spec["address"],
                population=spec["population"] or share,
            )
        added = _seed_residents(community, spec, share, index)
        _write(context, f"{community.name}: {added} residents added")
        communities.append(community)
    tingtang = communities[0]

    organizations = _seed_organizations(tingtang, "汀塘")
    if len(communities) > 1:
        _seed_organizations(communities[1], "东峤")
    by_slug = {community.slug: community for community in communities}

    users = {}
    for key, username, mobile, display_name, role, slug in DEMO_LOGINS:
        if slug is not None and slug not in by_slug:
            continue
        user = _user(key, username, mobile, display_name, password_hash)
        if role == Role.DISTRICT_OFFICER:
            Membership.objects.get_or_create(user=user, role=role, district=district)
        else:
            Membership.objects.get_or_create(
                user=user,
                role=role,
                community=by_slug[slug],
                defaults={
                    "organization": organizations[SOCIAL_WORK_AGENCY]
                    if role == Role.SOCIAL_WORKER
                    else None
                },
            )
        if role == Role.RESIDENT:
            Resident.objects.get_or_create(
                community=by_slug[slug],
                user=user,
                defaults={
                    "name": display_name,
                    "mobile": mobile,
                    "building": "3",
                    "unit": "1",
                    "room": "201",
                    "household": "TT-DEMO",
                    "birth_year": 1956,
                },
            )
        users[key] = user
    users["superuser"] = _user(
        *SUPERUSER, password_hash, is_staff=True, is_superuser=True
    )

    in_tingtang = Resident.objects.filter(community=tingtang).order_by("pk")
    adults = in_tingtang.filter(
        birth_year__range=(DEMO_YEAR - 60, DEMO_YEAR - 20)
    ).exclude(mobile="")
    elderly = in_tingtang.filter(birth_year__lte=DEMO_YEAR - 60)
    members = {
        "汀塘社区居民委员会": adults[:7],
        "汀塘社区妇女联合会": adults.filter(
            name__regex=r"(燕|娟|玲|萍|婷|琴|红|慧|芳|梅)$"
        )[:25],
        "汀塘老年协会": elderly.exclude(mobile="")[:40],
        "汀塘青少年读书会": in_tingtang.filter(is_left_behind_child=True)[:30],
        "东峤志愿者服务队": adults[100:130],
        "汀塘爱心企业联盟": adults[200:212],
        "汀塘乡贤理事会": adults.filter(birth_year__lte=DEMO_YEAR - 45)[300:315],
        "汀塘楼栋长联席会": in_tingtang.filter(
            unit="1", room="101", birth_year__lte=DEMO_YEAR - 30
        )[:20],
        "汀塘红白理事会": elderly[50:60],
    }
    for name, residents in members.items():
        _add_members(organizations[name], residents)
    if "resident" in users:
        resident = Resident.objects.get(community=tingtang, user=users["resident"])
        organizations["汀塘老年协会"].members.add(resident)

    for community in communities:  # the kept counts, as the services keep them
        community_stats_refresh(community_id=community.pk)
    context.update(
        {
            "district": district,
            "communities": communities,
            "community": tingtang,
            "users": users,
            "organizations": organizations,
            "password": DEMO_PASSWORD,
        }
    )


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(role label, mobile, username, password) per demo login, for print_demo_logins.

    Either the mobile number or the username logs in.
    """
    labels = {
        "staff": "社区工作人员 community staff (汀塘社区)",
        "social_worker": f"社工 social worker ({SOCIAL_WORK_AGENCY})",
        "resident": "居民 resident (汀塘社区)",
        "district_officer": "民政局 district officer (秀屿区)",
        "other_staff": "社区工作人员 community staff (东峤社区)",
        "superuser": "管理员 superuser (/admin/)",
    }
    return [
        (labels[key], mobile, username, DEMO_PASSWORD)
        for key, username, mobile, *_rest in [*DEMO_LOGINS, SUPERUSER]
    ]
