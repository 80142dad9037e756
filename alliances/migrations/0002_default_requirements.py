"""The default dispatch requirements of seed 003 (rows with a blank region; regions override them)."""

from django.db import migrations


def add_defaults(apps, schema_editor):
    from alliances.rules import DEFAULT_REQUIREMENTS

    Requirement = apps.get_model("alliances", "DispatchRequirement")
    for group_type, kind, minimum, maximum, subjects in DEFAULT_REQUIREMENTS:
        Requirement.objects.get_or_create(
            group_type=group_type, kind=kind, region=None,
            defaults={"minimum": minimum, "maximum": maximum, "subjects": subjects},
        )


def remove_defaults(apps, schema_editor):
    apps.get_model("alliances", "DispatchRequirement").objects.filter(region=None).delete()


class Migration(migrations.Migration):
    dependencies = [("alliances", "0001_groups_requirements_compliance_activities")]
    operations = [migrations.RunPython(add_defaults, remove_defaults)]
