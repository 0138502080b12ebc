"""Whoever raised a topic counts as one of its supporters, once."""

from django.db import migrations
from django.db.models import Exists, F, OuterRef

BATCH = 1000


def add_submitter_endorsements(apps, schema_editor):
    Topic = apps.get_model("topics", "Topic")
    Endorsement = apps.get_model("topics", "Endorsement")
    missing = (
        Topic.objects.exclude(status="merged")
        .filter(
            ~Exists(
                Endorsement.objects.filter(
                    topic=OuterRef("pk"), resident=OuterRef("submitter")
                )
            )
        )
        .order_by("pk")
        .values_list("pk", "submitter_id")
    )
    while True:
        batch = list(missing[:BATCH])
        if not batch:
            return
        Endorsement.objects.bulk_create(
            [Endorsement(topic_id=pk, resident_id=submitter) for pk, submitter in batch]
        )
        Topic.objects.filter(pk__in=[pk for pk, _s in batch]).update(
            endorsement_count=F("endorsement_count") + 1
        )


class Migration(migrations.Migration):
    dependencies = [("topics", "0005_preconsultation_stakeholder_columns")]

    operations = [
        migrations.RunPython(add_submitter_endorsements, migrations.RunPython.noop),
    ]
