"""Reference data: the VAF's 22 factors as catalogue version 1 (the 2012 published framework's names,
DOMAIN.md; an administrator adds the Home Office's current wording as a new version), and the kinds of
intervention a support plan offers."""

from django.db import migrations

ENGAGEMENT = (
    "Grievance and injustice",
    "Feeling under threat",
    "Need for identity, meaning and belonging",
    "Desire for status",
    "Desire for excitement and adventure",
    "Need to dominate and control",
    "Susceptibility to indoctrination",
    "Desire for political or moral change",
    "Opportunistic involvement",
    "Family or friends involved in extremism",
    "Transitional period of life",
    "Group influence and control",
    "Relevant mental health issues",
)
INTENT = (
    "Over-identification with a group, cause or ideology",
    '"Us and them" thinking',
    "Dehumanisation of the enemy",
    "Attitudes that justify offending",
    "Harmful means to an end",
    "Harmful objectives",
)
CAPABILITY = (
    "Individual knowledge, skills and competencies",
    "Access to networks, funding or equipment",
    "Criminal history or capability",
)
INTERVENTION_TYPES = (
    ("MENTORING", "Ideological or theological mentoring by an Intervention Provider", True),
    ("EDUCATION_TRAINING_EMPLOYMENT", "Education, training or employment", False),
    ("HEALTH", "Health and mental health", False),
    ("SUBSTANCE_MISUSE", "Substance misuse", False),
    ("HOUSING", "Housing", False),
    ("FAMILY_SUPPORT", "Family support", False),
    ("DIVERSIONARY", "Diversionary activities", False),
    ("LIFE_SKILLS", "Life skills", False),
    ("OTHER", "Other", False),
)


def load(apps, schema_editor):
    catalogue_model = apps.get_model("channel", "VAFCatalogue")
    factor_model = apps.get_model("channel", "VAFFactor")
    type_model = apps.get_model("channel", "InterventionType")
    catalogue, created = catalogue_model.objects.get_or_create(
        version=1,
        defaults={"title": "Vulnerability Assessment Framework (2012 published factors)"},
    )
    if created:
        for dimension, names in (("engagement", ENGAGEMENT), ("intent", INTENT), ("capability", CAPABILITY)):
            for order, name in enumerate(names, start=1):
                factor_model.objects.create(catalogue=catalogue, dimension=dimension, order=order, name=name)
    for order, (code, label, by_provider) in enumerate(INTERVENTION_TYPES, start=1):
        type_model.objects.get_or_create(
            code=code, defaults={"label": label, "order": order, "by_provider": by_provider}
        )


class Migration(migrations.Migration):
    dependencies = [("channel", "0002_support_vaf_consent_plan_reviews")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
