"""Indexes that let the lookup's case-insensitive prefix search use an index on PostgreSQL.

Django's `istartswith` becomes `UPPER(col::text) LIKE UPPER('kat%')`; a functional index
with text_pattern_ops on the same expression answers it without scanning the table.
SQLite has no such index type; its installations are small.
"""

from django.db import migrations

INDEXES = [
    ("people_person_first_upper", "people_person", "first_name"),
    ("people_person_last_upper", "people_person", "last_name"),
    ("people_person_preferred_upper", "people_person", "preferred_name"),
    ("people_alias_first_upper", "people_personalias", "first_name"),
    ("people_alias_last_upper", "people_personalias", "last_name"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON {table} (UPPER("{column}"::text) text_pattern_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("people", "0003_duplicate_candidate")]

    operations = [migrations.RunPython(create, drop)]
