from django.db import migrations, models

from topics.search import search_terms

INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS topic_search_terms_gin ON topics_topic "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_terms, '')))"
)


def fill_search_terms(apps, schema_editor):
    Topic = apps.get_model("topics", "Topic")
    batch = []
    for topic in Topic.objects.only("pk", "title", "description").iterator(
        chunk_size=2000
    ):
        topic.search_terms = search_terms(topic.title, topic.description)
        batch.append(topic)
        if len(batch) == 2000:
            Topic.objects.bulk_update(batch, ["search_terms"])
            batch = []
    Topic.objects.bulk_update(batch, ["search_terms"])


def create_index(apps, schema_editor):
    # GIN over the 'simple' text search configuration: PostgreSQL only; SQLite
    # searches by substring alone (topics.search).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX_SQL)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS topic_search_terms_gin")


class Migration(migrations.Migration):
    dependencies = [
        ("topics", "0006_submitter_counts_as_supporter"),
    ]

    operations = [
        migrations.AddField(
            model_name="topic",
            name="search_terms",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_search_terms, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
