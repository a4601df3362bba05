import django.db.models.deletion
from django.db import migrations, models


def create_pattern_index(apps, schema_editor):
    # LIKE 'kat%' under a non-C collation needs varchar_pattern_ops to use the index;
    # person_id included so a crowded prefix is answered from the index alone.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS people_lookup_dept_key_pattern "
            "ON people_personlookupkey (department_id, key varchar_pattern_ops) INCLUDE (person_id)"
        )


def drop_pattern_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS people_lookup_dept_key_pattern")


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0001_initial"),
        ("people", "0004_lookup_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="PersonLookupKey",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=40)),
                ("department", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="programs.department")),
                ("person", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="lookup_keys", to="people.person")),
            ],
            options={
                "indexes": [models.Index(fields=["department", "key"], name="people_lookup_dept_key")],
            },
        ),
        migrations.RunPython(create_pattern_index, drop_pattern_index),
    ]
