"""The 20 categories of the domain brief (section 2). Existing rows are left as they are:
categories are data that the functional admin may have edited."""

from django.db import migrations

CATEGORIES = [
    ("WO-GELUID", "Geluidsoverlast buren", "woonoverlast"),
    ("WO-INTIMIDATIE", "Intimidatie of bedreiging buren", "woonoverlast"),
    ("WO-AANLOOP", "Overlast door bezoekers / aanloop", "woonoverlast"),
    ("WO-VERVUILING", "Woningvervuiling of verwaarlozing", "woonoverlast"),
    ("WO-DIEREN", "Overlast door huisdieren", "woonoverlast"),
    ("JO-HANGEN", "Rondhangende jongeren", "jeugdoverlast"),
    ("JO-VANDALISME", "Vernieling of baldadigheid", "jeugdoverlast"),
    ("JO-INTIMIDATIE", "Intimidatie door groep", "jeugdoverlast"),
    ("JO-MIDDELEN", "Alcohol, drugs of lachgas op straat", "jeugdoverlast"),
    ("MP-VERWARD", "Persoon met verward gedrag", "multiproblem"),
    ("MP-SCHULDEN", "Schulden of huurachterstand", "multiproblem"),
    ("MP-DAKLOOS", "(Dreigende) dakloosheid", "multiproblem"),
    ("MP-VERSLAVING", "Verslavingsproblematiek", "multiproblem"),
    ("MP-HUISELIJK", "Signaal huiselijk geweld (route naar Veilig Thuis)", "multiproblem"),
    ("MP-RECIDIVE", "Veelpleger of terugkeer na detentie", "multiproblem"),
    ("OM-HENNEP", "Vermoeden hennepteelt", "riec"),
    ("OM-DRUGSHANDEL", "Drugshandel vanuit woning of pand", "riec"),
    ("OM-VASTGOED", "Verdacht vastgoed / malafide verhuur", "riec"),
    ("OM-UITBUITING", "Signaal mensenhandel of uitbuiting", "riec"),
    ("OM-WITWAS", "Verdachte onderneming (witwassen)", "riec"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("signals", "Category")
    for position, (code, label, case_type) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(
            code=code,
            defaults={"label_nl": label, "case_type": case_type, "sort_order": position * 10},
        )


def unseed(apps, schema_editor):
    Category = apps.get_model("signals", "Category")
    Category.objects.filter(
        code__in=[code for code, _, _ in CATEGORIES], signals__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("signals", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
