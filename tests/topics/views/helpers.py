"""What the topic page tests share."""

from django.urls import reverse

from topics.models import TopicCategory


def url(name, community, **kwargs):
    return reverse(f"topics:{name}", kwargs={"community": community.slug, **kwargs})


def form_data(**extra):
    return {
        "title": "三号楼路灯坏了",
        "description": "晚上太黑，老人出门容易摔倒。",
        "category": TopicCategory.FACILITIES,
        "location": "三号楼东门",
        **extra,
    }
