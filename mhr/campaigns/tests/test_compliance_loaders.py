"""The loaders: facts come from the database in a fixed number of queries, one agency at a time."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from mhr.campaigns import selectors
from mhr.campaigns.models import (
    CourseType,
    Officer,
    Partnership,
    Pledge,
    PolicyDocument,
    RuleVersion,
    TrainingRecord,
)

TODAY = datetime.date(2026, 6, 1)


def add_officers(agency, count, *, start=0, sworn=True, role="patrol", status="active"):
    return Officer.objects.bulk_create(
        Officer(
            agency=agency,
            employee_id=f"E{start + i:05d}",
            first_name="Pat",
            last_name=f"Officer{start + i:05d}",
            is_sworn=sworn,
            role=role,
            status=status,
        )
        for i in range(count)
    )


def train(officers, code, *, completed_on=datetime.date(2025, 1, 1), expires_on=None):
    course = CourseType.objects.get(code=code)
    TrainingRecord.objects.bulk_create(
        TrainingRecord(
            officer=o,
            agency_id=o.agency_id,
            course_type=course,
            completed_on=completed_on,
            expires_on=expires_on,
        )
        for o in officers
    )


def make_pledge(agency, one_mind, code="current", roles=()):
    return Pledge.objects.create(
        agency=agency,
        campaign=one_mind,
        rule_version=RuleVersion.objects.get(campaign=one_mind, code=code),
        agency_head_name="Chief Ada Stone",
        agency_head_title="Chief of Police",
        signed_on=datetime.date(2025, 1, 1),
        contact_name="Alice Archer",
        contact_email="alice@springfield.example",
        target_completion_on=datetime.date(2027, 1, 1),
        non_sworn_roles_in_scope=list(roles),
    )


def add_partnership_and_policy(agency):
    Partnership.objects.create(
        agency=agency,
        organization_name="Valley CMHC",
        organization_kind=Partnership.OrganizationKind.MENTAL_HEALTH_CENTER,
        agreement_kind=Partnership.AgreementKind.MOU,
        started_on=datetime.date(2025, 1, 1),
    )
    PolicyDocument.objects.create(
        agency=agency,
        title="Responding to people in crisis",
        adopted_on=datetime.date(2025, 2, 1),
        element_pages={key: "p. 1" for key in PolicyDocument.Element.values},
    )


def build_agency(agency, size):
    officers = add_officers(agency, size)
    cit_count = max(1, size // 5)
    train(officers[:cit_count], "cit-40")
    train(officers[cit_count:], "mhfa-ps", expires_on=datetime.date(2027, 1, 1))
    add_partnership_and_policy(agency)
    return officers


def test_rule_spec_reflects_the_seeded_current_rule(one_mind):
    spec = selectors.rule_spec_for(RuleVersion.objects.get(campaign=one_mind, code="current"))
    by_key = {r.key: r for r in spec.requirements}
    assert [r.key for r in spec.requirements] == [
        "partnership",
        "policy",
        "cit-coverage",
        "mhfa-remaining",
    ]
    assert by_key["cit-coverage"].min_percent == Decimal("20")
    assert by_key["cit-coverage"].accepted_courses == {"cit-40", "crit", "crisis-equivalent"}
    assert by_key["cit-coverage"].course_family == "crisis_intervention"
    assert by_key["mhfa-remaining"].course_family == "mental_health_first_aid"
    assert "de_escalation" in spec.policy_elements


def test_staff_edits_to_thresholds_change_the_result(one_mind, agency_a):
    build_agency(agency_a, 10)
    pledge = make_pledge(agency_a, one_mind)
    result = selectors.pledge_compliance(pledge, as_of=TODAY)
    assert result.met and result.coverage_falls_below_on == datetime.date(2027, 1, 2)
    requirement = pledge.rule_version.requirements.get(key="cit-coverage")
    requirement.min_percent = Decimal("30")
    requirement.save(update_fields=["min_percent"])
    cit = selectors.pledge_compliance(pledge, as_of=TODAY).requirement("cit-coverage")
    assert (cit.met, cit.required, cit.shortfall) == (False, 3, 1)


def test_pledge_compliance_reads_the_pledges_agency_data(one_mind, agency_a):
    officers = build_agency(agency_a, 10)
    add_officers(agency_a, 2, start=100, sworn=False, role="dispatcher")
    add_officers(agency_a, 3, start=200, status="separated")
    pledge = make_pledge(agency_a, one_mind, roles=["dispatcher"])
    result = selectors.pledge_compliance(pledge, as_of=TODAY)
    assert result.active_sworn == 10
    assert (result.cit_qualified, result.mhfa_qualified, result.covered) == (2, 8, 10)
    assert result.non_sworn_in_scope == 2
    assert not result.requirement("mhfa-remaining").met  # the dispatchers lack training
    assert result.requirement("partnership").met and result.requirement("policy").met
    # Only met coverage can fall below; CIT never expires and MHFA coverage is not met.
    assert result.coverage_falls_below_on is None
    lacking = selectors.officers_lacking(agency_a, result, "mhfa-remaining")
    assert [o.role for o in lacking] == ["dispatcher", "dispatcher"]
    assert set(selectors.officers_by_id(agency_a, [o.pk for o in officers[:3]])) == {
        o.pk for o in officers[:3]
    }


@pytest.mark.parametrize("size", [10, 200])
def test_pledge_compliance_uses_the_same_number_of_queries_for_any_roster(
    one_mind, agency_a, size, django_assert_num_queries
):
    build_agency(agency_a, size)
    pledge = make_pledge(agency_a, one_mind)
    with django_assert_num_queries(6):
        result = selectors.pledge_compliance(pledge, as_of=TODAY)
    assert result.active_sworn == size and result.met


@pytest.mark.parametrize("size", [10, 200])
def test_agency_compliance_uses_the_same_number_of_queries_for_any_roster(
    one_mind, agency_a, size, django_assert_num_queries
):
    build_agency(agency_a, size)
    version = RuleVersion.objects.get(campaign=one_mind, code="2016")
    with django_assert_num_queries(6):
        result = selectors.agency_compliance(agency_a, version, as_of=TODAY)
    assert result.active_sworn == size and not result.met


@pytest.mark.parametrize("agencies", [1, 2])
def test_evaluating_all_pledges_uses_a_fixed_number_of_queries(
    one_mind, agency_a, agency_b, agencies, django_assert_num_queries
):
    for agency in [agency_a, agency_b][:agencies]:
        build_agency(agency, 20)
        make_pledge(agency, one_mind)
    with django_assert_num_queries(7):
        results = selectors.evaluate_all_pledges(TODAY)
    assert len(results) == agencies and all(r.met for r in results.values())


def test_it_never_counts_another_agencys_data(one_mind, agency_a, agency_b, alice, carol):
    add_officers(agency_a, 10)
    pledge = make_pledge(agency_a, one_mind)
    build_agency(agency_b, 10)  # carol's agency: trained, with partnership and policy
    result = selectors.pledge_compliance(pledge, as_of=TODAY)
    assert (result.active_sworn, result.cit_qualified, result.mhfa_qualified) == (10, 0, 0)
    assert not result.requirement("partnership").met and not result.requirement("policy").met
    assert result.expiring_soon == ()
    carol_ids = set(Officer.objects.filter(agency=agency_b).values_list("pk", flat=True))
    assert not carol_ids & set(result.requirement("cit-coverage").lacking_officer_ids)
    assert selectors.officers_by_id(agency_a, sorted(carol_ids)) == {}
    all_results = selectors.evaluate_all_pledges(TODAY)
    assert all_results[pledge.pk].active_sworn == 10 and all_results[pledge.pk].cit_qualified == 0


def test_evaluate_all_pledges_judges_each_pledge_by_its_own_rule_version(
    one_mind, agency_a, agency_b
):
    build_agency(agency_a, 10)
    build_agency(agency_b, 10)
    current = make_pledge(agency_a, one_mind, "current")
    old = make_pledge(agency_b, one_mind, "2016")
    results = selectors.evaluate_all_pledges(TODAY)
    assert results[current.pk].met and not results[old.pk].met
    assert selectors.evaluate_all_pledges(
        TODAY, pledges=Pledge.objects.filter(pk=old.pk)
    ).keys() == {old.pk}


def test_expired_and_future_certificates_are_left_out(one_mind, agency_a):
    officers = add_officers(agency_a, 3)
    train(
        officers[:1],
        "mhfa",
        completed_on=datetime.date(2020, 1, 1),
        expires_on=datetime.date(2023, 1, 1),
    )
    train(officers[1:2], "cit-40", completed_on=TODAY + datetime.timedelta(days=5))
    train(officers[2:], "mhfa", expires_on=TODAY + datetime.timedelta(days=30))
    pledge = make_pledge(agency_a, one_mind)
    result = selectors.pledge_compliance(pledge, as_of=TODAY)
    assert (result.cit_qualified, result.mhfa_qualified) == (0, 1)
    assert [(e.officer_id, e.course_code) for e in result.expiring_soon] == [
        (officers[2].pk, "mhfa")
    ]


def test_officers_lacking_handles_long_lists(one_mind, agency_a):
    add_officers(agency_a, 1000)
    pledge = make_pledge(agency_a, one_mind)
    result = selectors.pledge_compliance(pledge, as_of=TODAY)
    lacking = selectors.officers_lacking(agency_a, result, "mhfa-remaining", limit=5)
    assert [o.employee_id for o in lacking] == ["E00000", "E00001", "E00002", "E00003", "E00004"]
    assert (
        len(
            selectors.officers_by_id(
                agency_a, result.requirement("mhfa-remaining").lacking_officer_ids
            )
        )
        == 1000
    )
