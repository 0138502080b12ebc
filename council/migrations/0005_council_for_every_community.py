"""Every community has its council: create the ones pages used to create on first view.

From now on council.services.council_create runs when a community is created;
communities made before that get their council (and the six default seat kinds)
here. The seat kinds are written out as they were when this migration was made.
"""

from django.db import migrations

# (code, represents an organisation), in order: council.models.DEFAULT_SEAT_KINDS.
DEFAULT_SEAT_KINDS = [
    ("residents_committee", False),
    ("resident_backbone", False),
    ("women", False),
    ("social_org", True),
    ("social_resource", True),
    ("social_worker", False),
]


def create_missing_councils(apps, schema_editor):
    Community = apps.get_model("residents", "Community")
    Council = apps.get_model("council", "Council")
    SeatKind = apps.get_model("council", "SeatKind")
    missing = Community.objects.filter(council__isnull=True).only("pk")
    for community in missing.iterator():
        council = Council.objects.create(community=community)
        SeatKind.objects.bulk_create(
            SeatKind(
                council=council,
                code=code,
                position=position,
                seat_count=1,
                represents_organization=is_org,
            )
            for position, (code, is_org) in enumerate(DEFAULT_SEAT_KINDS, start=1)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("council", "0004_invitation_stakeholder_columns"),
        ("residents", "0003_import_confirmed_at"),
    ]

    operations = [
        migrations.RunPython(create_missing_councils, migrations.RunPython.noop),
    ]
