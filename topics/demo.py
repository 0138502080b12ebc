"""Demo topics for 汀塘社区: endorsements, comments, one recorded for an offline resident.

`seed(context)` runs after residents.demo (which puts `community` and `users` in
`context`) and before council.demo. Topics go into the community's open collection
window if there is one; otherwise they wait, and the council's demo meeting picks
them up when it opens its window. Running it twice changes nothing: a topic whose
title exists in the community is left as it is. `add_topic` submits one topic with
its support and comments, all through topics.services; council.demo uses it for
the topic its past meeting decided.
"""

import random

from residents.models import Resident

from . import services
from .models import Topic, TopicCategory

TOPICS = [
    {
        "title": "三号楼门口路灯坏了两个月",
        "description": "三号楼门口两盏路灯一直不亮，晚上老人出门买菜、散步看不清台阶，"
        "上个月已经有人摔倒。希望尽快修好，最好换成太阳能路灯。",
        "category": TopicCategory.FACILITIES,
        "location": "3号楼东门",
        "endorsers": 38,
        "comments": [
            ("support", "我家老人晚上不敢出门，支持尽快修。"),
            ("suggestion", "可以问问供电所，换成太阳能灯以后不用交电费。"),
            ("concern", "修路灯的钱从哪里出？要不要大家凑？"),
        ],
        "reply": "村集体有一笔公共设施维修经费，可以在会上讨论。",
    },
    {
        "title": "老年食堂能不能中午多开一个小时",
        "description": "老年食堂11点开、12点关，很多老人走得慢，到的时候菜已经没了。"
        "希望延长到下午1点，并给独居老人留饭。",
        "category": TopicCategory.ELDERLY_CARE,
        "location": "村委会一楼老年食堂",
        "endorsers": 52,
        "comments": [
            ("support", "我妈每天都去，12点到就只剩稀饭了。"),
            ("suggestion", "可以请志愿者给行动不便的老人送饭。"),
        ],
    },
    {
        "title": "菜市场旁边垃圾桶太少，夏天味道很大",
        "description": "菜市场旁边只有两个垃圾桶，每天下午就满了，夏天苍蝇很多。"
        "希望多放几个分类垃圾桶，每天清运两次。",
        "category": TopicCategory.ENVIRONMENT,
        "location": "汀塘菜市场西侧",
        "endorsers": 21,
        "comments": [("support", "同意，每天下午路过都要捂鼻子。")],
    },
    {
        "title": "学校门口上下学时段车太多",
        "description": "汀塘小学门口上下学时电动车、汽车挤在一起，孩子过马路很危险。"
        "希望安排护学岗，并划出临时停车区。",
        "category": TopicCategory.SAFETY,
        "location": "汀塘小学门口",
        "endorsers": 33,
        "comments": [
            ("suggestion", "可以请家长志愿者轮流站岗。"),
            ("concern", "划停车区会不会占了菜市场的路？"),
        ],
    },
    {
        "title": "楼上装修噪音，晚上九点后还在施工",
        "description": "五号楼有住户装修，晚上九点以后还在打钻，影响老人和孩子休息。"
        "希望定一个大家都遵守的装修时间。",
        "category": TopicCategory.NEIGHBOURS,
        "location": "5号楼",
        "endorsers": 12,
        "comments": [("support", "应该定个规矩，写进村规民约。")],
    },
]
RECORDED_FOR_OFFLINE = {
    "title": "独居老人希望有人定期上门看看",
    "description": "张奶奶一个人住，腿脚不便，电话里说希望有人每周上门看看，帮忙量血压。",
    "category": TopicCategory.ELDERLY_CARE,
    "location": "7号楼",
    "endorsers": 17,
    "comments": [("support", "可以排进志愿者服务队的上门探访。")],
}


def _write(context, line):
    writer = context.get("stdout")
    if writer:
        writer(line)


def people(community, users) -> dict:
    """Who takes part in the demo deliberation: residents, commenters, staff."""
    resident_user = users.get("resident")
    return {
        "pool": list(
            Resident.objects.filter(community=community)
            .exclude(user=resident_user)
            .order_by("pk")[:400]
        ),
        "me": Resident.objects.filter(community=community, user=resident_user).first()
        if resident_user is not None
        else None,
        "commenters": [
            user
            for user in (resident_user, users.get("social_worker"), users.get("staff"))
            if user is not None
        ],
        "staff": users.get("staff"),
    }


def add_topic(*, community, spec, submitter, by, crowd, rng) -> Topic:
    """Submit one topic, then its endorsements, comments and staff reply."""
    topic = services.topic_submit(
        community=community,
        submitter=submitter,
        by=by,
        title=spec["title"],
        description=spec["description"],
        category=spec["category"],
        location=spec["location"],
    )
    pool = crowd["pool"]
    for endorser in rng.sample(pool, min(spec["endorsers"], len(pool))):
        if endorser.pk != submitter.pk:
            services.endorsement_create(topic=topic, resident=endorser)
    commenters = crowd["commenters"]
    first = None
    for n, (kind, body) in enumerate(spec["comments"]):
        comment = services.comment_create(
            topic=topic, author=commenters[n % len(commenters)], body=body, kind=kind
        )
        first = first or comment
    if spec.get("reply") and first is not None and crowd["staff"] is not None:
        services.comment_create(
            topic=topic, author=crowd["staff"], body=spec["reply"], parent=first
        )
    return topic


def seed(context: dict) -> None:
    community = context["community"]
    crowd = people(community, context["users"])
    pool, me, staff = crowd["pool"], crowd["me"], crowd["staff"]
    if not pool:
        return
    rng = random.Random(5)
    existing = set(
        Topic.objects.filter(community=community).values_list("title", flat=True)
    )
    added = 0
    specs = [(spec, False) for spec in TOPICS] + [(RECORDED_FOR_OFFLINE, True)]
    for index, (spec, on_behalf) in enumerate(specs):
        if spec["title"] in existing:
            continue
        if on_behalf:
            submitter = next((r for r in pool if r.user_id is None), pool[0])
            by = staff
        else:
            submitter = (
                me if index == 0 and me is not None else pool[index * 7 % len(pool)]
            )
            by = submitter.user
        add_topic(
            community=community,
            spec=spec,
            submitter=submitter,
            by=by,
            crowd=crowd,
            rng=rng,
        )
        added += 1
    if me is not None:
        services.deadline_reminder_set(resident=me, enabled=True)
    _write(context, f"{community.name}: {added} topics added")
