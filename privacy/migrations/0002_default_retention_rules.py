from django.db import migrations

# The domain brief's retention defaults (section 5), as the installation's rules in force.
# Kept here as literals: a migration must not change when the code's constants do.
DEFAULTS = {
    "signal": 12,
    "referral": 12,
    "woonoverlast": 24,
    "jeugdoverlast": 24,
    "multiproblem": 24,
    "riec": 24,
}


def seed(apps, schema_editor):
    RetentionRule = apps.get_model("privacy", "RetentionRule")
    for subject, months in DEFAULTS.items():
        if not RetentionRule.objects.filter(
            subject=subject, municipality__isnull=True, status="active"
        ).exists():
            RetentionRule.objects.create(subject=subject, months=months, status="active")


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
