from decimal import Decimal

from mhr.campaigns.models import CourseType, Requirement


def test_one_mind_ships_with_two_rule_versions(one_mind):
    versions = {v.code: v for v in one_mind.rule_versions.all()}
    assert set(versions) == {"2016", "current"}
    assert versions["current"].is_current and not versions["2016"].is_current


def test_the_2016_rule_needs_full_mhfa_plus_twenty_percent_cit(one_mind):
    reqs = {r.key: r for r in Requirement.objects.filter(rule_version__code="2016")}
    assert reqs["mhfa-coverage"].min_percent == Decimal("100")
    assert [c.code for c in reqs["mhfa-coverage"].accepted_courses.all()] == ["mhfa-ps"]
    assert reqs["cit-coverage"].min_percent == Decimal("20")
    assert {"partnership", "policy"} <= set(reqs)


def test_the_current_rule_covers_the_remaining_officers_with_mhfa(one_mind):
    reqs = {r.key: r for r in Requirement.objects.filter(rule_version__code="current")}
    assert reqs["mhfa-remaining"].coverage_basis == Requirement.CoverageBasis.REMAINING_SWORN
    cit_codes = {c.code for c in reqs["cit-coverage"].accepted_courses.all()}
    assert cit_codes == {"cit-40", "crit", "crisis-equivalent"}


def test_mhfa_certificates_are_valid_for_three_years(one_mind):
    assert CourseType.objects.get(code="mhfa-ps").validity_months == 36
    assert CourseType.objects.get(code="cit-40").validity_months is None


def test_the_seed_can_run_twice(one_mind):
    import importlib

    from django.apps import apps

    importlib.import_module("mhr.campaigns.migrations.0002_one_mind_campaign").seed(apps, None)
    assert one_mind.rule_versions.count() == 2
    assert Requirement.objects.filter(rule_version__campaign=one_mind).count() == 8
