"""A trigram index for searching activity texts (the roadmap list's «Поиск»), PostgreSQL only.

``content__icontains`` is ``UPPER(content) LIKE UPPER('%…%')``: a B-tree cannot serve it, a
trigram GIN index on ``UPPER(content)`` can. With 2,000,000 activities the superuser's search
went from 6.5 s to under 2 s (bench/pages.py). Where the database user may not create the
extension, the migration leaves the index out and says so: search still works, only slower.
"""

from django.db import DatabaseError, migrations, transaction

INDEX = "activity_content_trgm_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {INDEX} ON roadmaps_activity USING gin (UPPER(content) gin_trgm_ops)"
            )
    except DatabaseError as error:
        print(f"\n  Индекс поиска по тексту мероприятий не создан (нет прав на pg_trgm?): {error}")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("roadmaps", "0003_indicator_numbers"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
