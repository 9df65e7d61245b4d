"""Rule specs and fact builders shared by the compliance tests (no database)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from mhr.campaigns.compliance import (
    CertificateFacts,
    PartnershipFacts,
    PersonFacts,
    PolicyFacts,
    RequirementSpec,
    RuleSpec,
)

TODAY = datetime.date(2026, 6, 1)
CIT = "crisis_intervention"
MHFA = "mental_health_first_aid"
FAMILY = {
    "cit-40": CIT,
    "crit": CIT,
    "crisis-equivalent": CIT,
    "mhfa-ps": MHFA,
    "mhfa": MHFA,
    "mhfa-equivalent": MHFA,
}
ELEMENTS = ("recognizing_signs", "de_escalation", "training")

PARTNERSHIP = RequirementSpec(key="partnership", title="Partnership", kind="partnership")
POLICY = RequirementSpec(key="policy", title="Policy", kind="policy")

CURRENT = RuleSpec(
    code="current",
    requirements=(
        PARTNERSHIP,
        POLICY,
        RequirementSpec(
            key="cit-coverage",
            title="CIT for 20%",
            kind="training_coverage",
            coverage_basis="sworn_share",
            min_percent=Decimal("20"),
            accepted_courses=frozenset({"cit-40", "crit", "crisis-equivalent"}),
            course_family=CIT,
        ),
        RequirementSpec(
            key="mhfa-remaining",
            title="MHFA for the rest",
            kind="training_coverage",
            coverage_basis="remaining_sworn",
            accepted_courses=frozenset({"mhfa-ps", "mhfa", "mhfa-equivalent"}),
            course_family=MHFA,
        ),
    ),
    policy_elements=ELEMENTS,
)

RULE_2016 = RuleSpec(
    code="2016",
    requirements=(
        PARTNERSHIP,
        POLICY,
        RequirementSpec(
            key="mhfa-coverage",
            title="MHFA-PS for all",
            kind="training_coverage",
            coverage_basis="sworn_share",
            min_percent=Decimal("100"),
            accepted_courses=frozenset({"mhfa-ps"}),
            course_family=MHFA,
        ),
        RequirementSpec(
            key="cit-coverage",
            title="CIT for 20%",
            kind="training_coverage",
            coverage_basis="sworn_share",
            min_percent=Decimal("20"),
            accepted_courses=frozenset({"cit-40"}),
            course_family=CIT,
        ),
    ),
    policy_elements=ELEMENTS,
)

RULES = {"current": CURRENT, "2016": RULE_2016}


def person(officer_id: int, *, sworn: bool = True, status: str = "active", role: str = "patrol"):
    return PersonFacts(officer_id=officer_id, is_sworn=sworn, status=status, role=role)


def cert(
    officer_id: int,
    code: str,
    completed_on: datetime.date = datetime.date(2025, 1, 1),
    expires_on: datetime.date | None = None,
):
    return CertificateFacts(
        officer_id=officer_id,
        course_code=code,
        family=FAMILY.get(code, "other"),
        completed_on=completed_on,
        expires_on=expires_on,
    )


def partnership(started_on=datetime.date(2025, 1, 1), ends_on=None, confirmed=True):
    return PartnershipFacts(
        organization_name="Valley CMHC", started_on=started_on, ends_on=ends_on, confirmed=confirmed
    )


def policy(adopted_on=datetime.date(2025, 1, 1), covered=ELEMENTS):
    return PolicyFacts(
        title="Crisis policy", adopted_on=adopted_on, covered_elements=frozenset(covered)
    )


def run(
    rules=CURRENT,
    people=(),
    certs=(),
    partnerships=None,
    policies=None,
    roles=frozenset(),
    as_of=TODAY,
):
    from mhr.campaigns.compliance import evaluate

    return evaluate(
        rules=rules,
        people=list(people),
        certificates=list(certs),
        partnerships=[partnership()] if partnerships is None else list(partnerships),
        policies=[policy()] if policies is None else list(policies),
        non_sworn_roles_in_scope=frozenset(roles),
        as_of=as_of,
    )


def roster_20_cit_80_mhfa(cit_also_mhfa_ps=False):
    people = [person(i) for i in range(1, 101)]
    certs = [cert(i, "cit-40") for i in range(1, 21)]
    certs += [cert(i, "mhfa-ps", expires_on=datetime.date(2027, 1, 1)) for i in range(21, 101)]
    if cit_also_mhfa_ps:
        certs += [cert(i, "mhfa-ps", expires_on=datetime.date(2027, 1, 1)) for i in range(1, 21)]
    return people, certs


# --- both rule versions ---------------------------------------------------------------------------


def test_it_meets_the_current_rule_with_twenty_cit_and_eighty_mhfa():
    people, certs = roster_20_cit_80_mhfa()
    result = run(CURRENT, people, certs)
    assert result.met
    assert result.active_sworn == 100
    assert (result.cit_qualified, result.cit_percent) == (20, Decimal("20.0"))
    assert (result.mhfa_qualified, result.mhfa_percent) == (80, Decimal("80.0"))
    assert (result.covered, result.covered_percent) == (100, Decimal("100.0"))
    remaining = result.requirement("mhfa-remaining")
    assert (remaining.numerator, remaining.denominator, remaining.required) == (100, 100, 100)
    assert remaining.lacking_officer_ids == ()


def test_it_fails_the_2016_rule_when_cit_officers_lack_mhfa_ps():
    people, certs = roster_20_cit_80_mhfa()
    result = run(RULE_2016, people, certs)
    assert not result.met
    mhfa = result.requirement("mhfa-coverage")
    assert not mhfa.met
    assert (mhfa.numerator, mhfa.required, mhfa.shortfall) == (80, 100, 20)
    assert mhfa.needs_course_family == MHFA
    assert mhfa.lacking_officer_ids == tuple(range(1, 21))
    assert result.requirement("cit-coverage").met


def test_it_meets_the_2016_rule_when_the_cit_officers_also_hold_mhfa_ps():
    people, certs = roster_20_cit_80_mhfa(cit_also_mhfa_ps=True)
    assert run(RULE_2016, people, certs).met


def test_the_2016_rule_accepts_only_mhfa_for_public_safety():
    people = [person(i) for i in range(1, 11)]
    certs = [cert(i, "mhfa") for i in range(1, 11)] + [cert(i, "cit-40") for i in (1, 2)]
    result = run(RULE_2016, people, certs)
    assert result.requirement("mhfa-coverage").numerator == 0
    assert result.mhfa_qualified == 10  # the headline counts the whole MHFA family


def test_it_counts_how_many_more_need_cit_under_the_current_rule():
    people = [person(i) for i in range(1, 101)]
    certs = [cert(i, "crit") for i in range(1, 11)] + [cert(i, "mhfa") for i in range(11, 101)]
    cit = run(CURRENT, people, certs).requirement("cit-coverage")
    assert not cit.met
    assert (cit.numerator, cit.required, cit.shortfall, cit.needs_course_family) == (
        10,
        20,
        10,
        CIT,
    )
    assert run(CURRENT, people, certs).requirement("mhfa-remaining").met


def test_it_lists_who_lacks_any_course_under_the_remaining_rule():
    people = [person(i) for i in range(1, 11)]
    certs = [cert(1, "cit-40"), cert(2, "cit-40")] + [cert(i, "mhfa") for i in range(3, 9)]
    remaining = run(CURRENT, people, certs).requirement("mhfa-remaining")
    assert not remaining.met
    assert remaining.lacking_officer_ids == (9, 10)
    assert (remaining.shortfall, remaining.needs_course_family) == (2, MHFA)


def test_it_rounds_the_required_share_up():
    people = [person(i) for i in range(1, 12)]  # 20% of 11 = 2.2 -> 3
    certs = [cert(i, "cit-40") for i in (1, 2)] + [cert(i, "mhfa") for i in range(3, 12)]
    cit = run(CURRENT, people, certs).requirement("cit-coverage")
    assert (cit.required, cit.met, cit.percent) == (3, False, Decimal("18.2"))


def test_percentages_round_half_up_to_one_decimal():
    from mhr.campaigns.compliance import percent_of

    assert percent_of(1, 8) == Decimal("12.5")
    assert percent_of(1, 16) == Decimal("6.3")  # 6.25 -> 6.3
    assert percent_of(2, 3) == Decimal("66.7")
    assert percent_of(0, 0) == Decimal("0.0")


# --- who counts -----------------------------------------------------------------------------------


def test_officers_on_leave_count_and_separated_never_do():
    people = [person(1), person(2, status="leave"), person(3, status="separated")]
    certs = [cert(1, "cit-40"), cert(3, "cit-40"), cert(3, "mhfa")]
    result = run(CURRENT, people, certs)
    assert result.active_sworn == 2
    assert result.cit_qualified == 1
    assert result.requirement("mhfa-remaining").lacking_officer_ids == (2,)
    assert 3 not in result.requirement("cit-coverage").lacking_officer_ids


def test_an_agency_without_sworn_officers_meets_no_coverage():
    result = run(
        CURRENT,
        [person(1, sworn=False, role="dispatcher")],
        [cert(1, "cit-40")],
        roles={"dispatcher"},
    )
    assert not result.met
    for key in ("cit-coverage", "mhfa-remaining"):
        requirement = result.requirement(key)
        assert not requirement.met
        assert "No active sworn officers" in requirement.note
    assert result.active_sworn == 0 and result.cit_percent == Decimal("0.0")
    assert result.coverage_falls_below_on is None


def test_an_empty_agency_meets_nothing_but_partnership_and_policy():
    result = run(CURRENT)
    assert not result.met
    assert [r.met for r in result.requirements] == [True, True, False, False]


def test_dispatchers_in_scope_are_held_to_the_same_coverage():
    people = [person(i) for i in range(1, 11)]
    people += [person(i, sworn=False, role="dispatcher") for i in range(11, 16)]
    people.append(person(16, sworn=False, role="civilian"))  # not in scope
    certs = [cert(i, "cit-40") for i in (1, 2)] + [cert(i, "mhfa") for i in range(3, 11)]
    result = run(CURRENT, people, certs, roles={"dispatcher"})
    cit = result.requirement("cit-coverage")
    assert (cit.numerator, cit.denominator, cit.required) == (2, 10, 2)  # sworn figures
    assert (cit.non_sworn_numerator, cit.non_sworn_denominator, cit.non_sworn_required) == (0, 5, 1)
    assert not cit.met and cit.shortfall == 1
    remaining = result.requirement("mhfa-remaining")
    assert not remaining.met
    assert remaining.lacking_officer_ids == (11, 12, 13, 14, 15)
    assert (result.non_sworn_in_scope, result.non_sworn_covered) == (5, 0)
    assert result.active_sworn == 10

    certs += [cert(11, "cit-40")] + [cert(i, "mhfa") for i in range(12, 16)]
    result = run(CURRENT, people, certs, roles={"dispatcher"})
    assert result.met
    assert (result.non_sworn_in_scope, result.non_sworn_covered) == (5, 5)


def test_dispatchers_out_of_scope_do_not_count():
    people = [person(1), person(2, sworn=False, role="dispatcher")]
    result = run(CURRENT, people, [cert(1, "cit-40")])
    assert result.met and result.non_sworn_in_scope == 0


def test_a_requirement_can_leave_non_sworn_staff_out():
    from dataclasses import replace

    cit, remaining = CURRENT.requirements[2:]
    rules = replace(
        CURRENT, requirements=(replace(cit, include_non_sworn_in_scope=False), remaining)
    )
    people = [person(1), person(2, sworn=False, role="dispatcher")]
    result = run(rules, people, [cert(1, "cit-40"), cert(2, "mhfa")], roles={"dispatcher"})
    assert result.requirement("cit-coverage").non_sworn_denominator == 0
    assert result.met


# --- dates ----------------------------------------------------------------------------------------


def test_a_certificate_counts_through_its_expiry_day_and_not_after():
    people = [person(1)]
    certs = [cert(1, "mhfa", expires_on=TODAY)]
    assert run(CURRENT, people, certs, as_of=TODAY).mhfa_qualified == 1
    assert run(CURRENT, people, certs, as_of=TODAY + datetime.timedelta(days=1)).mhfa_qualified == 0


def test_a_certificate_counts_from_its_completion_day_and_future_ones_never():
    people = [person(1)]
    assert run(CURRENT, people, [cert(1, "cit-40", completed_on=TODAY)]).cit_qualified == 1
    future = [cert(1, "cit-40", completed_on=TODAY + datetime.timedelta(days=1))]
    result = run(CURRENT, people, future)
    assert result.cit_qualified == 0
    assert result.expiring_soon == ()


def test_it_lists_certificates_expiring_in_the_next_ninety_days_in_date_order():
    people = [person(i) for i in range(1, 6)]
    certs = [
        cert(1, "mhfa", expires_on=TODAY + datetime.timedelta(days=90)),
        cert(2, "mhfa", expires_on=TODAY),
        cert(3, "mhfa", expires_on=TODAY + datetime.timedelta(days=91)),
        cert(4, "mhfa", expires_on=TODAY - datetime.timedelta(days=1)),
        cert(5, "mhfa", expires_on=TODAY + datetime.timedelta(days=10)),
        # Renewed: the later certificate covers officer 5, so no reminder for the old one.
        cert(5, "mhfa", completed_on=TODAY, expires_on=TODAY + datetime.timedelta(days=1000)),
    ]
    expiring = run(CURRENT, people, certs).expiring_soon
    assert [(e.officer_id, e.expires_on) for e in expiring] == [
        (2, TODAY),
        (1, TODAY + datetime.timedelta(days=90)),
    ]


def test_it_finds_the_day_coverage_falls_below_the_threshold():
    people = [person(i) for i in range(1, 11)]
    certs = [cert(i, "cit-40") for i in (1, 2)]
    certs += [cert(i, "mhfa", expires_on=datetime.date(2027, 1, i)) for i in range(3, 11)]
    result = run(CURRENT, people, certs)
    assert result.met
    assert result.coverage_falls_below_on == datetime.date(2027, 1, 4)
    later = run(CURRENT, people, certs, as_of=result.coverage_falls_below_on)
    assert not later.requirement("mhfa-remaining").met


def test_the_full_mhfa_share_falls_below_when_the_first_certificate_lapses():
    people = [person(i) for i in range(1, 11)]
    certs = [cert(i, "mhfa-ps", expires_on=datetime.date(2027, 1, 1)) for i in range(1, 11)]
    certs += [cert(i, "cit-40") for i in (1, 2)]
    certs += [
        cert(
            i,
            "mhfa-ps",
            completed_on=datetime.date(2026, 1, 1),
            expires_on=datetime.date(2029, 1, 1),
        )
        for i in (1, 2)
    ]
    result = run(RULE_2016, people, certs)
    assert result.met
    assert result.coverage_falls_below_on == datetime.date(2027, 1, 2)


def test_certificates_without_expiry_never_fall_below():
    people = [person(i) for i in range(1, 6)]
    result = run(CURRENT, people, [cert(i, "cit-40") for i in range(1, 6)])
    assert result.met and result.coverage_falls_below_on is None


# --- partnership, policy ------------------------------------------------------------------------


def test_a_partnership_must_be_in_effect_and_unconfirmed_ones_are_noted():
    people, certs = roster_20_cit_80_mhfa()
    ended = partnership(ends_on=TODAY - datetime.timedelta(days=1))
    assert not run(CURRENT, people, certs, partnerships=[ended]).requirement("partnership").met
    starts_later = partnership(started_on=TODAY + datetime.timedelta(days=1))
    assert (
        not run(CURRENT, people, certs, partnerships=[starts_later]).requirement("partnership").met
    )
    ends_today = partnership(ends_on=TODAY, confirmed=False)
    result = run(CURRENT, people, certs, partnerships=[ends_today]).requirement("partnership")
    assert result.met and "not yet confirmed" in result.note


def test_a_policy_counts_once_adopted_and_missing_elements_are_noted():
    people, certs = roster_20_cit_80_mhfa()
    future = policy(adopted_on=TODAY + datetime.timedelta(days=1))
    assert not run(CURRENT, people, certs, policies=[future]).requirement("policy").met
    partial = policy(covered={"training"})
    result = run(CURRENT, people, certs, policies=[partial]).requirement("policy")
    assert result.met
    assert (
        "Recognizing signs of mental illness or crisis" in result.note
        and "De-escalation" in result.note
    )


def test_an_attestation_is_met_once_attested():
    from mhr.campaigns.compliance import AttestationFacts, evaluate

    rules = RuleSpec(
        code="x", requirements=(RequirementSpec(key="oath", title="Oath", kind="attestation"),)
    )
    kwargs = dict(
        rules=rules,
        people=[],
        certificates=[],
        partnerships=[],
        policies=[],
        non_sworn_roles_in_scope=frozenset(),
        as_of=TODAY,
    )
    assert not evaluate(**kwargs).met
    assert evaluate(**kwargs, attestations=[AttestationFacts("oath", TODAY)]).met
    assert not evaluate(**kwargs, attestations=[AttestationFacts("other", TODAY)]).met


def test_results_serialise_to_json_ready_dicts():
    import json

    from mhr.campaigns.compliance import result_as_dict

    people, certs = roster_20_cit_80_mhfa()
    data = result_as_dict(run(CURRENT, people, certs))
    text = json.dumps(data)
    assert data["cit_percent"] == 20.0 and data["as_of"] == "2026-06-01"
    assert json.loads(text)["requirements"][2]["key"] == "cit-coverage"
