"""Seed the One Mind Campaign with its course types and two rule versions.

Thresholds and accepted courses stay editable by staff afterwards; this only creates the starting rows.
"""

import datetime

from django.db import migrations

COURSE_TYPES = [
    # code, name, family, validity_months, typical_hours, aliases
    ("cit-40", "CIT 40-hour", "crisis_intervention", None, 40,
     ["CIT", "CIT 40", "CIT 40-hour", "Crisis Intervention Team", "Crisis Intervention Team (CIT)"]),
    ("crit", "CRIT (Crisis Response and Intervention Training)", "crisis_intervention", None, None,
     ["CRIT", "Crisis Response and Intervention Training"]),
    ("crisis-equivalent", "Approved crisis-intervention equivalent", "crisis_intervention", None, None,
     ["CIT equivalent", "Crisis intervention equivalent"]),
    ("mhfa-ps", "Mental Health First Aid for Public Safety", "mental_health_first_aid", 36, 8,
     ["MHFA-PS", "MHFA PS", "MHFA for Public Safety", "Mental Health First Aid Public Safety"]),
    ("mhfa", "Mental Health First Aid", "mental_health_first_aid", 36, 8,
     ["MHFA", "Adult MHFA", "Adult Mental Health First Aid"]),
    ("mhfa-equivalent", "Approved MHFA equivalent", "mental_health_first_aid", 36, None,
     ["MHFA equivalent"]),
]

PARTNERSHIP = (
    "partnership",
    "Partnership with a community mental-health organization",
    "A clearly defined, sustainable partnership with one or more community mental-health organizations.",
    "partnership",
)
POLICY = (
    "policy",
    "Policy on responding to people in crisis",
    "A written policy on law-enforcement response to people with mental-health conditions, adopted and in use.",
    "policy",
)


def seed(apps, schema_editor):
    Campaign = apps.get_model("campaigns", "Campaign")
    CourseType = apps.get_model("campaigns", "CourseType")
    RuleVersion = apps.get_model("campaigns", "RuleVersion")
    Requirement = apps.get_model("campaigns", "Requirement")

    courses = {}
    for code, name, family, validity, hours, aliases in COURSE_TYPES:
        courses[code], _ = CourseType.objects.get_or_create(
            code=code,
            defaults={"name": name, "family": family, "validity_months": validity,
                      "typical_hours": hours, "aliases": aliases},
        )

    campaign, _ = Campaign.objects.get_or_create(
        slug="one-mind",
        defaults={
            "name": "One Mind Campaign",
            "summary": (
                "Agencies pledge to complete four practices within 12 to 36 months: a partnership "
                "with a community mental-health organization, a written crisis-response policy, "
                "crisis-intervention training for at least 20% of sworn officers, and Mental Health "
                "First Aid or an equivalent for the rest."
            ),
            "min_months": 12,
            "max_months": 36,
        },
    )

    versions = [
        (
            "2016", "2016–2018 pledge", datetime.date(2016, 10, 1), False,
            "Pledges made from 2016 to 2018: every sworn officer holds MHFA for Public Safety, "
            "and at least 20% also hold CIT.",
            [
                ("mhfa-coverage", "Mental Health First Aid for every sworn officer",
                 "100% of sworn officers certified in MHFA for Public Safety.",
                 "sworn_share", 100, ["mhfa-ps"]),
                ("cit-coverage", "CIT for at least 20% of sworn officers",
                 "At least 20% of sworn officers trained in CIT, in addition to MHFA.",
                 "sworn_share", 20, ["cit-40"]),
            ],
        ),
        (
            "current", "Current pledge", datetime.date(2020, 1, 1), True,
            "At least 20% of sworn officers hold CIT, CRIT or an approved equivalent; every other "
            "sworn officer holds MHFA or an approved equivalent.",
            [
                ("cit-coverage", "CIT, CRIT or equivalent for at least 20% of sworn officers",
                 "At least 20% of sworn officers trained in CIT, CRIT or an approved equivalent.",
                 "sworn_share", 20, ["cit-40", "crit", "crisis-equivalent"]),
                ("mhfa-remaining", "MHFA or equivalent for every other sworn officer",
                 "Every sworn officer without crisis-intervention training holds MHFA or an "
                 "approved equivalent.",
                 "remaining_sworn", None, ["mhfa-ps", "mhfa", "mhfa-equivalent"]),
            ],
        ),
    ]
    for code, name, effective, is_current, description, coverage in versions:
        version, created = RuleVersion.objects.get_or_create(
            campaign=campaign, code=code,
            defaults={"name": name, "effective_from": effective, "is_current": is_current,
                      "description": description},
        )
        if not created:
            continue
        position = 0
        for key, title, text, kind in (PARTNERSHIP, POLICY):
            position += 1
            Requirement.objects.create(rule_version=version, key=key, title=title,
                                       description=text, kind=kind, position=position)
        for key, title, text, basis, percent, accepted in coverage:
            position += 1
            requirement = Requirement.objects.create(
                rule_version=version, key=key, title=title, description=text,
                kind="training_coverage", coverage_basis=basis, min_percent=percent,
                position=position,
            )
            requirement.accepted_courses.set([courses[c] for c in accepted])


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
