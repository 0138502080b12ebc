"""Helpers for outcomes tests: a meeting with a topic on its agenda, an outcome."""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from council import services as council_services
from outcomes import services
from tests.council.factories import in_progress, schedule
from tests.factories import OrganizationFactory
from tests.topics.factories import TopicFactory
from topics.models import TopicStatus


def topic_on_agenda(community, *, by, title="旧村部四楼改成儿童活动中心", **kwargs):
    """A meeting in progress whose first agenda item is an accepted topic."""
    topic = TopicFactory(
        community=community, title=title, status=TopicStatus.ACCEPTED, **kwargs
    )
    meeting = schedule(community, by=by, days=kwargs.pop("days", 10))
    item = council_services.agenda_item_create(meeting=meeting, by=by, topic=topic)
    meeting = in_progress(meeting, by=by, items=0)
    return meeting, item, topic


def record_outcome(
    community, *, by, decision="把老村部四楼改建为儿童活动中心。", **kwargs
):
    meeting, item, topic = topic_on_agenda(community, by=by)
    return services.outcome_record(agenda_item=item, by=by, decision=decision, **kwargs)


def add_item(outcome, *, by, owner=None, days=14, description="采购书架"):
    owner = owner or OrganizationFactory(community=outcome.community)
    return services.action_item_add(
        outcome=outcome,
        by=by,
        description=description,
        due_on=timezone.localdate() + timedelta(days=days),
        owner_organization=owner,
    )


def jpeg(name="progress.jpg", size=(800, 600)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 120, 200)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
