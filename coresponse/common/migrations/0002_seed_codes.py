from django.db import migrations

from coresponse.common.codes import seed_codes


def forwards(apps, schema_editor):
    seed_codes(apps.get_model("common", "Code"))


class Migration(migrations.Migration):
    dependencies = [("common", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
