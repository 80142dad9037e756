"""The default bound-rule policy row (no region): seed 003's figures, editable by the city bureau."""

from django.db import migrations


def create_default(apps, schema_editor):
    BoundPolicy = apps.get_model("evaluation", "BoundPolicy")
    if not BoundPolicy.objects.filter(region__isnull=True).exists():
        BoundPolicy.objects.create(region=None)  # the model's defaults: 5 points, 60/20/10/10, deputies capped


def remove_default(apps, schema_editor):
    apps.get_model("evaluation", "BoundPolicy").objects.filter(region__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0002_bound_policy")]
    operations = [migrations.RunPython(create_default, remove_default)]
