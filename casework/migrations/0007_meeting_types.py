"""The default meeting types (domain brief, section 6) for every municipality that exists.

Municipalities created later get them from ``meeting_types_ensure_defaults`` (called when a
municipality is created). Existing rows are left as they are: meeting types are data that the
functional admin may have edited.
"""

from django.db import migrations

# (code, name, review weeks); kept equal to casework.services.meetings.DEFAULT_MEETING_TYPES
DEFAULTS = [
    ("zvt", "Zorg- en Veiligheidstafel", 6),
    ("zvt-jeugd", "Zorg- en Veiligheidstafel Jeugd", 6),
    ("triage", "Wekelijkse triage", 1),
    ("woonoverlast", "Woonoverlastoverleg", 4),
]


def seed(apps, schema_editor):
    Municipality = apps.get_model("permissions", "Municipality")
    MeetingType = apps.get_model("casework", "MeetingType")
    for municipality in Municipality.objects.all():
        for code, name, weeks in DEFAULTS:
            MeetingType.objects.get_or_create(
                municipality=municipality,
                code=code,
                defaults={"name": name, "review_weeks": weeks},
            )


def unseed(apps, schema_editor):
    MeetingType = apps.get_model("casework", "MeetingType")
    MeetingType.objects.filter(
        code__in=[code for code, _, _ in DEFAULTS], meetings__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("casework", "0006_meetings")]

    operations = [migrations.RunPython(seed, unseed)]
